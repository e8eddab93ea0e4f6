// Lint wired into the modes: existing tables come from the database, lint: error
// refuses before anything runs, and apply on an ephemeral database reports locks
// and the schema changes.
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

test('an index on a table that exists in the database is flagged; on a table the same set creates it is not', async () => {
  const ws = makeWorkspace({ '001_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, customer int);\n' })
  await run(ws, 'apply')
  addFile(ws, '002_idx.sql', 'CREATE INDEX orders_customer ON orders (customer);\n')
  addFile(ws, '003_items.sql', 'CREATE TABLE items (id bigint PRIMARY KEY, order_id bigint);\nCREATE INDEX items_order ON items (order_id);\n')
  const r = await run(ws, 'plan')
  expect(r.lint?.map((f) => [f.rule, f.file, f.line])).toEqual([['require-concurrent-index', 'migrations/002_idx.sql', 1]])
  expect(r.status).toBe('success')
})

test('lint: error refuses the run before anything changes; a suppression with a reason lets it through', async () => {
  const ws = makeWorkspace({ '001_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY);\n' })
  await run(ws, 'apply')
  addFile(ws, '002_col.sql', 'ALTER TABLE orders ADD COLUMN total numeric NOT NULL;\n')
  const r = await run(ws, 'apply', { lint: 'error' })
  expect(r.status).toBe('blocked')
  expect(r.plan.refusals.join('\n')).toMatch(/adding-not-null-column at migrations\/002_col\.sql:1/)
  expect(await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'total'`)).toHaveLength(0)
  addFile(ws, '002_col.sql', '-- pgshift-ignore adding-not-null-column: the table is empty in every environment\nALTER TABLE orders ADD COLUMN total numeric NOT NULL;\n')
  const ok = await run(ws, 'apply', { lint: 'error' })
  expect(ok.status).toBe('success')
  expect(ok.lint?.[0]).toMatchObject({ rule: 'adding-not-null-column', suppressed: 'the table is empty in every environment' })
  expect((await run(ws, 'plan', { lint: 'off' })).lint).toBeUndefined()
})

test('apply on an ephemeral database (test-rollback) reports the exact lock modes and the schema changes', async () => {
  const ws = makeWorkspace({
    '001_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, note text);\n',
    '001_orders.down.sql': 'DROP TABLE orders;\n'
  })
  await run(ws, 'apply')
  addFile(ws, '002_change.sql', 'ALTER TABLE orders ALTER COLUMN note TYPE varchar(200);\nALTER TABLE orders ENABLE ROW LEVEL SECURITY;\nCREATE POLICY read_all ON orders FOR SELECT USING (true);\nCREATE TABLE audit (id bigint PRIMARY KEY);\n')
  addFile(ws, '002_change.down.sql', 'DROP TABLE audit;\nDROP POLICY read_all ON orders;\nALTER TABLE orders DISABLE ROW LEVEL SECURITY;\nALTER TABLE orders ALTER COLUMN note TYPE text;\n')
  const r = await run(ws, 'apply', { 'test-rollback': 'true' })
  expect(r.status).toBe('success')
  expect(r.migrations.find((m) => m.identity === '002_change')?.locks).toEqual([{ relation: 'public.orders', mode: 'ACCESS EXCLUSIVE', blocks: 'blocks reads and writes' }])
  expect(r.schemaChanges?.map((c) => `${c.change} ${c.object}${c.detail ? ` (${c.detail})` : ''}`)).toEqual([
    'added column public.audit.id',
    'changed column public.orders.note (type: text -> character varying(200))',
    'added constraint public.audit.audit_pkey',
    'added index public.audit_pkey',
    'added policy public.orders.read_all',
    'added rls public.orders',
    'added table public.audit'
  ])
})
