// Hooks (issue 9): beforeMigrate.sql, afterEachMigrate.sql, afterMigrate.sql and
// afterRollback.sql run around the migrations, are never migrations themselves
// (no history row, no "unknown file" warning), and fail the run at their line.
import { runPgshift } from '../../src/engine/run.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { renderText } from '../../src/report/text.js'
import { parseSettings } from '../../src/settings.js'
import { discover } from '../../src/source/discover.js'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { makeWorkspace, recordingLogger } from '../support/workspace.js'

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

const run = (ws: string, extra: Record<string, string> = {}) =>
  runPgshift(parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', ...extra }, ws), { logger: recordingLogger() })

const LOG = (what: string) => `CREATE TABLE IF NOT EXISTS hook_log (n serial, what text);\nINSERT INTO hook_log (what) VALUES ('${what}');\n`

const SET = {
  '001_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);\nINSERT INTO a VALUES (1), (2);\n',
  '001_a.down.sql': 'DROP TABLE a;\n',
  '002_b.sql': 'CREATE TABLE b (id int);\n',
  '002_b.down.sql': 'DROP TABLE b;\n',
  'beforeMigrate.sql': LOG('before'),
  'afterEachMigrate.sql': LOG('each'),
  'afterMigrate.sql': `${LOG('after')}ANALYZE a;\n`,
  'afterRollback.sql': LOG('rollback')
}

const hookLog = async () => (await db.query<{ what: string }>('SELECT what FROM hook_log ORDER BY n')).map((r) => r.what)

test('discovery keeps hooks apart: not migrations, not unknown files', async () => {
  const ws = makeWorkspace(SET)
  const found = await discover({ workspace: ws, dir: 'migrations', convention: 'auto' })
  expect(found.problems).toEqual([])
  expect(found.warnings).toEqual([])
  expect(found.migrations.map((m) => m.identity)).toEqual(['001_a', '002_b'])
  expect(found.hooks?.map((h) => [h.name, h.script.source.file])).toEqual([
    ['afterEachMigrate', 'migrations/afterEachMigrate.sql'],
    ['afterMigrate', 'migrations/afterMigrate.sql'],
    ['afterRollback', 'migrations/afterRollback.sql'],
    ['beforeMigrate', 'migrations/beforeMigrate.sql']
  ])
})

test('apply runs beforeMigrate, afterEachMigrate after each migration, then afterMigrate; no history row for them', async () => {
  const ws = makeWorkspace(SET)
  const report = await run(ws)
  expect(report.status).toBe('success')
  expect(await hookLog()).toEqual(['before', 'each', 'each', 'after'])
  expect(report.hooks?.map((h) => [h.hook, h.status, h.after])).toEqual([
    ['beforeMigrate', 'ran', undefined],
    ['afterEachMigrate', 'ran', '001_a'],
    ['afterEachMigrate', 'ran', '002_b'],
    ['afterMigrate', 'ran', undefined]
  ])
  expect((await db.query<{ identity: string }>('SELECT identity FROM pgshift.schema_history ORDER BY 1')).map((r) => r.identity)).toEqual(['001_a', '002_b'])
  expect(renderMarkdown(report)).toContain('**Hook afterMigrate** `migrations/afterMigrate.sql`: ran')

  // rollback: afterRollback once the downs ran.
  const back = await run(ws, { mode: 'rollback', steps: '2', 'allow-data-loss': 'true' })
  expect(back.status).toBe('success')
  expect(await hookLog()).toEqual(['before', 'each', 'each', 'after', 'rollback'])

  // plan and verify never run hooks.
  await run(ws, { mode: 'plan' })
  await run(ws, { mode: 'verify' })
  expect(await hookLog()).toEqual(['before', 'each', 'each', 'after', 'rollback'])
})

test('a failing afterMigrate fails the run at its line; the migrations stay applied and recorded', async () => {
  const ws = makeWorkspace({ ...SET, 'afterMigrate.sql': `${LOG('after')}\n-- refresh the summary\nREFRESH MATERIALIZED VIEW no_such_view;\n` })
  const report = await run(ws)
  expect(report.status).toBe('failed')
  expect(report.applied).toEqual(['001_a', '002_b'])
  expect(report.error).toMatchObject({ file: 'migrations/afterMigrate.sql', position: { line: 5 }, sqlstate: '42P01' })
  expect(report.error?.next).toMatch(/^The hook migrations\/afterMigrate\.sql:5 failed and its own changes were rolled back\. The 2 migrations applied by this run stay applied and recorded\./)
  expect(report.hooks?.at(-1)).toMatchObject({ hook: 'afterMigrate', status: 'failed' })
  // Its own insert rolled back with it.
  expect(await hookLog()).toEqual(['before', 'each', 'each'])
  expect((await db.query('SELECT identity FROM pgshift.schema_history')).length).toBe(2)
  expect(renderText(report)).toContain('migrations/afterMigrate.sql:5:1: error: relation "no_such_view" does not exist [42P01]')
})

test('a failing beforeMigrate stops the run before any migration', async () => {
  const ws = makeWorkspace({ ...SET, 'beforeMigrate.sql': 'SELECT 1;\nSELECT 1/0;\n' })
  const report = await run(ws)
  expect(report.status).toBe('failed')
  expect(report.error).toMatchObject({ file: 'migrations/beforeMigrate.sql', position: { line: 2 }, sqlstate: '22012' })
  expect(report.migrations.map((m) => m.status)).toEqual(['skipped', 'skipped'])
  expect(await db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('a', 'b')`)).toEqual([{ n: 0 }])
})

test('a hook with VACUUM runs statement by statement; a syntax error in a hook is found before connecting', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n', 'afterMigrate.sql': 'VACUUM ANALYZE a;\n' })
  expect((await run(ws)).status).toBe('success')
  const bad = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n', 'afterMigrate.sql': '\nANALYZ a;\n' })
  const report = await run(bad)
  expect(report.problems.map((p) => [p.file, p.position?.line])).toEqual([['migrations/afterMigrate.sql', 2]])
  expect(report.target).toBe('(not connected)')
})

test('dry-run runs the hooks inside its rolled-back transaction', async () => {
  const ws = makeWorkspace(SET)
  const report = await run(ws, { mode: 'dry-run' })
  expect(report.status).toBe('success')
  expect(report.hooks?.map((h) => [h.hook, h.status, h.after])).toEqual([
    ['beforeMigrate', 'previewed', undefined],
    ['afterEachMigrate', 'previewed', '001_a'],
    ['afterEachMigrate', 'previewed', '002_b'],
    ['afterMigrate', 'previewed', undefined]
  ])
  expect(await db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('a', 'b', 'hook_log')`)).toEqual([{ n: 0 }])

  const bad = makeWorkspace({ ...SET, 'afterMigrate.sql': 'SELECT 1;\n\nSELECT * FROM missing_table;\n' })
  const failed = await run(bad, { mode: 'dry-run' })
  expect(failed.status).toBe('failed')
  expect(failed.error).toMatchObject({ file: 'migrations/afterMigrate.sql', position: { line: 3 }, sqlstate: '42P01' })
  expect(await db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('a', 'b', 'hook_log')`)).toEqual([{ n: 0 }])
})
