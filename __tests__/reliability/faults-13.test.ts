// The smaller faults of issue 13 (T57-T64 in docs/RELIABILITY.md), each provoked
// for real: a signal while connect retries, a restart mid-run, a read-only
// database, an out-of-range duration, a preview that advances a sequence, a FIFO
// among the migrations, and COMMIT inside a DO block.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { runPgshift } from '../../src/engine/run.js'
import type { RunReport } from '../../src/engine/report.js'
import { parseSettings } from '../../src/settings.js'
import { freshDatabase, withClient, type TestDatabase } from '../support/db.js'
import { dedicatedPostgres, hotStandby, startCli, waitFor } from '../support/faults.js'
import { makeWorkspace, recordingLogger } from '../support/workspace.js'
import { runAction } from '../support/action-runner.js'

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

const run = (ws: string, mode = 'apply', url = db.url, extra: Record<string, string> = {}): Promise<RunReport> =>
  runPgshift(parseSettings({ 'database-url': url, mode, 'migrations-dir': 'migrations', 'connect-timeout': '0', ...extra }, ws), { logger: recordingLogger() })
const historyTable = async () => (await db.query<{ t: string | null }>(`SELECT to_regclass('pgshift.schema_history')::text AS t`))[0]?.t

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address()
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0))
    })
  })
}

test.each(['SIGTERM', 'SIGINT'] as const)('T57 %s while connect retries (connect-timeout 500h) ends the run at once: exit 1, "cancelled", no further attempt', async (signal) => {
  const url = `postgres://u:p@127.0.0.1:${await closedPort()}/db`
  const cli = startCli(makeWorkspace({ '001_a.sql': 'SELECT 1;\n' }), ['apply', '--connect-timeout', '500h'], { DATABASE_URL: url })
  await cli.waitForStderr(/attempt 2/)
  const sent = Date.now()
  cli.child.kill(signal)
  const r = await cli.done
  // Far below any retry delay pgshift would still wait out (they grow to 2 s; the budget is 500 h).
  expect(Date.now() - sent).toBeLessThan(10_000)
  expect(r.code).toBe(1)
  expect(r.stdout).toMatch(/Cancelled while connecting/)
}, 60_000)

test('T58 a duration beyond what Postgres accepts is an input error naming the input, before anything connects', async () => {
  const url = `postgres://u:p@127.0.0.1:${await closedPort()}/db`
  const r = await startCli(makeWorkspace({ '001_a.sql': 'SELECT 1;\n' }), ['apply', '--lock-timeout', '99999999h'], { DATABASE_URL: url }).done
  expect(r.code).toBe(64)
  expect(r.stderr).toMatch(/lock-timeout: '99999999h' is longer than Postgres/)
  expect(r.stderr + r.stdout).not.toMatch(/001_a|ECONNREFUSED/)
  expect(() => parseSettings({ 'database-url': url, 'statement-timeout': '600h' }, '.')).toThrow(/statement-timeout/)
  expect(parseSettings({ 'database-url': url, 'statement-timeout': '596h' }, '.').statementTimeoutMs).toBe(596 * 3_600_000)
}, 60_000)

test('T59 a read-only database gets "read-only: point database-url at the primary", not advice about CREATE; nothing changes', async () => {
  await db.query(`ALTER DATABASE ${db.name} SET default_transaction_read_only = on`)
  const r = await run(makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' }))
  expect(r.status).toBe('failed')
  expect(r.error?.message).toMatch(/read-only/)
  expect(r.error?.next).toMatch(/Point database-url at the primary/)
  expect(r.error?.next).not.toMatch(/CREATE on the database/)
  expect(await historyTable()).toBeNull()
})

test('T66 a hot standby (streaming from its primary) gets "a standby: point database-url at the primary", not advice about CREATE; nothing changes on the primary', async () => {
  const primary = await dedicatedPostgres()
  let standby
  try {
    standby = await hotStandby(primary)
    const r = await run(makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' }), 'apply', standby.url)
    expect(r.status).toBe('failed')
    expect(r.error?.message).toMatch(/standby \(in recovery\): it is read-only/)
    expect(r.error?.next).toMatch(/Point database-url at the primary/)
    expect(r.error?.next).not.toMatch(/CREATE on the database/)
    expect(r.applied).toEqual([])
    // The standby replays the primary: nothing was written there.
    const t = await withClient(primary.url, async (c) => (await c.query(`SELECT to_regclass('pgshift.schema_history')::text AS h, to_regclass('public.a')::text AS a`)).rows[0])
    expect(t).toEqual({ h: null, a: null })
    // The same files against the primary apply (the refusal was about the standby, not the files).
    expect((await run(makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' }), 'apply', primary.url)).status).toBe('success')
  } finally {
    await standby?.stop()
    await primary.destroy()
  }
}, 120_000)

test('T60 a dry-run says which sequences it advanced stay advanced', async () => {
  await db.query('CREATE TABLE t (id serial PRIMARY KEY, v int)')
  await db.query('INSERT INTO t (v) VALUES (1)')
  const r = await run(makeWorkspace({ '001_fill.sql': 'INSERT INTO t (v) SELECT g FROM generate_series(1, 5) g;\n' }), 'dry-run')
  expect(r.status).toBe('success')
  expect(await db.query('SELECT count(*)::int AS n FROM t')).toEqual([{ n: 1 }])
  const w = r.warnings.map((x) => x.message).join('\n')
  expect(w).toMatch(/public\.t_id_seq \(1 -> 6\)/)
  expect(w).toMatch(/stays advanced/)
  // A preview that touches no sequence says nothing about them.
  const quiet = await run(makeWorkspace({ '001_view.sql': 'CREATE VIEW v AS SELECT 1 AS x;\n' }), 'dry-run')
  expect(quiet.warnings.map((x) => x.message).join('\n')).not.toMatch(/sequence/)
})

test('T60 the bundled action: one finding, one ::warning line (the annotation); the log line is plain text', async () => {
  await db.query('CREATE TABLE t (id serial PRIMARY KEY, v int)')
  const ws = makeWorkspace({ '001_fill.sql': 'INSERT INTO t (v) SELECT g FROM generate_series(1, 5) g;\n' })
  const r = await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode: 'dry-run', 'migrations-dir': 'migrations' } })
  expect(r.code).toBe(0)
  const lines = r.stdout.split('\n')
  const commands = lines.filter((l) => l.startsWith('::warning') && /stays advanced/.test(l))
  expect(commands).toHaveLength(1)
  expect(commands[0]).toMatch(/^::warning title=pgshift::the preview advanced a sequence and it stays advanced .*public\.t_id_seq \(unused -> 5\)/)
  // The log still says it, once, where it happened.
  expect(lines.filter((l) => !l.startsWith('::') && /stays advanced/.test(l))).toHaveLength(1)
})

test('T61 a FIFO and a socket in the migrations directory are named in a warning and never opened; the run goes on', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' })
  execFileSync('mkfifo', [join(ws, 'migrations', '002_pipe.sql')])
  const sock = createServer().listen(join(ws, 'migrations', 'agent.sock'))
  await new Promise((r) => sock.once('listening', r))
  try {
    const r = await run(ws)
    expect(r.status).toBe('success')
    expect(r.applied).toEqual(['001_a'])
    const w = r.warnings.map((x) => x.message)
    expect(w).toContain('migrations/002_pipe.sql is a FIFO (named pipe), not a regular file: pgshift does not read it')
    expect(w).toContain('migrations/agent.sock is a socket, not a regular file: pgshift does not read it')
  } finally {
    sock.close()
  }
})

test('T62 COMMIT inside a DO block of a transactional file: the advice is its own file with -- pgshift:no-transaction, which then applies', async () => {
  const body = 'CREATE TABLE d (id int);\nDO $$ BEGIN INSERT INTO d VALUES (1); COMMIT; INSERT INTO d VALUES (2); END $$;\n'
  const r = await run(makeWorkspace({ '001_do_commit.sql': body }))
  expect(r.status).toBe('failed')
  expect(r.migrations[0]?.error?.sqlstate).toBe('2D000')
  expect(r.migrations[0]?.error?.next).toMatch(/its own file with a `-- pgshift:no-transaction` line/)
  expect(await db.query(`SELECT to_regclass('public.d')::text AS t`)).toEqual([{ t: null }])
  const ok = await run(makeWorkspace({ '001_do_commit.sql': `-- pgshift:no-transaction\n${body}` }))
  expect(ok.status).toBe('success')
  expect(await db.query('SELECT id FROM d ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }])
})

test('T63/T64 a clean server restart mid-run is reported as the restart (57P01); `applied` lists only what history holds after reconnecting', async () => {
  const server = await dedicatedPostgres()
  try {
    const url = server.url
    await withClient(url, (c) => c.query('CREATE TABLE counter (k int)'))
    const ws = makeWorkspace({
      '001_a.sql': 'INSERT INTO counter VALUES (1);\n',
      '002_b.sql': 'INSERT INTO counter VALUES (2);\n',
      '003_c.sql': 'INSERT INTO counter VALUES (3);\nSELECT pg_sleep(30);\n'
    })
    const report = run(ws, 'apply', url, { 'connect-timeout': '60s' })
    await waitFor(
      async () => (await withClient(url, (c) => c.query(`SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND state = 'active' AND pid <> pg_backend_pid()`))).rowCount === 1,
      20_000,
      'migration 3 running'
    )
    // As if a crash had lost 002's asynchronous commit: its row and its effect are gone.
    await withClient(url, (c) => c.query(`DELETE FROM pgshift.schema_history WHERE identity = '002_b'; DELETE FROM counter WHERE k = 2`))
    await server.stop()
    await server.start()
    const r = await report
    expect(r.status).toBe('failed')
    expect(`${r.error?.message}`).toMatch(/57P01|terminat/)
    expect(`${r.error?.message}`).not.toMatch(/did not confirm/)
    expect(r.applied).toEqual(['001_a'])
    expect(r.migrations.find((m) => m.identity === '002_b')?.status).toBe('pending')
    expect(r.error?.next).toMatch(/lost by the server: 002_b/)
    const rows = await withClient(url, async (c) => (await c.query('SELECT identity FROM pgshift.schema_history ORDER BY 1')).rows)
    expect(rows.map((x) => x.identity)).toEqual(['001_a'])
  } finally {
    await server.destroy()
  }
}, 120_000)
