// With lint: warn, apply lints each file while the server runs one (steps/lint-pending.ts,
// lintAlongside): the findings are the ones a plan reports, judged against the tables that
// existed before the run, for every pending file, however the run ends.
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

const run = (ws: string, mode: string) =>
  runPgshift(parseSettings({ 'database-url': db.url, mode, 'migrations-dir': 'migrations', lint: 'warn' }, ws), { logger: recordingLogger() })
const found = (r: Awaited<ReturnType<typeof run>>) => r.lint?.map((f) => [f.rule, f.file, f.line])

test('apply reports the same findings as plan, including those of files a failure skipped', async () => {
  const ws = makeWorkspace({ '001_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, customer int);\n' })
  await run(ws, 'apply')
  addFile(ws, '002_idx.sql', 'CREATE INDEX orders_customer ON orders (customer);\n')
  // 003 creates a table and indexes it: not an existing table, no finding, even though 002 ran first.
  addFile(ws, '003_items.sql', 'CREATE TABLE items (id bigint PRIMARY KEY, order_id bigint);\nCREATE INDEX items_order ON items (order_id);\n')
  addFile(ws, '004_fails.sql', 'SELECT 1;\nSELECT 1/0;\n')
  addFile(ws, '005_more.sql', '\nALTER TABLE orders ADD COLUMN total numeric NOT NULL;\n')
  const expected = [
    ['require-concurrent-index', 'migrations/002_idx.sql', 1],
    ['adding-not-null-column', 'migrations/005_more.sql', 2]
  ]
  expect(found(await run(ws, 'plan'))).toEqual(expected)
  const r = await run(ws, 'apply')
  expect(r.status).toBe('failed')
  expect(r.applied).toEqual(['002_idx', '003_items'])
  expect(r.migrations.find((m) => m.identity === '005_more')?.status).toBe('skipped')
  expect(found(r)).toEqual(expected)

  addFile(ws, '004_fails.sql', 'SELECT 1;\n')
  const rerun = await run(ws, 'apply')
  expect(rerun.status).toBe('success')
  // 002 and 003 are applied now; items existed before this run, orders still does.
  expect(found(rerun)).toEqual([expected[1]])
})
