// Issue 14 item 8, DESIGN 5: prelude-dirs. Their files run once each, in name order
// (directories in the order given), before the first migration, recorded in history
// as prelude entries: never pending, missing or rolled back.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runPgshift } from '../../src/engine/run.js'
import { renderText } from '../../src/report/text.js'
import { parseSettings } from '../../src/settings.js'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { addFile, makeWorkspace, recordingLogger } from '../support/workspace.js'

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

const run = (ws: string, extra: Record<string, string> = {}) =>
  runPgshift(parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', 'prelude-dirs': 'initdb\nseed', lint: 'off', ...extra }, ws), { logger: recordingLogger() })
const history = async () => (await db.query<{ identity: string }>('SELECT identity FROM pgshift.schema_history ORDER BY applied_at, identity')).map((r) => r.identity)

function write(ws: string, path: string, text: string): void {
  mkdirSync(join(ws, path, '..'), { recursive: true })
  writeFileSync(join(ws, path), text)
}

/** initdb makes the schema and a trail table that every later file writes to, so the trail shows the order. */
function workspace(): string {
  const ws = makeWorkspace({
    '001_accounts.up.sql': "CREATE TABLE app.accounts (id bigint PRIMARY KEY);\nINSERT INTO app.trail VALUES ('001');\n",
    '001_accounts.down.sql': 'DROP TABLE app.accounts;\n'
  })
  // Name order inside a directory (10 after 02, as names sort), directories in the order given.
  write(ws, 'initdb/10_trail.sql', "CREATE TABLE app.trail (what text);\nINSERT INTO app.trail VALUES ('initdb/10');\n")
  write(ws, 'initdb/02_schema.sql', 'CREATE SCHEMA app;\n')
  write(ws, 'seed/01_seed.sql', "INSERT INTO app.trail VALUES ('seed/01');\n")
  return ws
}

test('apply runs the preludes once, in order, before the first migration; a rerun runs nothing; a new migration runs alone', async () => {
  const ws = workspace()
  const plan = await run(ws, { mode: 'plan' })
  expect(plan.status).toBe('success')
  expect(plan.pending).toEqual(['001_accounts'])
  expect(plan.preludes).toEqual([
    { file: 'initdb/02_schema.sql', status: 'will run' },
    { file: 'initdb/10_trail.sql', status: 'will run' },
    { file: 'seed/01_seed.sql', status: 'will run' }
  ])
  expect(plan.nextStep).toBe('apply would run the preludes initdb/02_schema.sql, initdb/10_trail.sql, seed/01_seed.sql, then 1 migration, in this order: 001_accounts.')

  const first = await run(ws)
  expect(first.error).toBeUndefined()
  expect(first.status).toBe('success')
  expect(first.applied).toEqual(['001_accounts'])
  expect(first.preludes?.map((p) => p.status)).toEqual(['ran', 'ran', 'ran'])
  expect((await db.query<{ what: string }>('SELECT what FROM app.trail')).map((r) => r.what)).toEqual(['initdb/10', 'seed/01', '001'])
  expect(await history()).toEqual(['prelude:initdb/02_schema.sql', 'prelude:initdb/10_trail.sql', 'prelude:seed/01_seed.sql', '001_accounts'])
  expect(renderText(first)).toContain('preludes: ran initdb/02_schema.sql, initdb/10_trail.sql, seed/01_seed.sql')

  const again = await run(ws)
  expect(again.error).toBeUndefined()
  expect(again.status).toBe('nothing-to-do')
  expect(again.preludes?.map((p) => p.status)).toEqual(['already ran', 'already ran', 'already ran'])
  expect(again.migrations.map((m) => m.identity)).toEqual(['001_accounts'])
  expect(again.plan.missing).toEqual([])
  expect((await db.query('SELECT what FROM app.trail')).length).toBe(3)

  addFile(ws, '002_ledger.up.sql', "CREATE TABLE app.ledger (id bigint);\nINSERT INTO app.trail VALUES ('002');\n")
  addFile(ws, '002_ledger.down.sql', 'DROP TABLE app.ledger;\n')
  const third = await run(ws)
  expect(third.applied).toEqual(['002_ledger'])
  expect((await db.query<{ what: string }>('SELECT what FROM app.trail')).map((r) => r.what)).toEqual(['initdb/10', 'seed/01', '001', '002'])

  // verify: preludes are neither missing nor pending.
  const verify = await run(ws, { mode: 'verify' })
  expect(verify.status).toBe('success')

  // rollback never touches preludes: all the migrations go, the preludes stay recorded and in place.
  const back = await run(ws, { mode: 'rollback', steps: '5' })
  expect(back.error).toBeUndefined()
  expect(back.rolledBack).toEqual(['002_ledger', '001_accounts'])
  expect(await history()).toEqual(['prelude:initdb/02_schema.sql', 'prelude:initdb/10_trail.sql', 'prelude:seed/01_seed.sql'])
  expect((await db.query('SELECT what FROM app.trail')).length).toBe(4)
  expect((await run(ws, { mode: 'rollback', steps: '1' })).status).toBe('nothing-to-do')

  // A changed prelude does not run again; the report says so.
  write(ws, 'seed/01_seed.sql', "INSERT INTO app.trail VALUES ('seed/01 edited');\n")
  const reapply = await run(ws)
  expect(reapply.applied).toEqual(['001_accounts', '002_ledger'])
  expect(reapply.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/^the prelude seed\/01_seed\.sql changed since it ran: a prelude runs once/))
  expect((await db.query(`SELECT FROM app.trail WHERE what LIKE 'seed%'`)).length).toBe(1)
})

test('dry-run previews the preludes and the migrations in one transaction and keeps nothing', async () => {
  const ws = workspace()
  const r = await run(ws, { mode: 'dry-run' })
  expect(r.error).toBeUndefined()
  expect(r.status).toBe('success')
  expect(r.preludes?.map((p) => p.status)).toEqual(['previewed', 'previewed', 'previewed'])
  expect(r.migrations.map((m) => [m.identity, m.status])).toEqual([['001_accounts', 'previewed']])
  expect(await db.query(`SELECT nspname FROM pg_namespace WHERE nspname IN ('app', 'pgshift')`)).toEqual([])

  // After an apply, a dry-run of a new migration previews only it.
  await run(ws)
  addFile(ws, '002_ledger.up.sql', 'CREATE TABLE app.ledger (id bigint);\n')
  const next = await run(ws, { mode: 'dry-run' })
  expect(next.status).toBe('success')
  expect(next.preludes?.map((p) => p.status)).toEqual(['already ran', 'already ran', 'already ran'])
  expect(next.migrations.map((m) => [m.identity, m.status])).toEqual([
    ['001_accounts', 'already-applied'],
    ['002_ledger', 'previewed']
  ])
})

test('a failing prelude stops the run at its file:line; no migration runs; the fix resumes with it', async () => {
  const ws = workspace()
  write(ws, 'seed/01_seed.sql', "INSERT INTO app.trail VALUES ('seed/01');\nINSERT INTO app.nope VALUES (1);\n")
  const r = await run(ws)
  expect(r.status).toBe('failed')
  expect(r.error?.file).toBe('seed/01_seed.sql')
  expect(r.error?.position?.line).toBe(2)
  expect(r.error?.next).toMatch(/^The prelude seed\/01_seed\.sql:2 failed/)
  expect(r.preludes?.map((p) => p.status)).toEqual(['ran', 'ran', 'failed'])
  expect(r.migrations.map((m) => m.status)).toEqual(['skipped'])
  expect(r.applied).toEqual([])
  expect(await history()).toEqual(['prelude:initdb/02_schema.sql', 'prelude:initdb/10_trail.sql'])

  write(ws, 'seed/01_seed.sql', "INSERT INTO app.trail VALUES ('seed/01');\n")
  const fixed = await run(ws)
  expect(fixed.preludes?.map((p) => p.status)).toEqual(['already ran', 'already ran', 'ran'])
  expect(fixed.applied).toEqual(['001_accounts'])
})

test('two setups sharing one history table never report each other\'s preludes as missing', async () => {
  const ws = workspace()
  expect((await run(ws)).status).toBe('success')
  // A second directory with its own prelude, the same history schema: the first setup's preludes are not its missing migrations.
  write(ws, 'other/001_other.sql', 'CREATE TABLE app.other (id int);\n')
  write(ws, 'other-initdb/01_x.sql', 'CREATE TABLE app.other_log (id int);\n')
  const other = await run(ws, { 'migrations-dir': 'other', 'prelude-dirs': 'other-initdb', 'allow-missing': 'false' })
  expect(other.plan.missing).toEqual(['001_accounts'])
  expect(other.migrations.filter((m) => m.status === 'missing').map((m) => m.identity)).toEqual(['001_accounts'])
  // The first setup, again: the second one's prelude is nothing to it.
  const first = await run(ws, { mode: 'plan' })
  expect(first.plan.missing).toEqual([])
  expect(first.preludes?.map((p) => p.file)).toEqual(['initdb/02_schema.sql', 'initdb/10_trail.sql', 'seed/01_seed.sql'])
})

test('a prelude directory that does not exist refuses the run before connecting', async () => {
  const ws = workspace()
  const r = await run(ws, { 'prelude-dirs': 'initdb, nope' })
  expect(r.status).toBe('failed')
  expect(r.problems).toEqual([expect.objectContaining({ file: 'nope', code: 'prelude-dir-not-found' })])
  expect(r.target).toBe('(not connected)')
})

test('a syntax error in a prelude that is to run refuses the run before anything changes', async () => {
  const ws = workspace()
  write(ws, 'seed/01_seed.sql', 'INSERT INTO app.trail VALUES (1;\n')
  const r = await run(ws)
  expect(r.status).toBe('failed')
  expect(r.problems).toEqual([expect.objectContaining({ file: 'seed/01_seed.sql', code: 'syntax-error', position: { line: 1, col: 32 } })])
  expect(await db.query(`SELECT nspname FROM pg_namespace WHERE nspname IN ('app', 'pgshift')`)).toEqual([])
})
