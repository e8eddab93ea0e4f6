// rollback: down scripts by steps or to a version, checked as a whole first.
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

const run = (ws: string, mode: string, extra: Record<string, string> = {}) =>
  runPgshift(parseSettings({ 'database-url': db.url, mode, 'migrations-dir': 'migrations', ...extra }, ws), { logger: recordingLogger() })
const tables = async () => (await db.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).map((r) => r.t)
const history = async () => (await db.query<{ identity: string }>('SELECT identity FROM pgshift.schema_history ORDER BY identity')).map((r) => r.identity)

function five(): Record<string, string> {
  const files: Record<string, string> = {}
  for (let i = 1; i <= 5; i++) {
    files[`00${i}_t${i}.sql`] = `CREATE TABLE t${i} (id int);\n`
    files[`00${i}_t${i}.down.sql`] = `DROP TABLE t${i};\n`
  }
  return files
}

test('by steps: the newest N, each down with its history row', async () => {
  const ws = makeWorkspace(five())
  await run(ws, 'apply')
  const r = await run(ws, 'rollback', { steps: '2' })
  expect(r.status).toBe('success')
  expect(r.rolledBack).toEqual(['005_t5', '004_t4'])
  expect(await tables()).toEqual(['t1', 't2', 't3'])
  expect(await history()).toEqual(['001_t1', '002_t2', '003_t3'])
  expect(r.nextStep).toMatch(/apply them again: 004_t4, 005_t5/)
  expect((await run(ws, 'rollback')).rolledBack).toEqual(['003_t3'])
})

test('to a version: everything after it is rolled back, the version itself stays applied', async () => {
  const ws = makeWorkspace(five())
  await run(ws, 'apply')
  const r = await run(ws, 'rollback', { 'to-version': '002' })
  expect(r.rolledBack).toEqual(['005_t5', '004_t4', '003_t3'])
  expect(await history()).toEqual(['001_t1', '002_t2'])
  expect((await run(ws, 'rollback', { 'to-version': '002_t2' })).status).toBe('nothing-to-do')
  const unknown = await run(ws, 'rollback', { 'to-version': '042' })
  expect(unknown.status).toBe('blocked')
  expect(unknown.plan.refusals[0]).toMatch(/to-version '042' is not an applied migration/)
})

test('a missing down in the range refuses the run before any change, naming the file', async () => {
  const files = five()
  delete files['004_t4.down.sql']
  const ws = makeWorkspace(files)
  await run(ws, 'apply')
  const r = await run(ws, 'rollback', { steps: '3' })
  expect(r.status).toBe('blocked')
  expect(r.plan.refusals[0]).toMatch(/No down script for 004_t4/)
  expect(r.plan.refusals[0]).toContain('004_t4: add migrations/004_t4.down.sql')
  expect(await tables()).toEqual(['t1', 't2', 't3', 't4', 't5'])
  expect(await history()).toHaveLength(5)
})

test('in supabase/migrations the missing-down advice names down/, where the Supabase CLI does not look', async () => {
  const ws = makeWorkspace({ '20240101000000_a.sql': 'CREATE TABLE a (id int);\n' }, 'supabase/migrations')
  const settings = (mode: string) => parseSettings({ 'database-url': db.url, mode, 'migrations-dir': 'supabase/migrations', steps: '1' }, ws)
  expect((await runPgshift(settings('apply'), { logger: recordingLogger() })).status).toBe('success')
  const r = await runPgshift(settings('rollback'), { logger: recordingLogger() })
  expect(r.status).toBe('blocked')
  expect(r.plan.refusals[0]).toContain('20240101000000_a: add supabase/migrations/down/20240101000000_a.sql')
  expect(r.plan.refusals[0]).not.toContain('20240101000000_a.down.sql (or')
  expect(await tables()).toEqual(['a'])
})

test('a down failing midway: 5 is rolled back and recorded, 4 is intact, and a rerun resumes', async () => {
  const files = five()
  files['004_t4.down.sql'] = 'DROP TABLE t4;\nDROP TABLE nope;\n'
  const ws = makeWorkspace(files)
  await run(ws, 'apply')
  const r = await run(ws, 'rollback', { steps: '2' })
  expect(r.status).toBe('failed')
  expect(r.rolledBack).toEqual(['005_t5'])
  expect(r.migrations.find((m) => m.identity === '004_t4')?.error).toMatchObject({ file: 'migrations/004_t4.down.sql', sqlstate: '42P01', position: { line: 2 } })
  expect(await tables()).toEqual(['t1', 't2', 't3', 't4'])
  expect(await history()).toEqual(['001_t1', '002_t2', '003_t3', '004_t4'])
  expect(r.nextStep).toMatch(/rerun with steps: 1/)
  addFile(ws, '004_t4.down.sql', 'DROP TABLE t4;\n')
  const again = await run(ws, 'rollback', { steps: '1' })
  expect(again.rolledBack).toEqual(['004_t4'])
  expect(await tables()).toEqual(['t1', 't2', 't3'])
})

test('the data-loss guard refuses a down that drops a table or column holding rows, unless allowed', async () => {
  const ws = makeWorkspace({
    '001_t.sql': 'CREATE TABLE t (id int);\n',
    '001_t.down.sql': 'DROP TABLE t;\n',
    '002_col.sql': 'ALTER TABLE t ADD COLUMN note text;\n',
    '002_col.down.sql': 'ALTER TABLE t DROP COLUMN note;\n'
  })
  await run(ws, 'apply')
  await db.query(`INSERT INTO t VALUES (1, 'keep me'), (2, NULL)`)
  const r = await run(ws, 'rollback', { steps: '2' })
  expect(r.status).toBe('blocked')
  expect(r.plan.refusals[0]).toMatch(/column public\.t\."?note"? holds 1 row .*002_col.down, line 1.*table public\.t holds 2 rows/)
  expect(await history()).toHaveLength(2)
  const allowed = await run(ws, 'rollback', { steps: '2', 'allow-data-loss': 'true' })
  expect(allowed.status).toBe('success')
  expect(await tables()).toEqual([])
})

test('a rollback preview never blocks on data loss: it names what each down destroys, with row counts and the down file (issue 19)', async () => {
  const ws = makeWorkspace({
    '001_t.sql': 'CREATE TABLE t (id int);\n',
    '001_t.down.sql': 'DROP TABLE t;\n',
    '002_col.sql': 'ALTER TABLE t ADD COLUMN note text;\n',
    '002_col.down.sql': '-- the column goes\nALTER TABLE t DROP COLUMN note;\n'
  })
  await run(ws, 'apply')
  await db.query(`INSERT INTO t VALUES (1, 'keep me'), (2, NULL)`)
  const r = await run(ws, 'rollback', { steps: '2', 'dry-run': 'true' })
  expect(r.status).toBe('success')
  expect(r.plan.refusals).toEqual([])
  expect(r.rolledBack ?? []).toEqual([])
  const col = r.migrations.find((m) => m.identity === '002_col')
  expect(col?.downFile).toMatch(/002_col\.down\.sql$/)
  expect(col?.destroys).toEqual([{ what: expect.stringMatching(/^column public\.t\."?note"?$/), rows: 1, line: 2 }])
  expect(r.migrations.find((m) => m.identity === '001_t')?.destroys).toEqual([{ what: 'table public.t', rows: 2, line: 1 }])
  expect(r.nextStep).toMatch(/They destroy 3 rows: the real rollback needs `allow-data-loss: true`/)
  expect(await history()).toHaveLength(2)
  const { renderMarkdown } = await import('../../src/report/markdown.js')
  const md = renderMarkdown(r, { linkBase: 'https://github.com/o/r/blob/abc/' })
  expect(md.split('\n')[0]).toMatch(/^## ↩️ pgshift rollback preview \(nothing kept\): 2 down scripts would run on .*, destroying 3 rows$/)
  expect(md.indexOf('[`002_col`]')).toBeLessThan(md.indexOf('[`001_t`]'))
  expect(md).toMatch(/1\. \[`002_col`\]\(https:\/\/github.com\/o\/r\/blob\/abc\/migrations\/002_col\.down\.sql\)/)
  expect(md).toMatch(/- destroys column public\.t\.\S*note\S*: \*\*1 row\*\* \(\[`line 2`\]\(https:\/\/github.com\/o\/r\/blob\/abc\/migrations\/002_col\.down\.sql#L2\)\)/)
  // The real rollback still refuses without allow-data-loss.
  expect((await run(ws, 'rollback', { steps: '2' })).status).toBe('blocked')
})

test('rollback with dry-run previews the downs and keeps nothing', async () => {
  const ws = makeWorkspace(five())
  await run(ws, 'apply')
  const r = await run(ws, 'rollback', { steps: '2', 'dry-run': 'true' })
  expect(r.status).toBe('success')
  expect(r.preview).toBe(true)
  expect(r.migrations.filter((m) => m.status === 'previewed').map((m) => m.identity).sort()).toEqual(['004_t4', '005_t5'])
  expect(r.migrations.find((m) => m.identity === '005_t5')?.locks).toEqual([{ relation: 'public.t5', mode: 'ACCESS EXCLUSIVE', blocks: 'blocks reads and writes' }])
  expect(await tables()).toEqual(['t1', 't2', 't3', 't4', 't5'])
  expect(await history()).toHaveLength(5)
})
