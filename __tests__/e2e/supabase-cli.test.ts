// The bundled action (dist/index.js on Node 24) on a supabase/migrations
// workspace, with the real Supabase CLI as the judge of the history it leaves,
// and the Supabase lint as annotations on the file and line that made the object.
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { runAction } from '../support/action-runner.js'
import { migrationList, pushDryRun, supabaseProject } from '../support/supabase-cli.js'
import { makeWorkspace } from '../support/workspace.js'

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

const FILES = {
  '20260101000000_notes.sql': '-- notes, on purpose without RLS\nCREATE TABLE notes (id bigint PRIMARY KEY, body text);\n',
  '20260102000000_index.sql': 'CREATE INDEX CONCURRENTLY notes_body ON notes (body);\n'
}

test('apply through dist/index.js: the Supabase CLI then lists every file as applied and has nothing to push', async () => {
  const ws = makeWorkspace(FILES, 'supabase/migrations')
  supabaseProject(ws)
  const run = await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode: 'apply' } })
  expect(run.code).toBe(0)
  expect(run.outputs.status).toBe('success')
  expect(run.summary).toContain('supabase_migrations.schema_migrations')
  const listed = await migrationList(ws, db.url)
  expect(listed.map((m) => [m.local, m.remote])).toEqual([
    ['20260101000000', '20260101000000'],
    ['20260102000000', '20260102000000']
  ])
  expect((await pushDryRun(ws, db.url)).upToDate).toBe(true)
  // Not a Supabase-looking database: no Supabase lint.
  expect(run.annotations.filter((a) => a.props.title?.includes('Supabase lint'))).toEqual([])
})

test('dry-run with lint: error on a Supabase-looking database: the finding is an error annotation on its line, and nothing is kept', async () => {
  for (const role of ['anon', 'authenticated']) {
    await db.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role} NOLOGIN; END IF; END $$`).catch((e: { code?: string }) => {
      if (!['42710', '23505'].includes(e.code ?? '')) throw e
    })
  }
  await db.query('CREATE SCHEMA auth')
  const ws = makeWorkspace(FILES, 'supabase/migrations')
  const run = await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode: 'dry-run', lint: 'error' } })
  expect(run.code).toBe(1)
  expect(run.outputs.status).toBe('failed')
  const found = run.annotations.filter((a) => a.props.title === 'pgshift Supabase lint: supabase/rls-disabled-in-public')
  expect(found).toHaveLength(1)
  expect(found[0]).toMatchObject({ level: 'error', props: { file: 'supabase/migrations/20260101000000_notes.sql', line: '2' } })
  expect(found[0]?.message).toContain('https://supabase.com/docs/guides/database/database-linter?lint=0013_rls_disabled_in_public')
  expect(run.summary).toContain('### Supabase lint of the applied schema: 1 finding')
  expect(await db.query(`SELECT nspname FROM pg_namespace WHERE nspname IN ('pgshift', 'supabase_migrations')`)).toEqual([])
})
