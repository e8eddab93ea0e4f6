// Concurrent runners: every migration is applied exactly once, and a cold start
// (no history table yet) with eight runners never collides.
import { runPgshift } from '../../src/engine/run.js'
import { parseSettings } from '../../src/settings.js'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { makeWorkspace, recordingLogger } from '../support/workspace.js'

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

function files(n: number, sleep = 0.05): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 1; i <= n; i++) {
    const id = String(i).padStart(3, '0')
    out[`${id}_m${i}.sql`] = `CREATE TABLE m${i} (id int);\nINSERT INTO m${i} VALUES (1);\nSELECT pg_sleep(${sleep});\n`
  }
  return out
}

test('two concurrent applies apply each migration exactly once', async () => {
  const ws = makeWorkspace(files(10))
  const s = parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations' }, ws)
  const [a, b] = await Promise.all([runPgshift(s, { logger: recordingLogger() }), runPgshift(s, { logger: recordingLogger() })])
  expect([a.status, b.status].sort()).toEqual(['nothing-to-do', 'success'])
  expect(a.applied.length + b.applied.length).toBe(10)
  const rows = await db.query<{ n: string; d: string }>('SELECT count(*) AS n, count(DISTINCT identity) AS d FROM pgshift.schema_history')
  expect(rows[0]).toEqual({ n: '10', d: '10' })
  for (let i = 1; i <= 10; i++) expect((await db.query<{ n: string }>(`SELECT count(*) AS n FROM m${i}`))[0]?.n).toBe('1')
})

test('eight runners starting at once on an empty database do not collide', async () => {
  const ws = makeWorkspace(files(3, 0))
  const s = parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations' }, ws)
  const reports = await Promise.all(Array.from({ length: 8 }, () => runPgshift(s, { logger: recordingLogger() })))
  expect(reports.map((r) => r.error?.message).filter(Boolean)).toEqual([])
  expect(reports.filter((r) => r.status === 'success')).toHaveLength(1)
  expect(reports.filter((r) => r.status === 'nothing-to-do')).toHaveLength(7)
  const rows = await db.query<{ n: string }>('SELECT count(*) AS n FROM pgshift.schema_history')
  expect(rows[0]?.n).toBe('3')
})

test('a runner that cannot get the lock within lock-wait is blocked, names the holder, and changes nothing', async () => {
  const ws = makeWorkspace(files(1, 0))
  const { lockKey } = await import('../../src/db/lock.js')
  const { default: pg } = await import('pg')
  const holder = new pg.Client({ connectionString: db.url, application_name: 'someone-else' })
  await holder.connect()
  await holder.query('SELECT pg_advisory_lock($1::bigint)', [lockKey('pgshift')])
  const s = parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', 'lock-wait': '300ms' }, ws)
  const report = await runPgshift(s, { logger: recordingLogger() })
  await holder.end()
  expect(report.status).toBe('blocked')
  expect(report.error?.message).toMatch(/someone-else/)
  expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'm1'`)).toHaveLength(0)
})
