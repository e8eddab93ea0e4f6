// History compatibility with the Supabase CLI (DESIGN 8), judged by the real CLI:
// after pgshift, `supabase migration list` shows every file applied and
// `supabase db push` finds nothing; after `supabase db push`, pgshift adopts what
// the CLI applied and runs only the rest. The rows pgshift writes are the rows
// the CLI writes, compared element by element.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runPgshift } from '../../src/engine/run.js'
import { parseSettings } from '../../src/settings.js'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { migrationList, push, pushDryRun, supabaseProject } from '../support/supabase-cli.js'
import { addFile, makeWorkspace, recordingLogger } from '../support/workspace.js'

const DIR = 'supabase/migrations'
let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

function settings(ws: string, url: string, extra: Record<string, string> = {}) {
  return parseSettings({ 'database-url': url, mode: 'apply', 'migrations-dir': DIR, ...extra }, ws)
}
const pgshift = (ws: string, url: string, extra: Record<string, string> = {}) => runPgshift(settings(ws, url, extra), { logger: recordingLogger() })

function workspace(files: Record<string, string>): string {
  const ws = makeWorkspace(files, DIR)
  supabaseProject(ws)
  return ws
}

type Row = { version: string; name: string; statements: string[] }
const supabaseRows = (t: TestDatabase) => t.query<Row>('SELECT version, name, statements FROM supabase_migrations.schema_migrations ORDER BY version')
const ourRows = (t: TestDatabase) => t.query<{ identity: string; status: string }>('SELECT identity, status FROM pgshift.schema_history ORDER BY identity')
const schemaExists = async (t: TestDatabase, name: string) => (await t.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [name])).length === 1

// Shapes the CLI's split has to agree on: leading and trailing comments, dollar
// quotes holding semicolons, a BEGIN ATOMIC body, strings with semicolons, and a
// CONCURRENTLY file (run statement by statement by pgshift).
const SET = {
  '20240101000000_init.sql': `-- the first table
create table items (id bigint primary key, note text default 'a;b');
create function add_one(i int) returns int language plpgsql as $$ begin return i + 1; end; $$;

insert into items values (1, $q$x;y$q$);  -- trailing comment
`,
  '20240102000000_atomic.sql': `create function two() returns int language sql
begin atomic
  select 1;
  select 2;
end;
/* a block comment */ create view v as select id from items;
`,
  '20240103000000_index.sql': 'create index concurrently items_note on items (note);\n',
  '20240104000000_more.sql': 'alter table items add column created_at timestamptz not null default now();\n-- the end\n'
}

test('after pgshift applies, `supabase migration list` shows every file applied and `supabase db push --dry-run` finds nothing', async () => {
  const ws = workspace(SET)
  const report = await pgshift(ws, db.url)
  expect(report.status).toBe('success')
  expect(report.supabaseHistory?.reason).toMatch(/supabase\/migrations/)
  expect(report.applied).toHaveLength(4)
  const listed = await migrationList(ws, db.url)
  expect(listed.map((m) => [m.local, m.remote])).toEqual(Object.keys(SET).map((f) => [f.slice(0, 14), f.slice(0, 14)]))
  const dry = await pushDryRun(ws, db.url)
  expect(dry.upToDate).toBe(true)
  expect(dry.migrations).toEqual([])
})

test('round trip: the rows pgshift writes equal the rows `supabase db push` writes for the same files', async () => {
  const ws = workspace(SET)
  expect((await pgshift(ws, db.url)).status).toBe('success')
  const other = await freshDatabase()
  try {
    await push(ws, other.url)
    const theirs = await supabaseRows(other)
    expect(theirs).toHaveLength(4)
    expect(await supabaseRows(db)).toEqual(theirs)
    // The table itself: same columns, same types, same key.
    const shape = (t: TestDatabase) =>
      t.query(`SELECT attname, format_type(atttypid, atttypmod) AS type, attnotnull FROM pg_attribute WHERE attrelid = 'supabase_migrations.schema_migrations'::regclass AND attnum > 0 ORDER BY attnum`)
    expect(await shape(db)).toEqual(await shape(other))
  } finally {
    await other.drop()
  }
})

test('after `supabase db push` applied some files, pgshift adopts them, baselines them, and applies only the rest', async () => {
  const first = Object.fromEntries(Object.entries(SET).slice(0, 2))
  const ws = workspace(first)
  await push(ws, db.url)
  expect((await supabaseRows(db)).map((r) => r.version)).toEqual(['20240101000000', '20240102000000'])
  for (const [name, text] of Object.entries(SET).slice(2)) addFile(ws, name, text, DIR)

  const plan = await pgshift(ws, db.url, { mode: 'plan' })
  expect(plan.plan.applied).toEqual(['20240101000000_init', '20240102000000_atomic'])
  expect(plan.plan.pending).toEqual(['20240103000000_index', '20240104000000_more'])

  const report = await pgshift(ws, db.url)
  expect(report.status).toBe('success')
  expect(report.supabaseHistory?.adopted).toEqual(['20240101000000_init', '20240102000000_atomic'])
  expect(report.applied).toEqual(['20240103000000_index', '20240104000000_more'])
  // The baseline: pgshift's own history now holds a checksum for the adopted files too.
  expect((await ourRows(db)).map((r) => r.identity)).toEqual(Object.keys(SET).map((f) => f.replace(/\.sql$/, '')))
  expect((await db.query(`SELECT count(*)::int AS n FROM items`))[0]).toEqual({ n: 1 })
  const listed = await migrationList(ws, db.url)
  expect(listed.every((m) => m.local && m.local === m.remote)).toBe(true)
  expect(listed).toHaveLength(4)
  expect((await pushDryRun(ws, db.url)).upToDate).toBe(true)
  // A rerun adopts nothing more and applies nothing.
  const again = await pgshift(ws, db.url)
  expect(again.status).toBe('nothing-to-do')
  expect(again.supabaseHistory?.adopted).toEqual([])
})

test('a history pre-populated as the CLI writes it is adopted; a CLI row with no file is a missing migration', async () => {
  await db.query(`CREATE SCHEMA supabase_migrations;
    CREATE TABLE supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY);
    ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[];
    ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text;
    CREATE TABLE a (id int);
    INSERT INTO supabase_migrations.schema_migrations (version, name, statements) VALUES ('20240101000000', 'a', ARRAY['CREATE TABLE a (id int)'])`)
  const ws = makeWorkspace({ '20240101000000_a.sql': 'CREATE TABLE a (id int);\n', '20240102000000_b.sql': 'CREATE TABLE b (id int);\n' }, 'db')
  // Another directory: the existing table alone turns the Supabase history on.
  const report = await runPgshift(parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'db' }, ws), { logger: recordingLogger() })
  expect(report.status).toBe('success')
  expect(report.supabaseHistory?.reason).toMatch(/exists/)
  expect(report.applied).toEqual(['20240102000000_b'])
  expect(await supabaseRows(db)).toEqual([
    { version: '20240101000000', name: 'a', statements: ['CREATE TABLE a (id int)'] },
    { version: '20240102000000', name: 'b', statements: ['CREATE TABLE b (id int)'] }
  ])
  expect((await ourRows(db)).map((r) => r.identity)).toEqual(['20240101000000_a', '20240102000000_b'])

  await db.query(`INSERT INTO supabase_migrations.schema_migrations (version, name, statements) VALUES ('20240103000000', 'gone', '{}')`)
  const refused = await runPgshift(parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'db' }, ws), { logger: recordingLogger() })
  expect(refused.status).toBe('blocked')
  expect(refused.plan.missing).toEqual(['20240103000000_gone'])
})

test('files the CLI skips are applied and recorded by pgshift only, with a warning', async () => {
  const ws = workspace({
    '20240101000000_a.sql': 'CREATE TABLE a (id int);\n',
    '2024-01-02_dashed.sql': 'CREATE TABLE dashed (id int);\n',
    '20240103000000_c.sql': 'CREATE TABLE c (id int);\n'
  })
  const report = await pgshift(ws, db.url)
  expect(report.status).toBe('success')
  expect(report.applied).toHaveLength(3)
  expect(report.warnings.map((w) => w.message).join('\n')).toMatch(/the Supabase CLI skips supabase\/migrations\/2024-01-02_dashed\.sql/)
  expect((await supabaseRows(db)).map((r) => r.version)).toEqual(['20240101000000', '20240103000000'])
  expect((await ourRows(db)).map((r) => r.identity)).toContain('2024-01-02_dashed')
})

test('two files with one Supabase version are refused before anything runs, as `supabase db push` fails on the second', async () => {
  const ws = workspace({
    '20240101000000_a.sql': 'CREATE TABLE a (id int);\n',
    '20240103000000_c.sql': 'CREATE TABLE c (id int);\n',
    '20240103000000_d.sql': 'CREATE TABLE d (id int);\n'
  })
  const report = await pgshift(ws, db.url)
  expect(report.status).toBe('failed')
  expect(report.applied).toEqual([])
  expect(report.problems.map((p) => p.code)).toEqual(['duplicate-version'])
  expect(report.problems[0]!.message).toMatch(/20240103000000_d\.sql and supabase\/migrations\/20240103000000_c\.sql share version 20240103000000/)
  expect(await schemaExists(db, 'supabase_migrations')).toBe(false)
  expect(await schemaExists(db, 'pgshift')).toBe(false)
})

test('dry-run leaves no trace, not even the Supabase schema', async () => {
  const ws = workspace(SET)
  const report = await pgshift(ws, db.url, { mode: 'dry-run' })
  expect(report.status).toBe('success')
  expect(await schemaExists(db, 'supabase_migrations')).toBe(false)
  expect(await schemaExists(db, 'pgshift')).toBe(false)
})

test('rollback removes the CLI row in the down transaction; the CLI then sees the file as not applied', async () => {
  const ws = workspace({ '20240101000000_a.sql': 'CREATE TABLE a (id int);\n', '20240102000000_b.sql': 'CREATE TABLE b (id int);\n' })
  // The CLI would run a `.down.sql` file in supabase/migrations as a migration: the down lives in down/.
  mkdirSync(join(ws, DIR, 'down'))
  writeFileSync(join(ws, DIR, 'down', '20240102000000_b.sql'), 'DROP TABLE b;\n')
  expect((await pgshift(ws, db.url)).status).toBe('success')
  const rb = await pgshift(ws, db.url, { mode: 'rollback' })
  expect(rb.status).toBe('success')
  expect((await supabaseRows(db)).map((r) => r.version)).toEqual(['20240101000000'])
  const listed = await migrationList(ws, db.url)
  expect(listed.find((m) => m.local === '20240102000000')?.remote).toBeFalsy()
})

test('history: native writes no Supabase row; verify in auto then names the gap, and apply fills it', async () => {
  const ws = workspace({ '20240101000000_a.sql': 'CREATE TABLE a (id int);\n' })
  expect((await pgshift(ws, db.url, { history: 'native' })).status).toBe('success')
  expect(await schemaExists(db, 'supabase_migrations')).toBe(false)
  const verify = await pgshift(ws, db.url, { mode: 'verify' })
  expect(verify.status).toBe('failed')
  expect(verify.nextStep).toMatch(/supabase db push.*would run it again/)
  expect((await pgshift(ws, db.url)).status).toBe('nothing-to-do')
  expect((await supabaseRows(db)).map((r) => r.version)).toEqual(['20240101000000'])
  expect((await pgshift(ws, db.url, { mode: 'verify' })).status).toBe('success')
})

test('rollback of a file the CLI applied (adopted, never run by pgshift) removes its CLI row; without the CLI table a rollback still works', async () => {
  const ws = workspace({ '20240101000000_a.sql': 'CREATE TABLE a (id int);\n', '20240102000000_b.sql': 'CREATE TABLE b (id int);\n' })
  mkdirSync(join(ws, DIR, 'down'))
  writeFileSync(join(ws, DIR, 'down', '20240102000000_b.sql'), 'DROP TABLE b;\n')
  await push(ws, db.url)
  const rb = await pgshift(ws, db.url, { mode: 'rollback' })
  expect(rb.status).toBe('success')
  expect(rb.rolledBack).toEqual(['20240102000000_b'])
  expect((await supabaseRows(db)).map((r) => r.version)).toEqual(['20240101000000'])
  expect(await db.query(`SELECT to_regclass('public.b') AS t`)).toEqual([{ t: null }])

  const native = await freshDatabase()
  try {
    expect((await pgshift(ws, native.url, { history: 'native' })).status).toBe('success')
    // auto (the directory): the CLI table is absent, so there is no row to delete.
    const down = await pgshift(ws, native.url, { mode: 'rollback' })
    expect(down.status).toBe('success')
    expect(await schemaExists(native, 'supabase_migrations')).toBe(false)
  } finally {
    await native.drop()
  }
})

test('an adopted file whose statements differ from what the CLI recorded is adopted with a warning; a matching one without', async () => {
  await db.query(`CREATE SCHEMA supabase_migrations;
    CREATE TABLE supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY, statements text[], name text);
    CREATE TABLE a (id int); CREATE TABLE c (id bigint);
    INSERT INTO supabase_migrations.schema_migrations VALUES ('20240101000000', ARRAY['CREATE TABLE a (id int)'], 'a'), ('20240103000000', ARRAY['CREATE TABLE c (id bigint)'], 'c')`)
  const ws = workspace({ '20240101000000_a.sql': 'CREATE TABLE a (id int);\n', '20240103000000_c.sql': 'CREATE TABLE c (id int);\n' })
  const report = await pgshift(ws, db.url, { mode: 'plan' })
  expect(report.plan.applied).toEqual(['20240101000000_a', '20240103000000_c'])
  const differ = report.warnings.filter((w) => /statements it recorded differ/.test(w.message))
  expect(differ.map((w) => w.file)).toEqual(['supabase/migrations/20240103000000_c.sql'])
  // plan writes nothing: no baseline yet.
  expect(await schemaExists(db, 'pgshift')).toBe(false)
})

test('test-rollback (up, down, up) leaves the CLI rows as a plain apply does', async () => {
  const ws = workspace({ '20240101000000_a.sql': 'CREATE TABLE a (id int);\n', '20240102000000_b.sql': 'CREATE INDEX CONCURRENTLY a_id ON a (id);\n' })
  mkdirSync(join(ws, DIR, 'down'))
  writeFileSync(join(ws, DIR, 'down', '20240101000000_a.sql'), 'DROP TABLE a;\n')
  writeFileSync(join(ws, DIR, 'down', '20240102000000_b.sql'), 'DROP INDEX CONCURRENTLY a_id;\n')
  const report = await pgshift(ws, db.url, { 'test-rollback': 'true' })
  expect(report.status).toBe('success')
  expect(await supabaseRows(db)).toEqual([
    { version: '20240101000000', name: 'a', statements: ['CREATE TABLE a (id int)'] },
    { version: '20240102000000', name: 'b', statements: ['CREATE INDEX CONCURRENTLY a_id ON a (id)'] }
  ])
  expect((await pushDryRun(ws, db.url)).upToDate).toBe(true)
})
