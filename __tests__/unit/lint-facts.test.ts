// What a database at hand changes (issue 16): row estimates decide severity, the
// catalog's column types and NOT NULL checks remove false alarms, pg_proc settles a
// function's volatility, and the index catalog names a dropped index's table. Also the
// same-transaction rules in files that run statement by statement.
import { lintMigrations } from '../../src/lint/index.js'
import type { LintContext, LintFacts, TableFacts } from '../../src/lint/index.js'
import { ensureParser } from '../../src/source/parser.js'
import { migration } from '../fixtures/lint/helpers.js'

beforeAll(async () => {
  await ensureParser()
})

const run = async (ctx: LintContext, ...sqls: string[]) => {
  const ms = await Promise.all(sqls.map((sql, i) => migration(`db/00${i + 1}_m.sql`, sql)))
  return lintMigrations(ms, ctx).map((f) => `${f.identity}:${f.line} ${f.rule}: ${f.message}`)
}
const rules = async (ctx: LintContext, ...sqls: string[]) => (await run(ctx, ...sqls)).map((s) => s.replace(/: .*/, ''))
const withFacts = (tables: Record<string, TableFacts>, extra: Omit<LintFacts, 'tables'> = {}): LintContext => ({
  existingTables: new Set(Object.keys(tables)),
  facts: { tables: new Map(Object.entries(tables)), ...extra }
})
const col = (typname: string, mods: number[] = [], notNull = false) => ({ typname, mods, array: false, notNull })

describe('severity follows impact: row estimates', () => {
  const sqls = [
    'CREATE INDEX i ON orders (a);',
    'ALTER TABLE orders ALTER COLUMN a TYPE bigint;',
    "ALTER TABLE orders ADD CONSTRAINT c CHECK (a > 0);",
    'ALTER TABLE orders ALTER COLUMN a SET NOT NULL;',
    'ALTER TABLE orders ADD COLUMN t uuid DEFAULT gen_random_uuid();',
    'LOCK TABLE orders;',
    'VACUUM FULL orders;',
    "ALTER TABLE orders ADD COLUMN r text;\nUPDATE orders SET r = 'x' WHERE r IS NULL;"
  ]
  test('an existing table the database shows empty is quiet for every lock and rewrite rule', async () => {
    for (const sql of sqls) expect({ sql, findings: await run(withFacts({ 'public.orders': { rows: 0 } }), sql) }).toEqual({ sql, findings: [] })
  })
  test('with rows, the message names the table and its estimate', async () => {
    for (const sql of sqls) {
      const fs = await run(withFacts({ 'public.orders': { rows: 1234567 } }), sql)
      expect({ sql, n: fs.length, named: fs.every((f) => f.includes('public.orders (~1,234,567 rows)')) }).toEqual({ sql, n: 1, named: true })
    }
  })
  test('rows unknown (no facts, or a table with pages but no estimate) warns as before, without a count', async () => {
    expect(await run(withFacts({ 'public.orders': {} }), 'CREATE INDEX i ON orders (a);')).toEqual([
      '001_m:1 require-concurrent-index: CREATE INDEX i on existing table public.orders without CONCURRENTLY: writes to public.orders are blocked until the index is built'
    ])
  })
  test('rules about data loss and breakage do not depend on rows', async () => {
    expect(await rules(withFacts({ 'public.orders': { rows: 0 } }), 'ALTER TABLE orders DROP COLUMN a;\nALTER TABLE orders ADD COLUMN b int NOT NULL;\nALTER TABLE orders RENAME COLUMN c TO d;')).toEqual([
      '001_m:1 destructive',
      '001_m:2 adding-not-null-column',
      '001_m:3 renaming'
    ])
  })
})

describe('changing-column-type knows the old type', () => {
  const orders = (c: ReturnType<typeof col>) => withFacts({ 'public.orders': { rows: 10, columns: new Map([['c', c]]) } })
  test.each([
    ['varchar(20) to varchar(50)', col('varchar', [20]), 'varchar(50)'],
    ['varchar(20) to text', col('varchar', [20]), 'text'],
    ['varchar(20) to varchar', col('varchar', [20]), 'varchar'],
    ['text to varchar', col('text'), 'varchar'],
    ['numeric(10,2) to numeric(14,2)', col('numeric', [10, 2]), 'numeric(14,2)'],
    ['numeric(10,2) to numeric', col('numeric', [10, 2]), 'numeric'],
    ['timestamptz(3) to timestamptz', col('timestamptz', [3]), 'timestamptz'],
    ['the same type', col('int8'), 'bigint']
  ])('%s: no rewrite, no finding', async (_, from, to) => {
    expect(await run(orders(from), `ALTER TABLE orders ALTER COLUMN c TYPE ${to};`)).toEqual([])
  })
  test.each([
    ['varchar(50) to varchar(20)', col('varchar', [50]), 'varchar(20)'],
    ['text to varchar(20)', col('text'), 'varchar(20)'],
    ['numeric(10,2) to numeric(12,3)', col('numeric', [10, 2]), 'numeric(12,3)'],
    ['int4 to int8', col('int4'), 'bigint'],
    ['varchar to text with USING', col('varchar'), 'text USING c::text']
  ])('%s: flagged, naming the old type', async (_, from, to) => {
    const [f] = await run(orders(from), `ALTER TABLE orders ALTER COLUMN c TYPE ${to};`)
    expect(f).toMatch(/changing-column-type: .*\(from [a-z0-9(),]+\)/)
  })
  test('without the database, the old type comes from the set', async () => {
    const ctx = { existingTables: new Set(['public.orders']) }
    expect(await run(ctx, 'ALTER TABLE orders ADD COLUMN c varchar(20);', 'ALTER TABLE orders ALTER COLUMN c TYPE text;')).toEqual([])
    expect(await rules(ctx, 'ALTER TABLE orders ALTER COLUMN c TYPE text;')).toEqual(['001_m:1 changing-column-type'])
  })
})

describe('set-not-null and the NOT NULL proofs', () => {
  const checks = (m: Record<string, { column: string; validated: boolean }>, notNull = false) =>
    withFacts({ 'public.orders': { rows: 10, columns: new Map([['status', col('text', [], notNull)]]), notNullChecks: new Map(Object.entries(m)) } })
  test('a CHECK the database shows validated proves the column', async () => {
    expect(await run(checks({ orders_status_nn: { column: 'status', validated: true } }), 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;')).toEqual([])
  })
  test('a NOT VALID CHECK from an earlier migration, validated in the set, proves it (the two-deploy recipe)', async () => {
    const ctx = checks({ chk_s: { column: 'status', validated: false } })
    expect(await run(ctx, 'ALTER TABLE orders VALIDATE CONSTRAINT chk_s;\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;')).toEqual([])
    expect(await rules(ctx, 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;')).toEqual(['001_m:1 set-not-null'])
  })
  test('with facts, a validated constraint that is not a NOT NULL check proves nothing, whatever its name', async () => {
    expect(await rules(checks({}), 'ALTER TABLE orders VALIDATE CONSTRAINT orders_status_check;\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;')).toEqual(['001_m:2 set-not-null'])
  })
  test('a column already NOT NULL: SET NOT NULL is a no-op', async () => {
    expect(await run(checks({}, true), 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;')).toEqual([])
  })
  test('without facts, an unknown validated constraint counts only when its name holds the column', async () => {
    const ctx = { existingTables: new Set(['public.orders']) }
    expect(await run(ctx, 'ALTER TABLE orders VALIDATE CONSTRAINT orders_status_nn;\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;')).toEqual([])
    expect(await rules(ctx, 'ALTER TABLE orders VALIDATE CONSTRAINT chk1;\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;')).toEqual(['001_m:2 set-not-null'])
  })
})

describe('volatile-default with pg_proc', () => {
  const ctx = (fns: Record<string, 'i' | 's' | 'v'>) => withFacts({ 'public.orders': { rows: 10 } }, { functions: new Map(Object.entries(fns)) })
  test('a user function the database shows IMMUTABLE or STABLE is not flagged; VOLATILE is', async () => {
    expect(await run(ctx({ app_default: 'i', app_now: 's' }), 'ALTER TABLE orders ADD COLUMN a jsonb DEFAULT app_default();\nALTER TABLE orders ADD COLUMN b timestamptz DEFAULT app_now();')).toEqual([])
    const [f] = await run(ctx({ app_default: 'v' }), 'ALTER TABLE orders ADD COLUMN a jsonb DEFAULT app_default();')
    expect(f).toContain('volatile-default: ADD COLUMN a with the volatile default app_default()')
  })
  test('a function neither in the database nor built in counts as volatile, and says why', async () => {
    const [f] = await run(ctx({}), 'ALTER TABLE orders ADD COLUMN a text DEFAULT generate_ulid();')
    expect(f).toContain('generate_ulid(), a function pgshift cannot prove non-volatile')
  })
})

describe('require-concurrent-index-drop with the index catalog', () => {
  test('the index of an existing table with rows is flagged with the table; of an empty one, or a missing index, not', async () => {
    const indexes = new Map([['public.i_orders', 'public.orders'], ['public.i_empty', 'public.empty']])
    const ctx = withFacts({ 'public.orders': { rows: 500 }, 'public.empty': { rows: 0 } }, { indexes })
    expect(await run(ctx, 'DROP INDEX i_orders;\nDROP INDEX i_empty;\nDROP INDEX IF EXISTS i_gone;')).toEqual([
      '001_m:1 require-concurrent-index-drop: DROP INDEX public.i_orders without CONCURRENTLY on existing table public.orders (~500 rows): it takes an ACCESS EXCLUSIVE lock on public.orders, so every read and write of public.orders waits from the moment it queues until the migration commits'
    ])
  })
})

describe('the same transaction in statement-by-statement files', () => {
  const ctx = { existingTables: new Set(['public.orders']) }
  test('inside a BEGIN ... COMMIT block statements share a transaction; outside they do not', async () => {
    const file = [
      '-- pgshift:no-transaction',
      'ALTER TABLE orders ADD CONSTRAINT c CHECK (a > 0) NOT VALID;',
      'ALTER TABLE orders VALIDATE CONSTRAINT c;',
      'BEGIN;',
      'ALTER TABLE orders ADD CONSTRAINT d CHECK (b > 0) NOT VALID;',
      'ALTER TABLE orders VALIDATE CONSTRAINT d;',
      'COMMIT;',
      'UPDATE orders SET b = 1 WHERE b IS NULL;'
    ].join('\n')
    expect(await rules(ctx, file)).toEqual(['001_m:6 validate-in-same-transaction'])
  })
  test('each file is its own transaction: ADD in one file, VALIDATE in the next is the safe form', async () => {
    expect(await run(ctx, 'ALTER TABLE orders ADD CONSTRAINT c CHECK (a > 0) NOT VALID;', 'ALTER TABLE orders VALIDATE CONSTRAINT c;')).toEqual([])
  })
  test('a foreign key added NOT VALID keeps both tables locked against writes through the VALIDATE', async () => {
    const [f] = await run(
      { existingTables: new Set(['public.orders', 'public.customers']) },
      'ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT fk;'
    )
    expect(f).toContain("the ADD's SHARE ROW EXCLUSIVE lock on public.orders and public.customers is held until COMMIT, so the validating scan blocks writes")
  })
})
