// The engine against a real Postgres: apply, rerun, failure, CIC, lock retry.
import { runPgshift } from '../../src/engine/run.js'
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

function settings(ws: string, extra: Record<string, string> = {}) {
  return parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', 'lock-timeout': '200ms', ...extra }, ws)
}

const tables = async () =>
  (await db.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)).map((r) => r.t)
const history = async () =>
  (await db.query<{ identity: string; status: string; statements: number }>('SELECT identity, status, statements FROM pgshift.schema_history ORDER BY identity'))

const FIVE = {
  '001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n',
  '002_posts.sql': 'CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users(id));\nCREATE INDEX posts_user ON posts(user_id);\n',
  '003_comments.sql': 'CREATE TABLE comments (id bigint PRIMARY KEY);\n',
  '004_tags.sql': 'CREATE TABLE tags (id bigint PRIMARY KEY);\n',
  '005_likes.sql': 'CREATE TABLE likes (id bigint PRIMARY KEY);\n'
}

test('a first run applies everything and records it; a rerun applies nothing', async () => {
  const ws = makeWorkspace(FIVE)
  const first = await runPgshift(settings(ws), { logger: recordingLogger() })
  expect(first.status).toBe('success')
  expect(first.applied).toEqual(['001_users', '002_posts', '003_comments', '004_tags', '005_likes'])
  expect(await tables()).toEqual(['comments', 'likes', 'posts', 'tags', 'users'])
  const rows = await history()
  expect(rows.map((r) => r.identity)).toEqual(first.applied)
  expect(rows.every((r) => r.status === 'applied')).toBe(true)
  expect(rows.find((r) => r.identity === '002_posts')?.statements).toBe(2)

  const second = await runPgshift(settings(ws), { logger: recordingLogger() })
  expect(second.status).toBe('nothing-to-do')
  expect(second.applied).toEqual([])
  expect(second.migrations.every((m) => m.status === 'already-applied')).toBe(true)
})

test('a failure at line 12 of file 3 of 5 keeps 1-2, leaves nothing of 3, and points at 3:12', async () => {
  const bad = ['-- comments on purpose', '', 'CREATE TABLE comments (', '  id bigint PRIMARY KEY,', '  body text', ');', '', 'INSERT INTO comments VALUES (1, \'a\');', '', '-- the next statement fails', '', 'INSERT INTO comments VALUES (1, \'duplicate\');', 'CREATE TABLE never (id int);', ''].join('\n')
  const ws = makeWorkspace({ ...FIVE, '003_comments.sql': bad })
  const report = await runPgshift(settings(ws), { logger: recordingLogger() })
  expect(report.status).toBe('failed')
  expect(report.applied).toEqual(['001_users', '002_posts'])
  expect(await tables()).toEqual(['posts', 'users'])
  expect((await history()).map((r) => r.identity)).toEqual(['001_users', '002_posts'])
  const failed = report.migrations.find((m) => m.identity === '003_comments')
  expect(failed?.status).toBe('failed')
  expect(failed?.error?.file).toBe('migrations/003_comments.sql')
  expect(failed?.error?.position?.line).toBe(12)
  expect(failed?.error?.sqlstate).toBe('23505')
  expect(failed?.error?.detail).toMatch(/Key \(id\)=\(1\) already exists/)
  expect(report.migrations.filter((m) => m.status === 'skipped').map((m) => m.identity)).toEqual(['004_tags', '005_likes'])
  expect(report.nextStep).toMatch(/rerun starts again at this file\. The 2 migrations before it stay applied and recorded\.$/)

  // Fixed, a rerun resumes at the failed file.
  addFile(ws, '003_comments.sql', bad.replace("(1, 'duplicate')", "(2, 'fixed')"))
  const rerun = await runPgshift(settings(ws), { logger: recordingLogger() })
  expect(rerun.status).toBe('success')
  expect(rerun.applied).toEqual(['003_comments', '004_tags', '005_likes'])
})

test('a syntax error points at its file:line:col and changes nothing, not even the history table', async () => {
  const ws = makeWorkspace({ ...FIVE, '002_posts.sql': 'CREATE TABLE posts (id bigint);\n\nSELEC 1;\n' })
  const report = await runPgshift(settings(ws), { logger: recordingLogger() })
  expect(report.status).toBe('failed')
  expect(report.problems[0]).toMatchObject({ file: 'migrations/002_posts.sql', code: 'syntax-error', position: { line: 3, col: 1 } })
  expect(report.nextStep).toMatch(/^Nothing was changed/)
  expect(await db.query("SELECT to_regnamespace('pgshift') AS s")).toEqual([{ s: null }])
  expect(await db.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).toEqual([{ n: 0 }])
})

test('with the database unreachable, the report still names the syntax error', async () => {
  const ws = makeWorkspace({ ...FIVE, '002_posts.sql': 'CREATE TABLE posts (id bigint);\n\nSELEC 1;\n' })
  const report = await runPgshift(parseSettings({ 'database-url': 'postgres://nobody:pw@127.0.0.1:1/none', mode: 'apply', 'migrations-dir': 'migrations', 'connect-timeout': '0' }, ws), { logger: recordingLogger() })
  expect(report.status).toBe('failed')
  expect(report.error?.message).toMatch(/127\.0\.0\.1/)
  expect(report.problems[0]).toMatchObject({ file: 'migrations/002_posts.sql', code: 'syntax-error', position: { line: 3, col: 1 } })
})

test('a CREATE INDEX CONCURRENTLY file applies outside a transaction and is recorded', async () => {
  const ws = makeWorkspace({
    '001_t.sql': 'CREATE TABLE t (id int, v int);\n',
    '002_idx.sql': 'CREATE INDEX CONCURRENTLY t_v ON t (v);\n'
  })
  const report = await runPgshift(settings(ws), { logger: recordingLogger() })
  expect(report.status).toBe('success')
  expect(report.migrations.find((m) => m.identity === '002_idx')?.runMode).toBe('statements')
  const idx = await db.query<{ valid: boolean }>(`SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'public.t_v'::regclass`)
  expect(idx[0]?.valid).toBe(true)
  expect((await history()).map((r) => [r.identity, r.status])).toEqual([['001_t', 'applied'], ['002_idx', 'applied']])
})

/** Table t applied, 002 pending to ALTER it, and a second session holding ACCESS SHARE on t in an open transaction. */
async function alterBehindAShareLock() {
  const ws = makeWorkspace({ '001_t.sql': 'CREATE TABLE t (id int);\n' })
  await runPgshift(settings(ws), { logger: recordingLogger() })
  addFile(ws, '002_alter.sql', 'ALTER TABLE t ADD COLUMN v int;\n')
  const { default: pg } = await import('pg')
  const blocker = new pg.Client({ connectionString: db.url })
  await blocker.connect()
  await blocker.query('BEGIN; LOCK TABLE t IN ACCESS SHARE MODE')
  return { ws, blocker }
}

test('a session holding a lock makes the lock-timeout retry run, then succeed', async () => {
  const { ws, blocker } = await alterBehindAShareLock()
  // Release once the first attempt has timed out (the retry waits about 1 s): on that warning, not on a timer.
  const logger = recordingLogger()
  const warn = logger.warn
  logger.warn = (m) => {
    warn(m)
    if (/lock timeout/.test(m)) void blocker.query('COMMIT')
  }
  const report = await runPgshift(settings(ws, { 'lock-retries': '3' }), { logger })
  await blocker.end()
  expect(report.status).toBe('success')
  const m = report.migrations.find((x) => x.identity === '002_alter')
  expect(m?.retries).toBeGreaterThanOrEqual(1)
  expect(logger.lines.some((l) => /lock timeout .*retry 1 of 3/.test(l))).toBe(true)
  const cols = await db.query<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position`)
  expect(cols.map((r) => r.c)).toEqual(['id', 'v'])
})

test('when the lock is held on every retry, the migration fails with 55P03 and leaves nothing', async () => {
  const { ws, blocker } = await alterBehindAShareLock()
  const report = await runPgshift(settings(ws, { 'lock-retries': '1' }), { logger: recordingLogger() })
  await blocker.query('COMMIT')
  await blocker.end()
  expect(report.status).toBe('failed')
  const m = report.migrations.find((x) => x.identity === '002_alter')
  expect(m?.error?.sqlstate).toBe('55P03')
  expect(m?.retries).toBe(1)
  expect((await history()).map((r) => r.identity)).toEqual(['001_t'])
})

test('an outer BEGIN/COMMIT wrapper is stripped: the file and its history row commit together', async () => {
  const ws = makeWorkspace({ '001_wrapped.sql': 'BEGIN;\nCREATE TABLE w (id int);\nCOMMIT;\n', '002_bad.sql': 'BEGIN;\nCREATE TABLE x (id int);\nSELECT 1/0;\nCOMMIT;\n' })
  const report = await runPgshift(settings(ws), { logger: recordingLogger() })
  expect(report.status).toBe('failed')
  expect(await tables()).toEqual(['w'])
  const e = report.migrations.find((m) => m.identity === '002_bad')?.error
  expect(e).toMatchObject({ sqlstate: '22012', position: { line: 3 } })
})

test('drift, out-of-order and missing files are refused before anything runs, naming the files', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n', '003_c.sql': 'CREATE TABLE c (id int);\n' })
  await runPgshift(settings(ws), { logger: recordingLogger() })
  addFile(ws, '001_a.sql', 'CREATE TABLE a (id int, v int);\n')
  addFile(ws, '002_b.sql', 'CREATE TABLE b (id int);\n')
  const report = await runPgshift(settings(ws), { logger: recordingLogger() })
  expect(report.status).toBe('blocked')
  expect(report.plan.drifted).toEqual(['001_a'])
  expect(report.plan.outOfOrder).toEqual(['002_b'])
  expect(report.plan.refusals.join('\n')).toMatch(/001_a.*allow-drift/s)
  expect(report.plan.refusals.join('\n')).toMatch(/002_b.*allow-out-of-order/s)
  expect(await tables()).toEqual(['a', 'c'])

  const allowed = await runPgshift(settings(ws, { 'allow-drift': 'true', 'allow-out-of-order': 'true' }), { logger: recordingLogger() })
  expect(allowed.status).toBe('success')
  expect(allowed.applied).toEqual(['002_b'])
})

test('a transaction-pooler URL and an empty URL are refused before connecting, with the fix', async () => {
  const ws = makeWorkspace(FIVE)
  const pooler = await runPgshift(
    parseSettings({ 'database-url': 'postgres://postgres.ref:pw@aws-0-eu-west-1.pooler.supabase.com:6543/postgres', mode: 'apply', 'migrations-dir': 'migrations' }, ws),
    { logger: recordingLogger() }
  )
  expect(pooler.status).toBe('failed')
  expect(pooler.error?.message).toMatch(/transaction/i)
  expect(`${pooler.error?.message} ${pooler.error?.next}`).toMatch(/5432/)
  const empty = await runPgshift(parseSettings({ 'database-url': '', mode: 'apply', 'migrations-dir': 'migrations' }, ws), { logger: recordingLogger() })
  expect(empty.status).toBe('failed')
  // Fork PRs are the likely cause only in Actions; a local user is told the flag and the variable.
  expect(`${empty.error?.message} ${empty.error?.next}`).toMatch(process.env.GITHUB_ACTIONS === 'true' ? /fork/i : /--database-url .*DATABASE_URL/)
  expect(empty.target).toBe('(not connected)')
})

test('plurals agree: "The 1 migration before it stays applied" (issue 14 item 10)', async () => {
  const ws = makeWorkspace({ '001_users.sql': FIVE['001_users.sql'], '002_bad.sql': 'INSERT INTO nowhere VALUES (1);\n' })
  const report = await runPgshift(settings(ws), { logger: recordingLogger() })
  expect(report.status).toBe('failed')
  expect(report.nextStep).toMatch(/ The 1 migration before it stays applied and recorded\.$/)
})
