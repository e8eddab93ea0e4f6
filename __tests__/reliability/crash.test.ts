// Crashes and lost connections (T03, T07, T10, T12, T13, T14): whatever dies and
// whenever, history never disagrees with the schema, nothing is applied twice, and
// a plain rerun converges with no force or repair step.
import { runPgshift } from '../../src/engine/run.js'
import { parseSettings } from '../../src/settings.js'
import { adminUrl, freshDatabase, type TestDatabase } from '../support/db.js'
import { countBackends, holdLocks, killAtMigration, startCli, terminateBackends, waitFor } from '../support/faults.js'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js'
import { makeWorkspace, recordingLogger } from '../support/workspace.js'

let db: TestDatabase
let proxy: TcpProxy | undefined
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await proxy?.close()
  proxy = undefined
  await db.drop()
})

const settings = (ws: string, url = db.url, extra: Record<string, string> = {}) =>
  parseSettings({ 'database-url': url, mode: 'apply', 'migrations-dir': 'migrations', 'connect-timeout': '0', ...extra }, ws)

/** n files `NNN_mK.sql`, each creating table mK; `body(k)` adds to file k. */
function files(n: number, body: (k: number) => string = () => ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (let k = 1; k <= n; k++) out[`${String(k).padStart(3, '0')}_m${k}.sql`] = `CREATE TABLE m${k} (id int);\n${body(k)}`
  return out
}

const historyIds = async () => (await db.query<{ identity: string }>('SELECT identity FROM pgshift.schema_history ORDER BY identity')).map((r) => r.identity)
const mTables = async () =>
  (await db.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_name ~ '^m[0-9]+$'`))
    .map((r) => r.t)
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
/** The invariant: history lists exactly the migrations whose tables exist. */
async function historyMatchesSchema(): Promise<string[]> {
  const ids = await historyIds()
  expect(ids.map((id) => id.replace(/^\d+_/, ''))).toEqual(await mTables())
  const dup = await db.query('SELECT identity FROM pgshift.schema_history GROUP BY identity HAVING count(*) > 1')
  expect(dup).toEqual([])
  return ids
}
const pgshiftBackends = () => countBackends(adminUrl(), db.name, `application_name = 'pgshift'`)

test('T10 SIGKILL during migration 37 of 50: 1-36 applied and recorded, the server stops 37 itself, a rerun applies 37-50', async () => {
  const ws = makeWorkspace(files(50, (k) => `SELECT pg_sleep(${k === 37 ? 30 : 0.02});\n`))
  const cli = startCli(ws, ['apply'], { DATABASE_URL: db.url })
  await cli.waitForStderr(/^\[37\/50\] /m)
  await waitFor(async () => (await countBackends(adminUrl(), db.name, `query LIKE '%CREATE TABLE m37 %' AND state = 'active'`)) === 1, 20_000, 'migration 37 running')
  cli.child.kill('SIGKILL')
  const killed = await cli.done
  expect(killed.signal).toBe('SIGKILL')
  // client_connection_check_interval: the server notices the dead client and rolls 37 back (not after pg_sleep(30)).
  await waitFor(async () => (await pgshiftBackends()) === 0, 5_000, 'the killed runner\'s backends gone')
  expect(await historyMatchesSchema()).toHaveLength(36)
  expect(await db.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory'`)).toEqual([])

  // The same files, but 37 no longer sleeps (it never ran, so editing it is no drift).
  const rerunWs = makeWorkspace(files(50, (k) => (k === 37 ? '' : 'SELECT pg_sleep(0.02);\n')))
  const report = await runPgshift(settings(rerunWs), { logger: recordingLogger() })
  expect(report.status).toBe('success')
  expect(report.applied).toHaveLength(14)
  expect(report.applied[0]).toBe('037_m37')
  expect(await historyMatchesSchema()).toHaveLength(50)
}, 90_000)

test('T03 a lock holder killed between files: the next runner gets the lock within lock-wait, with no manual unlock', async () => {
  const ws = makeWorkspace(files(3, (k) => (k === 2 ? 'SELECT pg_sleep(30);\n' : '')))
  const a = startCli(ws, ['apply'], { DATABASE_URL: db.url })
  await killAtMigration(a, 2)
  // Runner B (002 without the sleep: it was never applied, so that is no drift). lock-wait 5 s is the
  // bound: "blocked" would fail the test.
  const b = await runPgshift(settings(makeWorkspace(files(3)), db.url, { 'lock-wait': '5s' }), { logger: recordingLogger() })
  expect(b.error).toBeUndefined()
  expect(b.status).toBe('success')
  expect(b.applied).toEqual(['002_m2', '003_m3'])
  expect(await historyMatchesSchema()).toEqual(['001_m1', '002_m2', '003_m3'])
  expect(await db.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory'`)).toEqual([])
}, 60_000)

test('T14 pg_terminate_backend of the migration connection inside its transaction: 57P01, rolled back, no stack trace', async () => {
  const ws = makeWorkspace(files(2, (k) => (k === 2 ? 'SELECT pg_sleep(30);\n' : '')))
  const cli = startCli(ws, ['apply'], { DATABASE_URL: db.url })
  await waitFor(async () => (await countBackends(adminUrl(), db.name, `query LIKE '%pg_sleep(30)%' AND state = 'active'`)) === 1, 20_000, 'migration 2 running')
  expect(await terminateBackends(adminUrl(), db.name, `query LIKE '%pg_sleep(30)%'`)).toBe(1)
  const r = await cli.done
  expect(r.code).toBe(1)
  expect(r.stdout + r.stderr).toMatch(/57P01/)
  expect(r.stdout + r.stderr).not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$/m)
  expect(r.stderr).not.toMatch(/unexpected error|Unhandled/i)
  expect(await historyMatchesSchema()).toEqual(['001_m1'])
  const rerun = await runPgshift(settings(makeWorkspace(files(2))), { logger: recordingLogger() })
  expect(rerun.applied).toEqual(['002_m2'])
}, 60_000)

test('T07 the lock connection is terminated mid-run: the current file rolls back before its COMMIT, nothing more runs, "lock" is named', async () => {
  const ws = makeWorkspace(files(3, (k) => (k === 2 ? 'SELECT pg_sleep(1.5);\n' : '')))
  const run = runPgshift(settings(ws), { logger: recordingLogger() })
  await waitFor(async () => (await countBackends(adminUrl(), db.name, `query LIKE '%pg_sleep(1.5)%' AND state = 'active'`)) === 1, 20_000, 'migration 2 running')
  // The lock connection idles in its transaction; the migration connection (its guard also tries an advisory key) is active.
  expect(await terminateBackends(adminUrl(), db.name, `application_name = 'pgshift' AND query LIKE '%pg_try_advisory%' AND state = 'idle in transaction'`)).toBe(1)
  const report = await run
  expect(report.status).toBe('failed')
  expect(report.applied).toEqual(['001_m1'])
  expect(report.migrations[1]?.error?.sqlstate).toBe('PGSLK')
  expect(report.nextStep).toMatch(/run lock was lost/)
  expect(await historyMatchesSchema()).toEqual(['001_m1'])
})

test('T12 the connection is cut mid-file (part of the query sent): connection lost, nothing recorded, a rerun applies it once', async () => {
  let cut = false
  proxy = await startTcpProxy({
    onChunk: (dir, chunk) => {
      if (cut || dir !== 'toServer' || !chunk.includes('CUT-HERE')) return 'forward'
      cut = true
      return 'cut'
    }
  })
  const inserts = Array.from({ length: 3000 }, (_, i) => `INSERT INTO m2 VALUES (${i}); -- padding padding padding padding`).join('\n')
  const ws = makeWorkspace({ ...files(1), '002_m2.sql': `CREATE TABLE m2 (id int);\n${inserts}\n-- CUT-HERE\n${inserts}\n`, ...{ '003_m3.sql': 'CREATE TABLE m3 (id int);\n' } })
  const report = await runPgshift(settings(ws, proxy.url(db.url)), { logger: recordingLogger() })
  expect(cut).toBe(true)
  expect(report.status).toBe('failed')
  expect(report.applied).toEqual(['001_m1'])
  const failed = report.migrations.find((m) => m.identity === '002_m2')
  expect(failed?.status).toBe('failed')
  expect(failed?.error?.next).toMatch(/connection was lost/)
  expect(await historyMatchesSchema()).toEqual(['001_m1'])

  const rerun = await runPgshift(settings(ws), { logger: recordingLogger() })
  expect(rerun.applied).toEqual(['002_m2', '003_m3'])
  expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM m2'))[0]?.n).toBe(6000)
})

test('T13 the COMMIT acknowledgement is lost: the migration is committed, and no run executes it twice', async () => {
  proxy = await startTcpProxy()
  proxy.cutAfterCommit({ match: 'CREATE TABLE m2 ' })
  const ws = makeWorkspace(files(3))
  const first = await runPgshift(settings(ws, proxy.url(db.url)), { logger: recordingLogger() })
  expect(proxy.stats.commitCuts).toBe(1)
  const m2 = first.migrations.find((m) => m.identity === '002_m2')
  // The run reconnects, reads history, finds 002 recorded, and goes on with 003 (the lock was never lost).
  expect(m2?.status).toBe('applied')
  expect(first.warnings.map((w) => w.message).join('\n')).toMatch(/acknowledg/)
  expect(first.status).toBe('success')
  expect(first.applied).toEqual(['001_m1', '002_m2', '003_m3'])
  expect(await historyMatchesSchema()).toEqual(['001_m1', '002_m2', '003_m3'])

  const rerun = await runPgshift(settings(ws, proxy.url(db.url)), { logger: recordingLogger() })
  expect(rerun.error).toBeUndefined()
  expect(rerun.status).toBe('nothing-to-do')
})

test('T11/T13 after a lost COMMIT acknowledgement the run goes on on a new connection, and SIGINT still cancels the statement there', async () => {
  proxy = await startTcpProxy()
  proxy.cutAfterCommit({ match: 'CREATE TABLE m1 ' })
  const ws = makeWorkspace(files(2, (k) => (k === 2 ? 'SELECT pg_sleep(60);\n' : '')))
  const cli = startCli(ws, ['apply'], { DATABASE_URL: proxy.url(db.url) })
  await waitFor(async () => (await countBackends(adminUrl(), db.name, `query LIKE '%pg_sleep(60)%' AND state = 'active'`)) === 1, 20_000, 'migration 2 running')
  cli.child.kill('SIGINT')
  // The cancel reaches the backend that runs migration 2 (the new connection's), so it stops at once.
  await waitFor(async () => (await countBackends(adminUrl(), db.name, `query LIKE '%pg_sleep(60)%' AND state = 'active'`)) === 0, 5_000, 'the statement cancelled')
  const r = await cli.done
  expect(r.code).toBe(1)
  expect(r.stdout + r.stderr).toMatch(/acknowledg/)
  expect(await historyMatchesSchema()).toEqual(['001_m1'])
}, 60_000)

test('T10/T16 SIGKILL during CREATE INDEX CONCURRENTLY: history says partial, the rerun names the INVALID index, and after it is dropped the rerun finishes', async () => {
  const ws = makeWorkspace({ '001_t.sql': 'CREATE TABLE t (id int, v int);\nINSERT INTO t SELECT g, g FROM generate_series(1, 100) g;\n', '002_idx.sql': 'CREATE INDEX CONCURRENTLY t_v ON t (v);\n' })
  // An old snapshot holds the CIC in its wait phase: the kill lands mid-statement.
  const reader = await holdLocks(db.url, 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM pg_class', 'old-snapshot')
  try {
    const cli = startCli(ws, ['apply'], { DATABASE_URL: db.url })
    await waitFor(async () => (await countBackends(adminUrl(), db.name, `query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'`)) === 1, 20_000, 'CIC waiting')
    cli.child.kill('SIGKILL')
    await cli.done
    await waitFor(async () => (await pgshiftBackends()) === 0, 5_000, 'the killed runner\'s backends gone')
  } finally {
    await reader.release()
  }
  expect(await db.query(`SELECT identity, status, statements_done FROM pgshift.schema_history ORDER BY identity`)).toEqual([
    { identity: '001_t', status: 'applied', statements_done: null },
    { identity: '002_idx', status: 'partial', statements_done: 0 }
  ])
  expect(await db.query(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.t_v'::regclass`)).toEqual([{ indisvalid: false }])
  const rerun = await runPgshift(settings(ws), { logger: recordingLogger() })
  expect(rerun.status).toBe('failed')
  const m = rerun.migrations.find((x) => x.identity === '002_idx')
  expect(m?.leftovers).toEqual(['public.t_v'])
  expect(m?.error?.next).toMatch(/DROP INDEX CONCURRENTLY public\.t_v/)
  await db.query('DROP INDEX CONCURRENTLY public.t_v')
  const fixed = await runPgshift(settings(ws), { logger: recordingLogger() })
  expect(fixed.error).toBeUndefined()
  expect(fixed.applied).toEqual(['002_idx'])
  expect(await db.query(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.t_v'::regclass`)).toEqual([{ indisvalid: true }])
}, 60_000)

test('T13 in rollback: a lost COMMIT acknowledgement of a down counts as rolled back, so the run never rolls back one too many', async () => {
  const ws: Record<string, string> = {}
  for (let k = 1; k <= 4; k++) {
    ws[`00${k}_m${k}.sql`] = `CREATE TABLE m${k} (id int);\n`
    ws[`00${k}_m${k}.down.sql`] = `DROP TABLE m${k};\n`
  }
  const dir = makeWorkspace(ws)
  expect((await runPgshift(settings(dir), { logger: recordingLogger() })).applied).toHaveLength(4)
  proxy = await startTcpProxy()
  proxy.cutAfterCommit({ match: 'DROP TABLE m4' })
  const r = await runPgshift(parseSettings({ 'database-url': proxy.url(db.url), mode: 'rollback', steps: '2', 'migrations-dir': 'migrations', 'connect-timeout': '0' }, dir), { logger: recordingLogger() })
  expect(proxy.stats.commitCuts).toBe(1)
  expect(r.error).toBeUndefined()
  expect(r.status).toBe('success')
  expect(r.rolledBack).toEqual(['004_m4', '003_m3'])
  expect(r.warnings.map((w) => w.message).join('\n')).toMatch(/acknowledg/)
  expect(await historyMatchesSchema()).toEqual(['001_m1', '002_m2'])
})
