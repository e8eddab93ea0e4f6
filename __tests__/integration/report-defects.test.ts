// Issue 19 item 8, against the real server: the locks a preview reports are the
// migration's, not pgshift's own bookkeeping; a syntax error reaches the report
// with its SQL excerpt.
import { runPgshift } from '../../src/engine/run.js'
import { renderMarkdown } from '../../src/report/markdown.js'
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

const run = (ws: string, mode: string, extra: Record<string, string> = {}, dir = 'migrations') =>
  runPgshift(parseSettings({ 'database-url': db.url, mode, 'migrations-dir': dir, 'lock-timeout': '1s', ...extra }, ws), { logger: recordingLogger() })

const locksOf = (r: Awaited<ReturnType<typeof run>>, identity: string) =>
  (r.migrations.find((m) => m.identity === identity)?.locks ?? []).map((l) => `${l.relation} ${l.mode}`)

test("a dry-run's locks leave out the Supabase CLI's history table that pgshift writes", async () => {
  // A project the Supabase CLI deployed: its history table exists, so pgshift keeps it too.
  await db.query(`CREATE SCHEMA supabase_migrations;
    CREATE TABLE supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY, statements text[], name text);`)
  const ws = makeWorkspace({ '20240101000000_a.sql': 'CREATE TABLE a (id int);\n' }, 'supabase/migrations')
  expect((await run(ws, 'apply', {}, 'supabase/migrations')).status).toBe('success')
  addFile(ws, '20240102000000_b.sql', 'ALTER TABLE a ADD COLUMN b int;\n', 'supabase/migrations')
  const r = await run(ws, 'dry-run', {}, 'supabase/migrations')
  expect(r.status).toBe('success')
  expect(r.supabaseHistory).toBeDefined()
  // Before: ['public.a ACCESS EXCLUSIVE', 'supabase_migrations.schema_migrations ROW EXCLUSIVE'].
  expect(locksOf(r, '20240102000000_b')).toEqual(['public.a ACCESS EXCLUSIVE'])
  expect(renderText(r)).not.toContain('schema_migrations')
  expect(renderMarkdown(r)).not.toMatch(/ROW EXCLUSIVE\*\* on `supabase_migrations/)
})

test('history-schema: public leaves out the history table only, not the application tables beside it', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' })
  expect((await run(ws, 'apply', { 'history-schema': 'public' })).status).toBe('success')
  addFile(ws, '002_b.sql', 'ALTER TABLE a ADD COLUMN b int;\n')
  const r = await run(ws, 'dry-run', { 'history-schema': 'public' })
  expect(r.status).toBe('success')
  // Before: [] (the whole history schema was left out, public.a with it).
  expect(locksOf(r, '002_b')).toEqual(['public.a ACCESS EXCLUSIVE'])
})

test('a syntax error refuses the run with its file:line:col, the SQL around it and the script it is in', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n', '002_b.sql': 'CREATE TABLE b (\n  id int\n  name text\n);\n' })
  const r = await run(ws, 'apply')
  expect(r.status).toBe('failed')
  expect(r.problems).toHaveLength(1)
  expect(r.problems[0]).toMatchObject({ file: 'migrations/002_b.sql', position: { line: 3, col: 3 }, code: 'syntax-error', script: 'up' })
  const md = renderMarkdown(r, { linkBase: 'https://github.com/acme/app/blob/abc/' })
  expect(md).toContain('[`migrations/002_b.sql:3:3`](https://github.com/acme/app/blob/abc/migrations/002_b.sql#L3) **syntax-error** in the up script: syntax error at or near "name"')
  expect(md).toContain(['  ```', '    1 | CREATE TABLE b (', '    2 |   id int', '  > 3 |   name text', '      |   ^', '    4 | );', '  ```'].join('\n'))
  expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name IN ('a', 'b')`)).toHaveLength(0)
})

test('a syntax error in a down section is a warning of an apply, with the same excerpt; the ups apply', async () => {
  const ws = makeWorkspace({ '20240101000000_a.sql': '-- migrate:up\nCREATE TABLE a (id int);\n\n-- migrate:down\nDROP TABLE a a;\n' }, 'db/migrations')
  const r = await run(ws, 'apply', {}, 'db/migrations')
  expect(r.status).toBe('success')
  const w = r.warnings.find((x) => x.position?.line === 5)
  expect(w?.message).toMatch(/^in the down script of 20240101000000_a, at db\/migrations\/20240101000000_a\.sql:5:14: syntax error/)
  expect(w?.excerpt?.split('\n').slice(-2)).toEqual(['> 5 | DROP TABLE a a;', '    |              ^'])
})
