// Supabase lint of the applied schema: each rule against a real Postgres, once on
// a fixture that breaks it (found, at the file:line that made the object) and
// once on the fixed version (not found). The database is made to look like
// Supabase the way the shim or Supabase itself would: roles anon and
// authenticated, and a schema auth with auth.uid() and auth.jwt().
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

/** Roles are the server's: create them once, tolerating a concurrent test doing the same. */
async function supabaseLike(t: TestDatabase): Promise<void> {
  for (const role of ['anon', 'authenticated']) {
    try {
      await t.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role} NOLOGIN; END IF; END $$`)
    } catch (e) {
      if (!['42710', '23505'].includes((e as { code?: string }).code ?? '')) throw e
    }
  }
  await t.query(`CREATE SCHEMA auth;
    CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;
    CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$ SELECT coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb $$`)
}

async function apply(files: Record<string, string>, extra: Record<string, string> = {}) {
  const ws = makeWorkspace(files)
  return runPgshift(parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', ...extra }, ws), { logger: recordingLogger() })
}

const secured = (t: string) => `CREATE TABLE ${t} (id bigint PRIMARY KEY, user_id uuid);\nALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;\nCREATE POLICY own ON ${t} USING ((select auth.uid()) = user_id);\n`

interface Case {
  rule: string
  bad: string
  good: string
  /** The line of the statement in `bad` the finding must point at. */
  line: number
  object: string
}

const CASES: Case[] = [
  { rule: 'supabase/rls-disabled-in-public', bad: '-- no RLS\nCREATE TABLE notes (id bigint PRIMARY KEY);\n', good: secured('notes'), line: 2, object: 'table public.notes' },
  { rule: 'supabase/rls-enabled-no-policy', bad: 'CREATE TABLE notes (id bigint PRIMARY KEY);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\n', good: secured('notes'), line: 2, object: 'table public.notes' },
  {
    rule: 'supabase/auth-rls-initplan',
    bad: 'CREATE TABLE notes (id bigint PRIMARY KEY, user_id uuid);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY own ON notes\n  USING (auth.uid() = user_id);\n',
    good: secured('notes'),
    line: 3,
    object: 'policy own on public.notes'
  },
  {
    rule: 'supabase/function-search-path-mutable',
    bad: `${secured('notes')}CREATE FUNCTION public.count_notes() RETURNS bigint LANGUAGE sql SECURITY DEFINER AS $$ SELECT count(*) FROM public.notes $$;\n`,
    good: `${secured('notes')}CREATE FUNCTION public.count_notes() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$ SELECT count(*) FROM public.notes $$;\n`,
    line: 4,
    object: 'function public.count_notes()'
  },
  {
    rule: 'supabase/security-definer-view',
    bad: `${secured('notes')}CREATE VIEW note_ids AS SELECT id FROM notes;\n`,
    good: `${secured('notes')}CREATE VIEW note_ids WITH (security_invoker = true) AS SELECT id FROM notes;\n`,
    line: 4,
    object: 'view public.note_ids'
  },
  {
    rule: 'supabase/new-anon-grant',
    bad: `${secured('notes')}GRANT SELECT ON notes TO anon;\n`,
    good: `${secured('notes')}GRANT SELECT ON notes TO authenticated;\n`,
    line: 4,
    object: 'relation public.notes'
  },
  {
    rule: 'supabase/uuid-generate-v4',
    bad: 'CREATE EXTENSION IF NOT EXISTS "uuid-ossp";\nCREATE TABLE notes (\n  id uuid PRIMARY KEY DEFAULT uuid_generate_v4()\n);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY all_rows ON notes USING (true);\n',
    good: 'CREATE TABLE notes (\n  id uuid PRIMARY KEY DEFAULT gen_random_uuid()\n);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY all_rows ON notes USING (true);\n',
    line: 2,
    object: 'column public.notes.id'
  }
]

describe.each(CASES)('$rule', (c) => {
  test('found, at the statement that made the object, with the link to the reason', async () => {
    await supabaseLike(db)
    const report = await apply({ '001_bad.sql': c.bad })
    expect(report.status).toBe('success')
    const found = (report.supabaseLint ?? []).filter((f) => f.rule === c.rule)
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ object: c.object, file: 'migrations/001_bad.sql', line: c.line, level: 'warning' })
    expect(found[0]?.url).toMatch(/^https:\/\//)
  })
  test('not found once fixed', async () => {
    await supabaseLike(db)
    const report = await apply({ '001_good.sql': c.good })
    expect(report.status).toBe('success')
    expect(report.supabaseLint).toEqual([])
  })
})

test('links name the Supabase linter rule where Supabase has one', async () => {
  await supabaseLike(db)
  const report = await apply({ '001_bad.sql': CASES[0]?.bad as string })
  expect(report.supabaseLint?.[0]?.url).toBe('https://supabase.com/docs/guides/database/database-linter?lint=0013_rls_disabled_in_public')
})

test('a grant to anon made before this run is not new', async () => {
  await supabaseLike(db)
  await db.query(`CREATE TABLE old (id int); ALTER TABLE old ENABLE ROW LEVEL SECURITY; CREATE POLICY p ON old USING (true); GRANT SELECT ON old TO anon`)
  const report = await apply({ '001_good.sql': secured('notes') })
  expect(report.supabaseLint).toEqual([])
})

test('no lint where the database does not look like Supabase, nor with lint: off', async () => {
  const plain = await apply({ '001_bad.sql': CASES[0]?.bad as string })
  expect(plain.supabaseLint).toBeUndefined()
  const other = await freshDatabase()
  try {
    await supabaseLike(other)
    const ws = makeWorkspace({ '001_bad.sql': CASES[0]?.bad as string })
    const off = await runPgshift(parseSettings({ 'database-url': other.url, mode: 'apply', 'migrations-dir': 'migrations', lint: 'off' }, ws), { logger: recordingLogger() })
    expect(off.status).toBe('success')
    expect(off.supabaseLint).toBeUndefined()
  } finally {
    await other.drop()
  }
})

test('lint: error fails the run; dry-run lints inside its transaction and keeps nothing', async () => {
  await supabaseLike(db)
  const ws = makeWorkspace({ '001_bad.sql': CASES[0]?.bad as string })
  const dry = await runPgshift(parseSettings({ 'database-url': db.url, mode: 'dry-run', 'migrations-dir': 'migrations', lint: 'error' }, ws), { logger: recordingLogger() })
  expect(dry.status).toBe('failed')
  expect(dry.supabaseLint?.map((f) => f.rule)).toEqual(['supabase/rls-disabled-in-public'])
  expect(dry.nextStep).toMatch(/Supabase lint found 1 problem/)
  expect(await db.query(`SELECT 1 FROM pg_class WHERE relname = 'notes'`)).toEqual([])
  const applied = await runPgshift(parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', lint: 'error' }, ws), { logger: recordingLogger() })
  expect(applied.status).toBe('failed')
  expect(applied.supabaseLint?.[0]?.level).toBe('error')
})

test('a privilege the default privileges give anon (as on Supabase) is not a new grant', async () => {
  await supabaseLike(db)
  await db.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO anon`)
  const report = await apply({ '001_good.sql': secured('notes') })
  expect(await db.query(`SELECT has_table_privilege('anon', 'public.notes', 'SELECT') AS ok`)).toEqual([{ ok: true }])
  expect(report.supabaseLint).toEqual([])
})

test("lint: error fails only on what this run's files made; an older object is not reported again; a no-op apply lints nothing", async () => {
  await supabaseLike(db)
  await db.query(`CREATE TABLE legacy (id int)`)
  const report = await apply({ '001_good.sql': secured('notes') }, { lint: 'error' })
  expect(report.status).toBe('success')
  // public.legacy has no RLS, but this run did not make it (issue 15: at deploy, only what the run applied).
  expect(report.supabaseLint).toEqual([])
  const ws = makeWorkspace({ '001_good.sql': secured('notes') })
  const again = await runPgshift(parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', lint: 'error' }, ws), { logger: recordingLogger() })
  expect(again.status).toBe('nothing-to-do')
  expect(again.supabaseLint).toBeUndefined()
})
