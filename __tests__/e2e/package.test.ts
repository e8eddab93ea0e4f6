// The npm package as a user gets it: `npm pack` of this repository, installed
// from the tarball into an empty directory, then `npx pgshift` there, on Node 24,
// against a real database. Proves the published CLI needs nothing from the clone.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { NODE24 } from '../support/action-runner.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string
  version: string
  engines: { node: string }
  dependencies?: Record<string, string>
  devDependencies: Record<string, string>
}
// npm and npx run on Node 24 (the node on PATH), like a user's machine with a current Node.
const ENV = { ...process.env, PATH: [dirname(NODE24), process.env.PATH].join(delimiter), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' }

interface Packed {
  filename: string
  size: number
  unpackedSize: number
  files: { path: string }[]
}

let work: string
let packed: Packed
let project: string
let db: TestDatabase

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pgshift-pack-'))
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, env: ENV, encoding: 'utf8' })
  packed = (JSON.parse(out) as Packed[])[0]!
  project = join(work, 'project')
  mkdirSync(project)
  writeFileSync(join(project, 'package.json'), '{ "name": "user-project", "private": true }\n')
  execFileSync('npm', ['install', '--no-save', join(work, packed.filename)], { cwd: project, env: ENV, encoding: 'utf8', stdio: 'pipe' })
}, 180_000)

afterAll(() => {
  rmSync(work, { recursive: true, force: true })
})

beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

function npx(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('npx', ['--no-install', ...args], { cwd: project, env: { ...ENV, ...env }, encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

test(`the tarball is ${manifest.name}@${manifest.version}, holding the bundled CLI and nothing of the clone`, () => {
  expect(packed.filename).toBe(`${manifest.name}-${manifest.version}.tgz`)
  const paths = packed.files.map((f) => f.path).sort()
  expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/cli/index.js', 'dist/cli/libpg-query.wasm', 'dist/cli/package.json']))
  const outside = paths.filter((p) => !p.startsWith('dist/cli/') && !['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(p))
  expect(outside).toEqual([])
  // The bundle inlines every runtime package: under 10 MB packed keeps `npx pgshift@1` quick.
  expect(packed.size).toBeLessThan(10 * 1024 * 1024)
})

test('installing it pulls in no other package: the bundle needs none, and no devDependency comes along', () => {
  expect(manifest.dependencies ?? {}).toEqual({})
  const installed = readdirSync(join(project, 'node_modules')).filter((n) => !n.startsWith('.'))
  expect(installed).toEqual([manifest.name])
  for (const dev of Object.keys(manifest.devDependencies)) expect(installed).not.toContain(dev.split('/')[0])
})

test('engines says Node 22 or later, the oldest Node its bundled packages support', () => {
  expect(manifest.engines.node).toBe('>=22')
})

test('npx pgshift --version prints the package version', () => {
  const r = npx(['pgshift', '--version'])
  expect(r.stderr).toBe('')
  expect(r.stdout).toBe(`pgshift ${manifest.version}\n`)
  expect(r.code).toBe(0)
})

test('npx pgshift plan reads the migrations and the database, and changes nothing', async () => {
  mkdirSync(join(project, 'migrations'), { recursive: true })
  writeFileSync(join(project, 'migrations', '001_users.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n')
  writeFileSync(join(project, 'migrations', '002_users_email.sql'), 'CREATE INDEX CONCURRENTLY users_email ON users (email);\n')
  const r = npx(['pgshift', 'plan'], { DATABASE_URL: db.url })
  expect(r.code).toBe(0)
  expect(r.stdout).toMatch(/pending\s+001_users/)
  expect(r.stdout).toMatch(/pending\s+002_users_email/)
  expect(r.stdout).not.toContain(new URL(db.url).password || '\u0000')
  expect(await db.query(`SELECT nspname FROM pg_namespace WHERE nspname = 'pgshift'`)).toEqual([])
  expect(await db.query(`SELECT relname FROM pg_class WHERE relname = 'users'`)).toEqual([])
})
