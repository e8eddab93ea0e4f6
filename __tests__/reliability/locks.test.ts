// Lock safety (T04, T05, T19, T21, T22): a waiter never deadlocks with CREATE INDEX
// CONCURRENTLY, a foreign holder is named with a dedicated exit code, production
// readers never queue behind us longer than lock-timeout, and the timeouts are the
// configured ones inside the migration's own transaction.
import pg from 'pg'
import { lockKey } from '../../src/db/lock.js'
import { runPgshift } from '../../src/engine/run.js'
import { parseSettings } from '../../src/settings.js'
import { adminUrl, freshDatabase, type TestDatabase } from '../support/db.js'
import { countBackends, holdLocks, startCli, waitFor } from '../support/faults.js'
import { addFile, makeWorkspace, recordingLogger } from '../support/workspace.js'

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

const settings = (ws: string, extra: Record<string, string> = {}) =>
  parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', ...extra }, ws)
const historyIds = async () => (await db.query<{ identity: string }>('SELECT identity FROM pgshift.schema_history ORDER BY identity')).map((r) => r.identity)

test('T04 a runner waiting for the lock while the holder runs CREATE INDEX CONCURRENTLY: no 40P01, the index is valid, the waiter finds nothing to do', async () => {
  const ws = makeWorkspace({ '001_t.sql': 'CREATE TABLE t (id int, v int);\nINSERT INTO t SELECT g, g FROM generate_series(1, 1000) g;\n' })
  expect((await runPgshift(settings(ws), { logger: recordingLogger() })).status).toBe('success')
  addFile(ws, '002_idx.sql', 'CREATE INDEX CONCURRENTLY t_v ON t (v);\n')
  // An open snapshot makes the CIC wait in its second phase, so the waiter polls while CIC runs.
  const reader = await holdLocks(db.url, 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM t', 'old-snapshot')
  const a = runPgshift(settings(ws), { logger: recordingLogger() })
  await waitFor(async () => (await countBackends(adminUrl(), db.name, `query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'`)) === 1, 20_000, 'CIC waiting')
  const waiterLog = recordingLogger()
  const b = runPgshift(settings(ws, { 'lock-wait': '60s' }), { logger: waiterLog })
  await waitFor(() => waiterLog.lines.some((l) => /waiting up to/.test(l)), 20_000, 'the second runner waiting for the lock')
  await reader.release()
  const [ra, rb] = await Promise.all([a, b])
  expect(ra.error).toBeUndefined()
  expect(ra.applied).toEqual(['002_idx'])
  expect(rb.error).toBeUndefined()
  expect(rb.status).toBe('nothing-to-do')
  expect((await db.query<{ valid: boolean }>(`SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'public.t_v'::regclass`))[0]?.valid).toBe(true)
  expect(await historyIds()).toEqual(['001_t', '002_idx'])
})

test('T05 a foreign session holding the lock key: the CLI exits 2 (blocked) after lock-wait, naming the holder; nothing changes', async () => {
  const holder = new pg.Client({ connectionString: db.url, application_name: 'psql-by-alice' })
  await holder.connect()
  await holder.query('SELECT pg_advisory_lock($1::bigint)', [lockKey('pgshift')])
  try {
    const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' })
    const r = await startCli(ws, ['apply', '--lock-wait', '500ms'], { DATABASE_URL: db.url }).done
    expect(r.code).toBe(2)
    expect(r.stdout + r.stderr).toMatch(/psql-by-alice/)
    // A sub-second lock-wait is shown as such, not as "0s".
    expect(r.stderr).toMatch(/waiting up to 0\.5s/)
    expect(r.stdout + r.stderr).toMatch(/waited 0\.[5-9]s \(lock-wait\)/)
    expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'a'`)).toEqual([])
  } finally {
    await holder.end()
  }
})

test('T19 a blocked ALTER: 55P03 after its retries, and readers behind it never wait longer than lock-timeout', async () => {
  const ws = makeWorkspace({ '001_t.sql': 'CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n' })
  await runPgshift(settings(ws), { logger: recordingLogger() })
  addFile(ws, '002_alter.sql', 'ALTER TABLE t ADD COLUMN v int;\n')
  const blocker = await holdLocks(db.url, 'LOCK TABLE t IN ACCESS SHARE MODE', 'blocker')
  // The production reader: each SELECT may wait at most 1 s (our lock-timeout is 300 ms). Its ACCESS SHARE
  // queues behind our ACCESS EXCLUSIVE request, so a lock_timeout that did not bound us would fail it.
  const reader = new pg.Client({ connectionString: db.url, application_name: 'reader' })
  await reader.connect()
  await reader.query(`SET statement_timeout = '1s'`)
  let stop = false
  let reads = 0
  const errors: string[] = []
  const reading = (async () => {
    while (!stop) {
      try {
        await reader.query('SELECT count(*) FROM t')
        reads++
      } catch (e) {
        errors.push((e as Error).message)
      }
      await new Promise((r) => setTimeout(r, 50))
    }
  })()
  const report = await runPgshift(settings(ws, { 'lock-timeout': '300ms', 'lock-retries': '2' }), { logger: recordingLogger() })
  stop = true
  await reading
  await reader.end()
  await blocker.release()
  expect(report.status).toBe('failed')
  const m = report.migrations.find((x) => x.identity === '002_alter')
  expect(m?.error?.sqlstate).toBe('55P03')
  expect(m?.retries).toBe(2)
  expect(errors).toEqual([])
  expect(reads).toBeGreaterThan(5)
  expect(await historyIds()).toEqual(['001_t'])
  expect(await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 't' AND column_name = 'v'`)).toEqual([])
})

test('T21 statement-timeout stops a long statement with 57014, without retry, and leaves nothing', async () => {
  const ws = makeWorkspace({ '001_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(5);\n' })
  const report = await runPgshift(settings(ws, { 'statement-timeout': '300ms' }), { logger: recordingLogger() })
  expect(report.status).toBe('failed')
  const m = report.migrations[0]
  expect(m?.error?.sqlstate).toBe('57014')
  expect(m?.retries ?? 0).toBe(0)
  expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'slow'`)).toEqual([])
  expect(await historyIds()).toEqual([])
})

test('T21/T22 inside each migration the timeouts are the configured ones, and a file\'s SET search_path does not leak into the next file', async () => {
  const check = (lock: string, stmt: string) =>
    `DO $$ BEGIN IF current_setting('lock_timeout') <> '${lock}' OR current_setting('statement_timeout') <> '${stmt}' THEN RAISE EXCEPTION 'timeouts are % / %', current_setting('lock_timeout'), current_setting('statement_timeout'); END IF; END $$;\n`
  const ws = makeWorkspace({
    '001_a.sql': `${check('321ms', '4s')}SET search_path = '';\nSET lock_timeout = '9s';\nCREATE TABLE public.a (id int);\n`,
    '002_b.sql': `${check('321ms', '4s')}CREATE TABLE b (id int);\n`
  })
  const report = await runPgshift(settings(ws, { 'lock-timeout': '321ms', 'statement-timeout': '4s' }), { logger: recordingLogger() })
  expect(report.error).toBeUndefined()
  expect(report.migrations.map((m) => m.error?.message).filter(Boolean)).toEqual([])
  expect(report.applied).toEqual(['001_a', '002_b'])
  // b landed in public: the empty search_path of 001 did not reach 002.
  expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'b'`)).toHaveLength(1)
})
