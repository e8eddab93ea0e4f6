// Statement-by-statement files (CONCURRENTLY & co): progress in history, resume,
// INVALID index leftovers; and the history write surviving what a file does to its session.
import { runPgshift } from '../../src/engine/run.js'
import { parseSettings } from '../../src/settings.js'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { addFile, makeWorkspace, recordingLogger } from '../support/workspace.js'

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
  await db.query('CREATE TABLE t (id int, v int); INSERT INTO t VALUES (1, 1), (2, 1)')
})
afterEach(async () => {
  await db.drop()
})

const run = (ws: string, extra: Record<string, string> = {}) =>
  runPgshift(parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', 'lock-timeout': '1s', ...extra }, ws), { logger: recordingLogger() })
const historyRow = async (id: string) => (await db.query<{ status: string; statements_done: number | null }>('SELECT status, statements_done FROM pgshift.schema_history WHERE identity = $1', [id]))[0]
const invalid = async () => (await db.query<{ name: string }>(`SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid`)).map((r) => r.name)

test('statement 2 of 3 fails: statement 1 stays, history says partial, the INVALID index is named; the rerun resumes at 2', async () => {
  const file = 'CREATE INDEX CONCURRENTLY t_id ON t (id);\nCREATE UNIQUE INDEX CONCURRENTLY t_v ON t (v);\nCREATE INDEX CONCURRENTLY t_idv ON t (id, v);\n'
  const ws = makeWorkspace({ '001_idx.sql': file })
  const r = await run(ws)
  expect(r.status).toBe('failed')
  const m = r.migrations[0]
  expect(m?.status).toBe('partial')
  expect(m?.statementsDone).toBe(1)
  expect(m?.error).toMatchObject({ sqlstate: '23505', position: { line: 2 } })
  expect(m?.leftovers).toEqual(['public.t_v'])
  expect(m?.error?.next).toMatch(/Statements 1-1 of 3 committed .* resumes at statement 2.*DROP INDEX CONCURRENTLY public\.t_v;/s)
  expect(await historyRow('001_idx')).toEqual({ status: 'partial', statements_done: 1 })
  expect(await invalid()).toEqual(['t_v'])

  // The user fixes the data and drops the leftover; the rerun runs statements 2 and 3 only.
  await db.query('DROP INDEX t_v; UPDATE t SET v = 2 WHERE id = 2')
  const again = await run(ws)
  expect(again.status).toBe('success')
  expect(await historyRow('001_idx')).toEqual({ status: 'applied', statements_done: null })
  expect((await db.query<{ n: string }>(`SELECT count(*) AS n FROM pg_indexes WHERE tablename = 't'`))[0]?.n).toBe('3')
})

test('CREATE INDEX CONCURRENTLY IF NOT EXISTS over an INVALID leftover is not recorded as done', async () => {
  const ws = makeWorkspace({ '001_u.sql': 'CREATE UNIQUE INDEX CONCURRENTLY t_v ON t (v);\n' })
  expect((await run(ws)).status).toBe('failed')
  expect(await invalid()).toEqual(['t_v'])
  expect(await db.query('SELECT 1 FROM pgshift.schema_history')).toHaveLength(0)
  // The "idempotent" rewrite skips the existing (invalid) index: pgshift must notice.
  addFile(ws, '001_u.sql', 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_v ON t (v);\n')
  const r = await run(ws)
  expect(r.status).toBe('failed')
  expect(r.migrations[0]?.leftovers).toEqual(['public.t_v'])
  expect(r.migrations[0]?.error?.message).toMatch(/INVALID index: public\.t_v/)
  expect(await db.query('SELECT 1 FROM pgshift.schema_history')).toHaveLength(0)
})

test('a partial file made transactional resumes after its committed statements (they are not run twice)', async () => {
  const ws = makeWorkspace({ '001_mixed.sql': 'CREATE TABLE t2 (id int);\nCREATE UNIQUE INDEX CONCURRENTLY t_v ON t (v);\n' })
  expect((await run(ws)).migrations[0]?.statementsDone).toBe(1)
  await db.query('DROP INDEX t_v; UPDATE t SET v = 2 WHERE id = 2')
  // The user drops CONCURRENTLY: the file becomes transactional; statement 1 must not run again.
  addFile(ws, '001_mixed.sql', 'CREATE TABLE t2 (id int);\nCREATE UNIQUE INDEX t_v ON t (v);\n')
  const r = await run(ws)
  expect(r.status).toBe('success')
  expect(r.migrations[0]?.runMode).toBe('transaction')
  expect(await historyRow('001_mixed')).toEqual({ status: 'applied', statements_done: null })
})

test('a file that switches role still gets its history row, and the role does not leak into the next file', async () => {
  await db.query(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_owner') THEN CREATE ROLE app_owner; END IF; END $$`)
  await db.query('CREATE SCHEMA app AUTHORIZATION app_owner')
  const ws = makeWorkspace({
    '001_as_owner.sql': 'SET ROLE app_owner;\nCREATE TABLE app.t (id int);\n',
    '002_next.sql': 'CREATE TABLE public.whoami AS SELECT current_user AS u;\n'
  })
  const r = await run(ws)
  expect(r.status).toBe('success')
  expect((await db.query<{ o: string }>(`SELECT tableowner AS o FROM pg_tables WHERE schemaname = 'app' AND tablename = 't'`))[0]?.o).toBe('app_owner')
  expect((await db.query<{ u: string }>('SELECT u FROM public.whoami'))[0]?.u).toBe('postgres')
  expect((await db.query('SELECT identity FROM pgshift.schema_history')).length).toBe(2)
})

test('a failure at COMMIT (a deferred constraint) is reported as such and rolls everything back', async () => {
  const ws = makeWorkspace({
    '001_deferred.sql': 'CREATE TABLE parent (id int PRIMARY KEY);\nCREATE TABLE child (pid int REFERENCES parent DEFERRABLE INITIALLY DEFERRED);\nINSERT INTO child VALUES (42);\n'
  })
  const r = await run(ws)
  expect(r.status).toBe('failed')
  expect(r.migrations[0]?.error).toMatchObject({ sqlstate: '23503' })
  expect(r.migrations[0]?.error?.next).toMatch(/failed at COMMIT/)
  expect(await db.query(`SELECT 1 FROM pg_tables WHERE tablename IN ('parent', 'child')`)).toHaveLength(0)
})
