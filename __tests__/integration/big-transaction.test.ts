// A big transactional file goes to the server in several messages inside its one
// transaction (engine/executor.ts, sendParts): the history row still commits with
// the file or not at all, and an error in any message points at its file:line:col.
// The message size is lowered here so that a small file is cut into parts.
import { sendParts, setSendChunkChars } from '../../src/engine/executor.js'
import { runPgshift } from '../../src/engine/run.js'
import { parseSettings } from '../../src/settings.js'
import { discover } from '../../src/source/discover.js'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { addFile, makeWorkspace, recordingLogger } from '../support/workspace.js'

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
  setSendChunkChars(120)
})
afterEach(async () => {
  setSendChunkChars(undefined)
  await db.drop()
})

const settings = (ws: string) => parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', 'lock-timeout': '200ms' }, ws)
const history = async () => (await db.query<{ identity: string; statements: number }>('SELECT identity, statements FROM pgshift.schema_history ORDER BY identity'))

// 12 statements over 25 lines, about 50 characters each: 120-character messages hold 2 or 3.
const lines = [
  '-- seed in one transaction',
  'CREATE TABLE seed (id int PRIMARY KEY, note text);',
  ...Array.from({ length: 10 }, (_, i) => [`INSERT INTO seed VALUES (${i + 1}, 'row ${i + 1} of the seed');`, `-- after row ${i + 1}`]).flat(),
  "INSERT INTO seed (id, note) VALUES (99, 'last');",
  '',
  ''
]
const seed = lines.join('\n')

test('a file sent in several messages: parts are whole statements and cover the text exactly', async () => {
  const ws = makeWorkspace({ '001_seed.sql': seed })
  const found = await discover({ workspace: ws, dir: 'migrations', convention: 'auto' })
  const script = found.migrations[0]!.up
  const parts = sendParts(script, script.sendText, script.statements, 120)
  expect(parts.length).toBeGreaterThanOrEqual(4)
  expect(parts.map((p) => p.text).join('')).toBe(script.sendText)
  expect(parts.reduce((n, p) => n + p.count, 0)).toBe(script.statements.length)
  for (const p of parts.slice(1)) expect(script.statements[p.first]!.offset - script.source.offset).toBe(p.start)
  // Small enough for one message: one part, the whole text.
  expect(sendParts(script, script.sendText, script.statements, 10_000)).toEqual([{ start: 0, text: script.sendText, first: 0, count: script.statements.length }])
})

test('a big file applies with its history row in the same transaction', async () => {
  const ws = makeWorkspace({ '001_seed.sql': seed })
  const report = await runPgshift(settings(ws), { logger: recordingLogger() })
  expect(report.status).toBe('success')
  expect(await history()).toEqual([{ identity: '001_seed', statements: 12 }])
  expect((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM seed'))[0]?.n).toBe('11')
})

test('an error in the third message points at its file:line:col; nothing of the file and no history row remain', async () => {
  // Line 17 (row 8), in a later message: a column that does not exist, at column 26.
  const bad = seed.replace("INSERT INTO seed VALUES (8, 'row 8 of the seed');", "INSERT INTO seed (id, nope) VALUES (8, 'x');")
  expect(bad.split('\n')[16]).toBe("INSERT INTO seed (id, nope) VALUES (8, 'x');")
  const ws = makeWorkspace({ '000_first.sql': 'CREATE TABLE first (id int);\n', '001_seed.sql': bad })
  const found = await discover({ workspace: ws, dir: 'migrations', convention: 'auto' })
  const script = found.migrations[1]!.up
  const parts = sendParts(script, script.sendText, script.statements, 120)
  const at = parts.findIndex((p) => p.text.includes('nope'))
  expect(at).toBeGreaterThanOrEqual(2)

  const report = await runPgshift(settings(ws), { logger: recordingLogger() })
  expect(report.status).toBe('failed')
  expect(report.applied).toEqual(['000_first'])
  const failed = report.migrations.find((m) => m.identity === '001_seed')
  expect(failed?.status).toBe('failed')
  expect(failed?.error).toMatchObject({ file: 'migrations/001_seed.sql', sqlstate: '42703', position: { line: 17, col: 23 } })
  expect(failed?.error?.statement).toContain('nope')
  expect((await history()).map((r) => r.identity)).toEqual(['000_first'])
  expect(await db.query("SELECT 1 FROM pg_catalog.pg_class WHERE relname = 'seed'")).toEqual([])
  // The connection is usable again: the fixed file applies on the next run.
  addFile(ws, '001_seed.sql', seed)
  const rerun = await runPgshift(settings(ws), { logger: recordingLogger() })
  expect(rerun.status).toBe('success')
  expect((await history()).map((r) => r.identity)).toEqual(['000_first', '001_seed'])
})

test('an error without a position in a later message points at its statement line', async () => {
  // Row 10 repeats id 3: a unique violation (no position) in the last messages.
  const bad = seed.replace("INSERT INTO seed VALUES (10, 'row 10 of the seed');", "INSERT INTO seed VALUES (3, 'again');")
  const ws = makeWorkspace({ '001_seed.sql': bad })
  const report = await runPgshift(settings(ws), { logger: recordingLogger() })
  const failed = report.migrations.find((m) => m.identity === '001_seed')
  expect(failed?.error).toMatchObject({ file: 'migrations/001_seed.sql', sqlstate: '23505', position: { line: 21, col: 1 } })
  expect(await db.query("SELECT 1 FROM pg_catalog.pg_class WHERE relname = 'seed'")).toEqual([])
  expect(await history()).toEqual([])
})
