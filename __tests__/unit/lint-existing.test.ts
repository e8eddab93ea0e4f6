// "Existing table": in the snapshot before the linted set, and not created (or
// renamed into place from a new table) earlier in the set. Plus positions, order,
// and the file-level rules that depend on how pgshift runs a file.
import { lintMigrations } from '../../src/lint/index.js'
import type { LintContext } from '../../src/lint/index.js'
import { ensureParser } from '../../src/source/parser.js'
import { parseScript } from '../../src/source/script.js'
import type { Migration } from '../../src/source/types.js'
import { EXISTING, migration } from '../fixtures/lint/helpers.js'

beforeAll(async () => {
  await ensureParser()
})

const set = (...sqls: string[]) => Promise.all(sqls.map((sql, i) => migration(`db/00${i + 1}_m.sql`, sql)))
const run = async (ctx: LintContext, ...sqls: string[]) => lintMigrations(await set(...sqls), ctx).map((f) => `${f.identity}:${f.line}:${f.col} ${f.rule}`)
const snapshot = (...tables: string[]): LintContext => ({ existingTables: new Set(tables) })

describe('existing versus new tables', () => {
  test('the same index fires on a table from the snapshot and not on one created earlier in the set', async () => {
    expect(await run(snapshot('public.orders'), 'CREATE INDEX i ON orders (a);')).toEqual(['001_m:1:1 require-concurrent-index'])
    expect(await run(snapshot(), 'CREATE TABLE orders (id bigint PRIMARY KEY, a int);', 'CREATE INDEX i ON orders (a);')).toEqual([])
    // Created earlier in the set wins over the snapshot (the old table was dropped first).
    expect(await run(snapshot('public.orders'), 'DROP TABLE orders;', 'CREATE TABLE orders (id bigint PRIMARY KEY, a int);\nCREATE INDEX i ON orders (a);')).toEqual([
      '001_m:1:1 destructive'
    ])
  })

  test('order matters: a statement before the CREATE TABLE still sees the old table', async () => {
    expect(await run(snapshot('public.orders'), 'CREATE INDEX i ON orders (a);', 'DROP TABLE orders;\nCREATE TABLE orders (id bigint PRIMARY KEY, a int);')).toEqual([
      '001_m:1:1 require-concurrent-index',
      '002_m:1:1 destructive'
    ])
  })

  test('names: unqualified means public, case folds, other schemas are distinct', async () => {
    const ctx = snapshot('public.orders', 'billing.invoices')
    expect(await run(ctx, 'CREATE INDEX i ON public.orders (a);\nCREATE INDEX j ON "Orders" (a);\nCREATE INDEX k ON BILLING.INVOICES (a);')).toEqual([
      '001_m:1:1 require-concurrent-index',
      '001_m:2:1 require-concurrent-index',
      '001_m:3:1 require-concurrent-index'
    ])
    expect(await run(ctx, 'CREATE INDEX i ON invoices (a);\nCREATE INDEX j ON archive.orders (a);')).toEqual([])
  })

  test('CREATE TABLE IF NOT EXISTS on a table of the snapshot is a no-op: the table stays existing', async () => {
    expect(await run(snapshot('public.orders'), 'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, a int);\nCREATE INDEX i ON orders (a);')).toEqual([
      '001_m:2:1 require-concurrent-index'
    ])
  })

  test('CREATE TABLE AS and materialized views created in the set are new', async () => {
    expect(await run(snapshot('public.orders'), 'CREATE TABLE o2 AS SELECT * FROM orders;\nCREATE INDEX i ON o2 (a);\nCREATE MATERIALIZED VIEW mv AS SELECT 1 AS a;\nCREATE INDEX j ON mv (a);')).toEqual([])
  })

  test('renames carry the status: an existing table under its new name is existing, a new one stays new', async () => {
    expect(await run(snapshot('public.orders'), 'ALTER TABLE orders RENAME TO purchases;', 'CREATE INDEX i ON purchases (a);\nALTER TABLE purchases SET SCHEMA shop;\nCREATE INDEX j ON shop.purchases (a);')).toEqual([
      '001_m:1:1 renaming',
      '002_m:1:1 require-concurrent-index',
      '002_m:3:1 require-concurrent-index'
    ])
    expect(await run(snapshot(), 'CREATE TABLE d (id bigint PRIMARY KEY, a int);\nALTER TABLE d RENAME TO e;\nCREATE INDEX i ON e (a);')).toEqual([])
  })

  test('unknownTablesExist: a table neither in the snapshot nor created in the set counts as existing', async () => {
    const ctx: LintContext = { existingTables: new Set(), unknownTablesExist: true }
    expect(await run(ctx, 'CREATE INDEX i ON orders (a);')).toEqual(['001_m:1:1 require-concurrent-index'])
    expect(await run(ctx, 'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, a int);\nCREATE INDEX i ON orders (a);')).toEqual([])
    expect(await run(snapshot(), 'CREATE INDEX i ON orders (a);')).toEqual([])
  })
})

describe('rules that look across the set', () => {
  test('table-without-primary-key waits for a later ALTER TABLE ... ADD PRIMARY KEY, and forgets dropped tables', async () => {
    expect(await run(snapshot(), 'CREATE TABLE a (id int NOT NULL);', 'ALTER TABLE a ADD CONSTRAINT a_pkey PRIMARY KEY (id);')).toEqual([])
    expect(await run(snapshot(), 'CREATE TABLE a (id int);', 'ALTER TABLE a ADD COLUMN pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;')).toEqual([])
    expect(await run(snapshot(), 'CREATE TABLE a (id int);', 'DROP TABLE a;')).toEqual([])
    expect(await run(snapshot(), 'CREATE TABLE a (id int);\nCREATE UNIQUE INDEX a_id ON a (id);')).toEqual(['001_m:1:1 table-without-primary-key'])
    expect(await run(snapshot(), 'CREATE TABLE a (id int);', 'ALTER TABLE a RENAME TO b;', 'ALTER TABLE b ADD PRIMARY KEY (id);')).toEqual([])
  })

  test('SET NOT NULL after a CHECK (col IS NOT NULL) validated in an earlier migration does not fire', async () => {
    const ctx = snapshot('public.orders')
    const add = 'ALTER TABLE orders ADD CONSTRAINT orders_status_nn CHECK (status IS NOT NULL) NOT VALID;'
    const validate = 'ALTER TABLE orders VALIDATE CONSTRAINT orders_status_nn;'
    const setNotNull = 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;'
    expect(await run(ctx, add, validate, setNotNull)).toEqual([])
    // Not validated yet: Postgres still scans.
    expect(await run(ctx, add, setNotNull)).toEqual(['002_m:1:1 set-not-null'])
    // The CHECK proves another column.
    expect(await run(ctx, add, validate, 'ALTER TABLE orders ALTER COLUMN region SET NOT NULL;')).toEqual(['003_m:1:1 set-not-null'])
  })
})

describe('file-level rules', () => {
  test('concurrently-mixed-file: pgshift never runs CONCURRENTLY in a transaction, so the rule is about mixing', async () => {
    const [m] = await set('CREATE INDEX CONCURRENTLY i ON orders (a);\nUPDATE orders SET a = 1 WHERE a IS NULL;')
    expect(m.up.runMode).toBe('statements')
    expect(lintMigrations([m], snapshot('public.orders')).map((f) => [f.rule, f.line])).toEqual([['concurrently-mixed-file', 1]])
    // Two CONCURRENTLY statements together lose nothing: each is non-transactional anyway.
    expect(await run(snapshot('public.orders'), 'CREATE INDEX CONCURRENTLY i ON orders (a);\nDROP INDEX CONCURRENTLY old_i;')).toEqual([])
  })

  test('lock-without-timeout: SET lock_timeout = 0 / RESET only matter in a file that runs in one transaction', async () => {
    expect(await run(snapshot(), "SET lock_timeout = '0';\nRESET lock_timeout;\nSET lock_timeout TO DEFAULT;\nRESET ALL;\nSET lock_timeout = '3s';")).toEqual([
      '001_m:1:1 lock-without-timeout',
      '001_m:2:1 lock-without-timeout',
      '001_m:3:1 lock-without-timeout',
      '001_m:4:1 lock-without-timeout'
    ])
    // Statement by statement, pgshift sets lock_timeout again before each statement.
    expect(await run(snapshot('public.orders'), 'SET lock_timeout = 0;\nCREATE INDEX CONCURRENTLY i ON orders (a);')).toEqual([])
    // LOCK in a weaker mode, or on a new table, is fine.
    expect(await run(snapshot('public.orders'), 'LOCK TABLE orders IN EXCLUSIVE MODE;\nLOCK orders IN ROW EXCLUSIVE MODE;')).toEqual([])
  })
})

describe('positions and order', () => {
  test('sub-node columns count code points through multibyte text, CRLF and a section offset', async () => {
    const fileText = '-- migrate:up\r\n-- é😀\r\nINSERT INTO t VALUES (\'😀😀\', uuid_generate_v4());\r\n-- migrate:down\r\nSELECT 1;\r\n'
    const offset = fileText.indexOf('-- é')
    const text = fileText.slice(offset, fileText.indexOf('-- migrate:down'))
    const { script } = await parseScript({ file: 'db/20260101000000_x.sql', fileText, offset, text })
    const m: Migration = { identity: 'x', version: '', name: 'x', kind: 'versioned', orderKey: { group: 0, parts: [] }, checksum: '', file: 'db/20260101000000_x.sql', scriptFiles: {}, up: script, convention: 'dbmate' }
    const [f] = lintMigrations([m], snapshot())
    expect([f.rule, f.file, f.line, f.col]).toEqual(['prefer-gen-random-uuid', 'db/20260101000000_x.sql', 3, 29])
  })

  test('findings are sorted by file order, then line and column; linting is pure', async () => {
    const ms = await set('CREATE INDEX b ON orders (b);\nCREATE INDEX a ON orders (a);', 'DELETE FROM orders;')
    const ctx = snapshot('public.orders')
    const first = lintMigrations([ms[1], ms[0]], ctx)
    expect(first.map((f) => `${f.identity}:${f.line}`)).toEqual(['002_m:1', '001_m:1', '001_m:2'])
    const before = JSON.stringify(ms)
    expect(lintMigrations([ms[1], ms[0]], ctx)).toEqual(first)
    expect(JSON.stringify(ms)).toBe(before)
    expect([...ctx.existingTables]).toEqual(['public.orders'])
  })

  test('EXISTING fixture tables are the ones the rule fixtures use', () => {
    expect([...EXISTING].sort()).toEqual(['billing.invoices', 'public.customers', 'public.orders'])
  })
})
