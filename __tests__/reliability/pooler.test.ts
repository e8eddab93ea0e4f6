// The run lock against a real PgBouncer and against lost lock connections (issue 13,
// T06, T07, T52-T55 in docs/RELIABILITY.md). Every migration's side effect is an
// INSERT into a counter table created outside pgshift, so a migration that ran twice
// shows as a second row even when history has one.
import { adminUrl, freshDatabase, withClient, type TestDatabase } from '../support/db.js'
import { startCli, waitFor, type CliProcess } from '../support/faults.js'
import { startPgbouncer, type Pgbouncer } from '../support/pgbouncer.js'
import { makeWorkspace } from '../support/workspace.js'

let db: TestDatabase
let bouncer: Pgbouncer | undefined
beforeEach(async () => {
  db = await freshDatabase()
  await db.query('CREATE TABLE counter (k int NOT NULL, runner_pid int DEFAULT pg_backend_pid())')
})
afterEach(async () => {
  await bouncer?.stop()
  bouncer = undefined
  await db.drop()
})

/** n INSERT-only files; `body(k)` adds to file k (a sleep, to be inside it). */
function counterFiles(n: number, body: (k: number) => string = () => ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (let k = 1; k <= n; k++) out[`${String(k).padStart(3, '0')}_c${k}.sql`] = `INSERT INTO counter (k) VALUES (${k});\n${body(k)}`
  return out
}

/** Every k from 1 to n exactly once. */
async function expectEachOnce(n: number): Promise<void> {
  const rows = await db.query<{ k: number; n: number }>('SELECT k, count(*)::int AS n FROM counter GROUP BY k ORDER BY k')
  expect(rows).toEqual(Array.from({ length: n }, (_, i) => ({ k: i + 1, n: 1 })))
}
const historyCount = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pgshift.schema_history'))[0]?.n
const advisoryLocks = () => db.query(`SELECT pid FROM pg_locks WHERE locktype = 'advisory'`)
const apply = (ws: string, url: string, extra: string[] = []) => startCli(ws, ['apply', '--connect-timeout', '0', ...extra], { DATABASE_URL: url })
const exitOf = async (p: CliProcess) => (await p.done).code

test('T52 a transaction-mode PgBouncer on a port and URL that give no hint is refused with the session-pooler fix; nothing changes, no lock stays', async () => {
  bouncer = await startPgbouncer(adminUrl(), 'transaction')
  const url = bouncer.urlFor(db.url)
  expect(url).not.toMatch(/6543|pgbouncer/)
  const ws = makeWorkspace(counterFiles(20))
  const runs = [1, 2, 3, 4].map(() => apply(ws, url, ['--lock-wait', '30s']))
  const done = await Promise.all(runs.map((r) => r.done))
  for (const d of done) {
    expect(d.code).toBe(1)
    expect(d.stdout + d.stderr).toMatch(/transaction-mode (connection )?pooler/)
    expect(d.stdout + d.stderr).toMatch(/pool_mode = session/)
  }
  expect(await db.query('SELECT * FROM counter')).toEqual([])
  expect(await db.query(`SELECT to_regclass('pgshift.schema_history') AS t`)).toEqual([{ t: null }])
  expect(await advisoryLocks()).toEqual([])
  // A direct run afterwards is not blocked by a lock left on a pooled backend.
  const direct = apply(ws, db.url, ['--lock-wait', '1s'])
  expect(await exitOf(direct)).toBe(0)
  await expectEachOnce(20)
}, 120_000)

test('T53 four concurrent runners through PgBouncer in session mode apply 20 migrations exactly once; no lock is left behind', async () => {
  bouncer = await startPgbouncer(adminUrl(), 'session')
  const url = bouncer.urlFor(db.url)
  const ws = makeWorkspace(counterFiles(20, () => 'SELECT pg_sleep(0.05);\n'))
  const runs = [1, 2, 3, 4].map(() => apply(ws, url, ['--lock-wait', '60s']))
  const done = await Promise.all(runs.map((r) => r.done))
  expect(done.map((d) => d.code)).toEqual([0, 0, 0, 0])
  await expectEachOnce(20)
  expect(await historyCount()).toBe(20)
  // The servers behind PgBouncer stay connected (pooled); none of them holds the key.
  expect(await advisoryLocks()).toEqual([])
  const again = apply(ws, url, ['--lock-wait', '1s'])
  expect(await exitOf(again)).toBe(0)
  await expectEachOnce(20)
}, 120_000)

/** The lock holder's backend, from the server's lock table. */
async function lockHolderPid(): Promise<number | undefined> {
  const r = await db.query<{ pid: number }>(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted`)
  return r[0]?.pid
}

test('T54 the lock backend is terminated while migration 3 of 5 runs (10 s): 3 rolls back before its COMMIT, a waiting runner applies 3-5, each side effect once', async () => {
  const ws = makeWorkspace(counterFiles(5, (k) => (k === 3 ? 'SELECT pg_sleep(10);\n' : '')))
  const a = apply(ws, db.url)
  await a.waitForStderr(/^\[3\/5\] /m)
  await waitFor(async () => (await db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep(10)%' AND state = 'active'`)).length === 1, 20_000, 'migration 3 running')
  const b = apply(ws, db.url, ['--lock-wait', '60s'])
  await b.waitForStderr(/waiting up to/).catch(async (e) => {
    throw new Error(`${(e as Error).message}\n${(await b.done).stdout}`)
  })
  const holder = await lockHolderPid()
  expect(holder).toBeDefined()
  await withClient(adminUrl(), (c) => c.query('SELECT pg_terminate_backend($1)', [holder]))
  const ra = await a.done
  const rb = await b.done
  expect(ra.code).toBe(1)
  expect(ra.stdout).toMatch(/run lock/)
  expect(ra.stdout).toMatch(/rolled back before its COMMIT/)
  expect(rb.code).toBe(0)
  await expectEachOnce(5)
  expect(await historyCount()).toBe(5)
  // Runner A committed 1 and 2, runner B 3-5.
  const pids = (await db.query<{ runner_pid: number }>('SELECT runner_pid FROM counter ORDER BY k')).map((r) => r.runner_pid)
  expect(pids[1]).toBe(pids[0])
  expect(pids[2]).not.toBe(pids[0])
  expect(pids.slice(2)).toEqual([pids[2], pids[2], pids[2]])
  expect(await advisoryLocks()).toEqual([])
}, 120_000)

test('T55 idle_session_timeout = 2s on the database while a migration runs 8 s and a second runner waits: both exit 0, each side effect once', async () => {
  await db.query(`ALTER DATABASE ${db.name} SET idle_session_timeout = '2s'`)
  const ws = makeWorkspace(counterFiles(5, (k) => (k === 3 ? 'SELECT pg_sleep(8);\n' : '')))
  const a = apply(ws, db.url)
  await a.waitForStderr(/^\[3\/5\] /m)
  const b = apply(ws, db.url, ['--lock-wait', '60s'])
  await b.waitForStderr(/waiting up to/)
  const [ra, rb] = await Promise.all([a.done, b.done])
  expect(ra.code).toBe(0)
  expect(rb.code).toBe(0)
  await expectEachOnce(5)
  expect(await historyCount()).toBe(5)
  expect(await advisoryLocks()).toEqual([])
}, 120_000)

test("T65 PgBouncer drops the database while migration 2 of 3 runs (FATAL 08P01 'database removed'): a lost connection, 001 named as committed, 002 rolled back, a rerun applies 002-003 once", async () => {
  bouncer = await startPgbouncer(adminUrl(), 'session', {}, [db.name])
  const url = bouncer.urlFor(db.url)
  const ws = makeWorkspace(counterFiles(3, (k) => (k === 2 ? 'SELECT pg_sleep(10);\n' : '')))
  const a = apply(ws, url)
  await a.waitForStderr(/^\[2\/3\] /m)
  await waitFor(async () => (await db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep(10)%' AND state = 'active'`)).length === 1, 20_000, 'migration 2 running')
  await bouncer.removeDatabase(db.name)
  const ra = await a.done
  expect(bouncer.log()).toMatch(/closing because: database removed/)
  expect(ra.code).toBe(1)
  // The cause, named as a lost connection, and what committed, read from history on a new connection.
  expect(ra.stdout).toMatch(/002_c2\.sql: error: database removed \[08P01\]/)
  expect(ra.stdout).toMatch(/The connection was lost while the migration ran\. History, read on a new connection, does not record 002_c2, so the server rolled it back/)
  expect(ra.stdout).toMatch(/the pooler dropped the connection \(PgBouncer's 'database removed'\)/)
  expect(ra.stdout).toMatch(/History, read on a new connection, records 001_c1\./)
  expect(ra.stdout).toMatch(/^ {2}applied {3}001_c1 /m)
  expect(ra.stdout).toMatch(/^ {2}failed {4}002_c2 /m)
  expect(ra.stdout + ra.stderr).not.toMatch(/did not confirm|transaction-mode|CREATE on/)
  expect(await db.query('SELECT identity FROM pgshift.schema_history ORDER BY 1')).toEqual([{ identity: '001_c1' }])
  await expectEachOnce(1)
  // The rerun (the same files without the sleep: 002 is not recorded, so no drift) applies 002-003 once.
  expect(await exitOf(apply(makeWorkspace(counterFiles(3)), url, ['--lock-wait', '5s']))).toBe(0)
  await expectEachOnce(3)
  expect(await advisoryLocks()).toEqual([])
}, 120_000)

test('T67 history is the commit guard: when another runner (one without the lock: an older pgshift, a lost lock gone unseen) commits 002 while this run runs it, this run\'s copy fails on the primary key and rolls back; 002\'s effect happens once', async () => {
  const ws = makeWorkspace(counterFiles(3, (k) => (k === 2 ? 'SELECT pg_sleep(3);\n' : '')))
  const a = apply(ws, db.url)
  await a.waitForStderr(/^\[2\/3\] /m)
  await waitFor(async () => (await db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep(3)%' AND state = 'active'`)).length === 1, 20_000, 'migration 2 running')
  // The other runner's copy of 002, committed first: its effect and its history row.
  await db.query(`BEGIN;
    INSERT INTO counter (k) VALUES (2);
    INSERT INTO pgshift.schema_history (identity, version, name, kind, script, checksum, duration_ms, statements) VALUES ('002_c2', '002', 'c2', 'versioned', '002_c2.sql', 'other-runner', 0, 2);
    COMMIT`)
  const ra = await a.done
  expect(ra.code).toBe(1)
  expect(ra.stdout).toMatch(/History already records 002_c2: another runner committed it/)
  await expectEachOnce(2)
  expect(await db.query('SELECT identity, checksum FROM pgshift.schema_history ORDER BY 1')).toEqual([
    { identity: '001_c1', checksum: expect.not.stringMatching(/other-runner/) },
    { identity: '002_c2', checksum: 'other-runner' }
  ])
  expect(await advisoryLocks()).toEqual([])
}, 60_000)

test('T69 the row a run replaces rather than inserts: a changed repeatable runs again and keeps one history row, with the new checksum', async () => {
  const files = { 'V1__t.sql': 'INSERT INTO counter (k) VALUES (1);\n', 'R__v.sql': 'CREATE OR REPLACE VIEW v AS SELECT 1 AS x;\n' }
  expect(await exitOf(apply(makeWorkspace(files), db.url, ['--convention', 'flyway']))).toBe(0)
  const before = await db.query<{ identity: string; checksum: string }>(`SELECT identity, checksum FROM pgshift.schema_history WHERE kind = 'repeatable'`)
  expect(before).toHaveLength(1)
  const changed = apply(makeWorkspace({ ...files, 'R__v.sql': 'CREATE OR REPLACE VIEW v AS SELECT 2 AS x;\n' }), db.url, ['--convention', 'flyway'])
  const r = await changed.done
  expect(r.code).toBe(0)
  const after = await db.query<{ identity: string; checksum: string }>(`SELECT identity, checksum FROM pgshift.schema_history WHERE kind = 'repeatable'`)
  expect(after).toHaveLength(1)
  expect(after[0]?.identity).toBe(before[0]?.identity)
  expect(after[0]?.checksum).not.toBe(before[0]?.checksum)
  expect(await db.query('SELECT x FROM v')).toEqual([{ x: 2 }])
  await expectEachOnce(1)
}, 60_000)
