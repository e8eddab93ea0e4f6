// The bundled CLI (dist/cli/index.js) on Node 24: same engine, compiler-style output, exit codes.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { NODE24 } from '../support/action-runner.js'
import { makeWorkspace } from '../support/workspace.js'

const CLI = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist/cli/index.js')

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

function pgshift(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(NODE24, [CLI, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

test('--version and --help', () => {
  expect(pgshift('.', ['--version']).stdout).toMatch(/^pgshift \d+\.\d+\.\d+\n$/)
  const help = pgshift('.', ['--help'])
  expect(help.code).toBe(0)
  expect(help.stdout).toContain('--lock-timeout')
})

test('plan, apply, rerun: DATABASE_URL from the environment, exit 0', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n', '002_b.sql': 'CREATE TABLE b (id int);\n' })
  const plan = pgshift(ws, ['plan'], { DATABASE_URL: db.url })
  expect(plan.code).toBe(0)
  expect(plan.stdout).toMatch(/pending\s+001_a/)
  expect(plan.stdout).toMatch(/pending\s+002_b/)
  const apply = pgshift(ws, ['apply', '--lock-timeout', '2s'], { DATABASE_URL: db.url })
  expect(apply.code).toBe(0)
  expect(apply.stdout).toMatch(/applied\s+001_a/)
  expect(apply.stderr).toMatch(/\[2\/2\] 002_b/)
  const rerun = pgshift(ws, ['apply', '--json'], { DATABASE_URL: db.url })
  expect(JSON.parse(rerun.stdout).status).toBe('nothing-to-do')
})

test('an absolute --migrations-dir inside the current directory is read, not refused as missing', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' })
  const apply = pgshift(ws, ['apply', '--migrations-dir', join(ws, 'migrations')], { DATABASE_URL: db.url })
  expect([apply.code, apply.stderr]).toEqual([0, expect.not.stringContaining('does not exist')])
  expect(apply.stdout).toMatch(/applied\s+001_a/)
  expect(await db.query(`SELECT to_regclass('public.a') AS t`)).toEqual([{ t: 'a' }])
  const missing = pgshift(ws, ['plan', '--migrations-dir', join(ws, 'nope')], { DATABASE_URL: db.url })
  expect(missing.code).toBe(64)
  expect(missing.stderr).toContain(`migrations-dir: '${join(ws, 'nope')}' does not exist`)
})

test('a failing migration prints file:line:col: error with SQLSTATE, detail and next step; exit 1', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);\nINSERT INTO a VALUES (1);\n\nINSERT INTO a VALUES (1);\n' })
  const r = pgshift(ws, ['apply', '--database-url', db.url])
  expect(r.code).toBe(1)
  expect(r.stdout).toMatch(/migrations\/001_a\.sql:4:1: error: duplicate key value violates unique constraint "a_pkey" \[23505\]/)
  expect(r.stdout).toMatch(/detail: Key \(id\)=\(1\) already exists/)
  expect(r.stdout).toMatch(/next: .*rerun starts again at this file/)
})

test('a refusal exits 2 and a bad flag or input exits 64, naming it', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' })
  pgshift(ws, ['apply', '--database-url', db.url])
  const edited = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id bigint);\n' })
  const drift = pgshift(edited, ['apply', '--database-url', db.url])
  expect(drift.code).toBe(2)
  expect(drift.stdout).toMatch(/001_a.*allow-drift/s)
  const badInput = pgshift(ws, ['apply', '--database-url', db.url, '--lock-retries', 'many'])
  expect(badInput.code).toBe(64)
  expect(badInput.stderr).toMatch(/lock-retries: 'many' is not a whole number/)
  const badFlag = pgshift(ws, ['apply', '--lock-timout', '1s'])
  expect(badFlag.code).toBe(64)
  expect(badFlag.stderr).toMatch(/lock-timout/)
})

test('fleet-plan prints the matrices with the secret names the legs read; a bad targets file exits 64 naming the target and field', () => {
  const ws = mkdtempSync(join(tmpdir(), 'pgshift-cli-fleet-'))
  writeFileSync(join(ws, 'pgshift.targets.yml'), 'targets:\n  - { name: canary, secret: DB_CANARY, wave: 0 }\n  - { name: acme, env: ACME_URL, labels: { region: eu } }\n')
  const plan = pgshift(ws, ['fleet-plan'])
  expect([plan.code, plan.stderr]).toEqual([0, 'wave 0 (canaries): 1 target: canary\nwave 1: 1 target: acme\n'])
  expect(JSON.parse(plan.stdout)).toEqual({
    matrix: {
      '0': { include: [{ target: 'canary', secret: 'DB_CANARY', env: '', wave: 0, kind: 'database', labels: {} }] },
      '1': { include: [{ target: 'acme', secret: '', env: 'ACME_URL', wave: 1, kind: 'database', labels: { region: 'eu' } }] }
    },
    waves: [0, 1]
  })
  writeFileSync(join(ws, 'pgshift.targets.yml'), 'targets:\n  - { name: canary, secret: "postgres://u:hunter22@h/db", wave: 0 }\n')
  const bad = pgshift(ws, ['fleet-plan'])
  expect(bad.code).toBe(64)
  expect(bad.stderr).toMatch(/targets\[0\] \(canary\): secret: expected the name of a repository or environment secret/)
  expect(bad.stderr + bad.stdout).not.toContain('hunter22')
})
