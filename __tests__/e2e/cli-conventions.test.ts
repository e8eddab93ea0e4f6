// CLI conventions (issue 19 item 7), through the bundled CLI on Node 24: bare
// boolean flags, exit 64 for every bad input with all problems at once, per-mode
// help, no fork-PR talk outside Actions, and the heartbeat of a long migration
// (PGSHIFT_HEARTBEAT shortens the interval; the assertions are on the lines, not on time).
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { NODE24, runAction } from '../support/action-runner.js'
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

const UP_DOWN = {
  '001_a.sql': 'CREATE TABLE a (id int);\n',
  '001_a.down.sql': 'DROP TABLE a;\n'
}

test('boolean flags: bare, =false, and the old "true" word all work', async () => {
  const ws = makeWorkspace(UP_DOWN)
  const bare = pgshift(ws, ['apply', '--test-rollback', '--json', '--database-url', db.url])
  expect(bare.code).toBe(0)
  expect(bare.stderr).not.toMatch(/ambiguous|argument missing/)
  // Plurals (issue 19 item 8): one file is "1 migration".
  expect(bare.stderr).toMatch(/\): 1 migration\n/)
  // The rollback test ran: down, then up again.
  expect(bare.stderr).toMatch(/test-rollback: down 001_a/)

  await db.query('DROP TABLE a; DROP SCHEMA pgshift CASCADE')
  const off = pgshift(ws, ['apply', '--test-rollback=false', '--database-url', db.url])
  expect(off.code).toBe(0)
  expect(off.stderr).not.toMatch(/test-rollback: down/)

  // A bare boolean before the mode does not swallow it; `--flag true` still works.
  const plan = pgshift(ws, ['--allow-drift', 'plan', '--allow-missing', 'true', '--database-url', db.url])
  expect(plan.code).toBe(0)
  expect(plan.stdout).toMatch(/pgshift plan/)
})

test('the discovery log line says the convention as the report does, never the raw "auto: detected" note', async () => {
  const auto = pgshift(makeWorkspace(UP_DOWN), ['plan', '--database-url', db.url])
  expect(auto.code).toBe(0)
  // The report's line (stdout) and the log's (stderr) say the same words.
  expect(auto.stdout).toContain('migrations: migrations (numbered, auto: 1 file named 001_name.sql)')
  expect(auto.stderr).toContain('migrations: migrations (numbered, auto: 1 file named 001_name.sql): 1 migration\n')
  expect(auto.stderr + auto.stdout).not.toMatch(/detected/)

  const chosen = pgshift(makeWorkspace({ '20240101000000_a.sql': 'CREATE TABLE a (id int);\n', '20240102000000_b.sql': 'CREATE TABLE b (id int);\n' }), ['plan', '--convention', 'dated', '--database-url', db.url])
  expect(chosen.code).toBe(0)
  expect(chosen.stdout).toContain('migrations: migrations (dated, from the convention input; 2 migration files)')
  expect(chosen.stderr).toContain('migrations: migrations (dated, from the convention input; 2 migration files): 2 migrations\n')
})

test('every invalid input exits 64, all of them in one message, and nothing connects', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' })
  const r = pgshift(ws, ['apply', '--database-url', 'mysql://u:pw@h/db', '--migrations-dir', 'nodir', '--lock-timeout', 'soon', '--steps', 'x', '--test-rollback=maybe'])
  expect(r.code).toBe(64)
  expect(r.stdout).toBe('')
  for (const want of [/lock-timeout: 'soon' is not a duration/, /steps: 'x' is not a whole number/, /test-rollback: 'maybe' is not a boolean/, /database-url: .*scheme/, /migrations-dir: 'nodir' does not exist/]) {
    expect(r.stderr).toMatch(want)
  }
  expect(r.stderr).not.toContain('pw')

  const badUrl = pgshift(ws, ['plan', '--database-url', 'not a url'])
  expect(badUrl.code).toBe(64)
  const noDir = pgshift(ws, ['plan', '--database-url', db.url, '--migrations-dir', 'missing'])
  expect(noDir.code).toBe(64)
  expect(noDir.stderr).toMatch(/migrations-dir: 'missing' does not exist/)
  expect(await db.query(`SELECT 1 FROM information_schema.schemata WHERE schema_name = 'pgshift'`)).toHaveLength(0)
})

test('an empty URL: a local user is told the flag and the variable; only in Actions are forks mentioned', () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' })
  const local = pgshift(ws, ['plan'])
  expect(local.code).toBe(64)
  expect(local.stderr).toMatch(/database URL is empty.*--database-url.*DATABASE_URL/s)
  expect(local.stderr).not.toMatch(/fork|Dependabot|secrets/i)
  const inActions = pgshift(ws, ['plan'], { GITHUB_ACTIONS: 'true' })
  expect(inActions.code).toBe(64)
  expect(inActions.stderr).toMatch(/forks/)
})

test('help: pgshift help, pgshift help <mode> and pgshift <mode> --help print that mode\'s flags', () => {
  const all = pgshift('.', ['help'])
  expect(all.code).toBe(0)
  expect(all.stdout).toMatch(/^usage: pgshift <mode>/)
  const apply = pgshift('.', ['help', 'apply'])
  expect(apply.code).toBe(0)
  expect(apply.stdout).toMatch(/^usage: pgshift apply \[flags\]/)
  expect(apply.stdout).toContain('--test-rollback')
  expect(apply.stdout).toContain('--backup LEVEL')
  expect(apply.stdout).not.toContain('--steps')
  expect(apply.stdout).not.toContain('--expected-database-url')
  expect(pgshift('.', ['apply', '--help']).stdout).toBe(apply.stdout)
  const rollback = pgshift('.', ['rollback', '--help'])
  expect(rollback.stdout).toContain('--steps N')
  expect(rollback.stdout).toContain('--allow-data-loss')
  expect(rollback.stdout).not.toContain('--test-rollback')
  const verify = pgshift('.', ['help', 'verify'])
  expect(verify.stdout).toContain('--expected-database-url URL')
  const bad = pgshift('.', ['help', 'deploy'])
  expect(bad.code).toBe(64)
  expect(bad.stderr).toMatch(/'deploy' is not a mode/)
})

const SLOW = {
  '001_slow.sql': 'CREATE TABLE slow (id int);\n\nSELECT pg_sleep(1.5);\nINSERT INTO slow VALUES (1);\n'
}

test('a long migration prints a heartbeat with the elapsed time and the statement\'s file:line (CLI and action log group)', async () => {
  const ws = makeWorkspace(SLOW)
  const cli = pgshift(ws, ['apply', '--database-url', db.url], { PGSHIFT_HEARTBEAT: '300ms' })
  expect(cli.code).toBe(0)
  expect(cli.stderr).toMatch(/^ {2}001_slow: still running after \d+ s, one transaction of 3 statements from migrations\/001_slow\.sql:1$/m)
  // The migration still ends as one line with its time.
  expect(cli.stderr).toMatch(/\[1\/1\] 001_slow applied in \d+ ms/)
  // Off by default below 10 s: without the variable a 1.5 s migration prints none.
  await db.query('DROP TABLE slow; DROP SCHEMA pgshift CASCADE')
  const quiet = pgshift(ws, ['apply', '--database-url', db.url])
  expect(quiet.code).toBe(0)
  expect(quiet.stderr).not.toMatch(/still running/)

  await db.query('DROP TABLE slow; DROP SCHEMA pgshift CASCADE')
  const action = await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations' }, env: { PGSHIFT_HEARTBEAT: '300ms' } })
  expect(action.code).toBe(0)
  const group = /::group::\[1\/1\] 001_slow\n([\s\S]*?)::endgroup::/.exec(action.stdout)?.[1] ?? ''
  expect(group).toMatch(/^001_slow: still running after \d+ s, one transaction of 3 statements from migrations\/001_slow\.sql:1$/m)
}, 90_000)
