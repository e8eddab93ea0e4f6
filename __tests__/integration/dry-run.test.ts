// dry-run: a preview inside one transaction that is rolled back. It must leave no
// trace — schema and history identical before and after — whether it passes or fails.
import { runPgshift } from '../../src/engine/run.js'
import { takeSnapshot } from '../../src/inspect/snapshot.js'
import { parseSettings } from '../../src/settings.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { renderText } from '../../src/report/text.js'
import { freshDatabase, withClient, type TestDatabase } from '../support/db.js'
import { addFile, makeWorkspace, recordingLogger } from '../support/workspace.js'

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

const run = (ws: string, mode: string, extra: Record<string, string> = {}) =>
  runPgshift(parseSettings({ 'database-url': db.url, mode, 'migrations-dir': 'migrations', 'lock-timeout': '1s', ...extra }, ws), { logger: recordingLogger() })

/** Everything that could change: the catalog snapshot (incl. pgshift's schema) and the history rows. */
async function state(): Promise<string> {
  const snap = await withClient(db.url, (c) => takeSnapshot(c))
  const exists = (await db.query<{ t: string | null }>(`SELECT to_regclass('pgshift.schema_history')::text AS t`))[0]?.t
  const hist = exists ? await db.query('SELECT * FROM pgshift.schema_history ORDER BY identity') : []
  return JSON.stringify({ snap, hist })
}

test('a passing dry-run previews every pending migration, with timings and locks, and keeps nothing', async () => {
  const ws = makeWorkspace({ '001_t.sql': 'CREATE TABLE t (id int PRIMARY KEY, v int);\nINSERT INTO t VALUES (1, 1);\n' })
  expect((await run(ws, 'apply')).status).toBe('success')
  addFile(ws, '002_alter.sql', 'ALTER TABLE t ADD COLUMN w int;\nCREATE TABLE u (id int);\n')
  addFile(ws, '003_idx.sql', 'CREATE INDEX CONCURRENTLY t_v ON t (v);\n')
  const before = await state()
  const r = await run(ws, 'dry-run')
  expect(await state()).toBe(before)
  expect(r.status).toBe('success')
  expect(r.preview).toBe(true)
  const m2 = r.migrations.find((m) => m.identity === '002_alter')
  expect(m2?.status).toBe('previewed')
  expect(m2?.statementTimings?.map((t) => t.line)).toEqual([1, 2])
  // The ALTER takes ACCESS EXCLUSIVE on the existing table; the new table u is not listed (it blocks nobody).
  expect(m2?.locks).toEqual([{ relation: 'public.t', mode: 'ACCESS EXCLUSIVE', blocks: 'blocks reads and writes' }])
  const m3 = r.migrations.find((m) => m.identity === '003_idx')
  expect(m3?.status).toBe('previewed')
  expect(m3?.statementTimings?.[0]?.twin).toMatch(/transactional twin/)
  expect(m3?.locks?.map((l) => `${l.relation} ${l.mode}`)).toEqual(['public.t SHARE'])
})

test('a dry-run that fails midway reports file:line and keeps nothing, even on a fresh database', async () => {
  const ws = makeWorkspace({
    '001_a.sql': 'CREATE TABLE a (id int);\n',
    '002_b.sql': 'CREATE TABLE b (id int);\nINSERT INTO b VALUES (1);\n\nINSERT INTO missing VALUES (1);\n',
    '003_c.sql': 'CREATE TABLE c (id int);\n'
  })
  const before = await state()
  const r = await run(ws, 'dry-run')
  expect(await state()).toBe(before)
  expect(await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'pgshift'`)).toHaveLength(0)
  expect(r.status).toBe('failed')
  expect(r.migrations.map((m) => [m.identity, m.status])).toEqual([['001_a', 'previewed'], ['002_b', 'failed'], ['003_c', 'skipped']])
  expect(r.migrations[1]?.error).toMatchObject({ file: 'migrations/002_b.sql', sqlstate: '42P01', position: { line: 4, col: 13 } })
})

test('a file with a stray COMMIT is refused before anything runs', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);\n' })
  const before = await state()
  const r = await run(ws, 'dry-run')
  expect(r.status).toBe('failed')
  expect(await state()).toBe(before)
  expect(r.problems[0]).toMatchObject({ code: 'stray-transaction-control', position: { line: 2 } })
})

test('files that cannot be previewed are listed with the reason; VACUUM is skipped and listed', async () => {
  const ws = makeWorkspace({
    '001_enum.sql': "CREATE TYPE mood AS ENUM ('sad');\nCREATE TABLE p (m mood);\n"
  })
  await run(ws, 'apply')
  addFile(ws, '002_add.sql', "ALTER TYPE mood ADD VALUE 'happy';\nVACUUM p;\n")
  addFile(ws, '003_use.sql', "INSERT INTO p VALUES ('happy');\n")
  addFile(ws, '004_blocks.sql', 'BEGIN;\nCREATE TABLE q (id int);\nCOMMIT;\nBEGIN;\nCREATE TABLE q2 (id int);\nCOMMIT;\n')
  const before = await state()
  const r = await run(ws, 'dry-run')
  expect(await state()).toBe(before)
  expect(r.status).toBe('success')
  const m2 = r.migrations.find((m) => m.identity === '002_add')
  expect(m2?.status).toBe('previewed')
  expect(m2?.statementTimings?.[1]).toMatchObject({ line: 2, twin: expect.stringMatching(/skipped: VACUUM/) })
  expect(r.migrations.find((m) => m.identity === '003_use')?.notDryRunnable).toMatch(/enum value that 002_add adds/)
  expect(r.migrations.find((m) => m.identity === '004_blocks')?.status).toBe('skipped')
  expect(r.nextStep).toMatch(/003_use cannot be previewed/)
})

test('each statement is timed on the server, between clock readings around it, in one message per migration', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\nSELECT pg_sleep(0.3);\nCREATE TABLE b (id int); -- a trailing comment\n' })
  const r = await run(ws, 'dry-run')
  expect(r.status).toBe('success')
  const t = r.migrations[0]?.statementTimings ?? []
  expect(t.map((x) => x.line)).toEqual([1, 2, 3])
  // The sleep is charged to line 2 alone.
  expect(t[1]?.ms).toBeGreaterThanOrEqual(300)
  expect(t[0]?.ms ?? 0).toBeLessThan(t[1]?.ms ?? 0)
  expect(t[2]?.ms ?? 0).toBeLessThan(t[1]?.ms ?? 0)
  expect(r.migrations[0]?.durationMs).toBeGreaterThanOrEqual(300)
})

describe('a preview that stops early says how much it previewed (issue 14 item 9)', () => {
  test('a procedure that commits: "previewed 2 of 4", a warning at the CALL, and each file not previewed with why', async () => {
    const ws = makeWorkspace({ '001_t.sql': 'CREATE TABLE t (id int);\n' })
    expect((await run(ws, 'apply')).status).toBe('success')
    addFile(ws, '002_a.sql', 'CREATE TABLE a (id int);\n')
    addFile(ws, '003_proc.sql', 'CREATE PROCEDURE fill() LANGUAGE plpgsql AS $$\nBEGIN\n  INSERT INTO t VALUES (1);\n  COMMIT;\nEND $$;\n')
    addFile(ws, '004_call.sql', '-- runs the procedure\nCALL fill();\n')
    addFile(ws, '005_b.sql', 'CREATE TABLE b (id int);\n')
    const before = await state()
    const r = await run(ws, 'dry-run')
    expect(await state()).toBe(before)
    expect(r.status).toBe('success')
    expect(r.migrations.filter((m) => m.status !== 'already-applied').map((m) => [m.identity, m.status])).toEqual([
      ['002_a', 'previewed'],
      ['003_proc', 'previewed'],
      ['004_call', 'pending'],
      ['005_b', 'skipped']
    ])
    expect(r.partialPreview).toEqual({
      previewed: 2,
      total: 4,
      notPreviewed: [
        { identity: '004_call', file: 'migrations/004_call.sql', reason: expect.stringMatching(/^cannot be previewed: the procedure it calls commits/) },
        { identity: '005_b', file: 'migrations/005_b.sql', reason: 'runs after 004_call, where the preview stopped' }
      ]
    })
    const warning = r.warnings.find((w) => w.file === 'migrations/004_call.sql')
    expect(warning?.position?.line).toBe(2)
    expect(warning?.message).toMatch(/^The preview stopped at `004_call` and previewed 2 of 4 migrations: the procedure it calls commits.*It and the 1 migration after it were not previewed/)
    const text = renderText(r).split('\n')
    expect(text[0]).toBe('pgshift dry-run: previewed 2 of 4')
    expect(text).toContain('migrations/004_call.sql: warning: ' + warning?.message)
    expect(text.find((l) => l.startsWith('previewed 2 of 4 in '))).toBeDefined()
    expect(renderMarkdown(r).split('\n')[0]).toMatch(/^#* ?⚠️ pgshift dry-run \(preview: nothing kept\): previewed 2 of 4 migrations \(2 not previewed\) on /)
  })

  test('a no-transaction file whose DO block commits stops the preview; the same DO in a transactional file is a failure', async () => {
    const ws = makeWorkspace({
      '001_a.sql': 'CREATE TABLE a (id int);\n',
      '002_do.sql': '-- pgshift:no-transaction\nCREATE TABLE d (id int);\nDO $$ BEGIN INSERT INTO d VALUES (1); COMMIT; END $$;\n',
      '003_c.sql': 'CREATE TABLE c (id int);\n'
    })
    const before = await state()
    const r = await run(ws, 'dry-run')
    expect(await state()).toBe(before)
    expect(r.status).toBe('success')
    expect(r.partialPreview?.previewed).toBe(1)
    expect(r.partialPreview?.notPreviewed.map((n) => n.identity)).toEqual(['002_do', '003_c'])
    expect(r.partialPreview?.notPreviewed[0]?.reason).toMatch(/statement at line 3 commits/)
    expect(r.warnings.find((w) => w.file === 'migrations/002_do.sql')?.position?.line).toBe(3)

    // apply runs a transactional file in one transaction, where the COMMIT fails too: not a preview limit.
    const ws2 = makeWorkspace({ '001_do.sql': 'CREATE TABLE d (id int);\nDO $$ BEGIN COMMIT; END $$;\n' })
    const r2 = await run(ws2, 'dry-run')
    expect(r2.status).toBe('failed')
    expect(r2.partialPreview).toBeUndefined()
    expect(r2.migrations[0]?.error).toMatchObject({ sqlstate: '2D000', position: { line: 2 } })
  })

  test('BEGIN ... COMMIT blocks stop the preview at their BEGIN; a full preview has no partialPreview', async () => {
    const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' })
    const full = await run(ws, 'dry-run')
    expect(full.status).toBe('success')
    expect(full.partialPreview).toBeUndefined()
    expect(renderText(full).split('\n')[0]).toBe('pgshift dry-run: previewed')
    addFile(ws, '002_blocks.sql', 'CREATE TABLE pre (id int);\nBEGIN;\nCREATE TABLE q (id int);\nCOMMIT;\nBEGIN;\nCREATE TABLE q2 (id int);\nCOMMIT;\n')
    const r = await run(ws, 'dry-run')
    expect(r.partialPreview).toMatchObject({ previewed: 1, total: 2 })
    expect(r.warnings.find((w) => w.file === 'migrations/002_blocks.sql')?.position?.line).toBe(2)
  })

  test('rollback with dry-run: a down with BEGIN ... COMMIT blocks stops the preview of the downs', async () => {
    const ws = makeWorkspace({
      '001_a.sql': 'CREATE TABLE a (id int);\n',
      '001_a.down.sql': 'DROP TABLE a;\n',
      '002_b.sql': 'CREATE TABLE b (id int);\n',
      '002_b.down.sql': 'BEGIN;\nDROP TABLE b;\nCOMMIT;\nBEGIN;\nSELECT 1;\nCOMMIT;\n',
      '003_c.sql': 'CREATE TABLE c (id int);\n',
      '003_c.down.sql': 'DROP TABLE c;\n'
    })
    expect((await run(ws, 'apply')).status).toBe('success')
    const before = await state()
    const r = await run(ws, 'rollback', { steps: '3', 'dry-run': 'true' })
    expect(await state()).toBe(before)
    expect(r.partialPreview).toEqual({
      previewed: 1,
      total: 3,
      notPreviewed: [
        { identity: '002_b', file: 'migrations/002_b.down.sql', reason: expect.stringMatching(/BEGIN \.\.\. COMMIT blocks/) },
        { identity: '001_a', file: 'migrations/001_a.down.sql', reason: 'runs after 002_b, where the preview stopped' }
      ]
    })
    expect(renderMarkdown(r)).toMatch(/rollback preview \(nothing kept\): previewed 1 of 3 down scripts \(2 not previewed\)/)
  })
})
