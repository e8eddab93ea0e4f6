// The same-transaction claim, measured (issue 16): while a file that adds a CHECK NOT
// VALID and validates it runs, the ADD's ACCESS EXCLUSIVE lock is still held, so a second
// session's INSERT (and SELECT) times out; with the VALIDATE in the next file, the same
// INSERT goes through while the scan runs. The lint flags the first form only. Plus the
// catalog facts the engine reads for the lint, and the built-in function list checked
// against the real catalogs of Postgres 17 and 15.
import pg from 'pg'
import { runPgshift } from '../../src/engine/run.js'
import { readLintFacts } from '../../src/db/lint-facts.js'
import { NON_VOLATILE_BUILTINS } from '../../src/lint/builtin-functions.js'
import { factsWanted } from '../../src/lint/index.js'
import { ensureParser } from '../../src/source/parser.js'
import { parseSettings } from '../../src/settings.js'
import { adminUrl, adminUrl15, freshDatabase, withClient, type TestDatabase } from '../support/db.js'
import { migration } from '../fixtures/lint/helpers.js'
import { addFile, makeWorkspace, recordingLogger } from '../support/workspace.js'

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

const run = (ws: string) => runPgshift(parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations' }, ws), { logger: recordingLogger() })

// 20 rows, and a CHECK whose test sleeps 0.1 s per row: validating it takes about 2 s.
const BASE = `CREATE TABLE orders (id bigint PRIMARY KEY, total int);
INSERT INTO orders SELECT g, g FROM generate_series(1, 20) g;
CREATE FUNCTION slow_positive(v int) RETURNS boolean IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.1); RETURN v >= 0; END $$;
`
const ADD = 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (slow_positive(total)) NOT VALID;\n'
const VALIDATE = 'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;\n'

/** Waits until the migration's session is inside the validating scan (sleeping in slow_positive). */
async function whileValidating<T>(probe: (c: pg.Client) => Promise<T>): Promise<T> {
  return withClient(db.url, async (c) => {
    for (let i = 0; i < 300; i++) {
      const r = await c.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep' AND pid <> pg_backend_pid()`)
      if (r.rowCount) return probe(c)
      await new Promise((res) => setTimeout(res, 20))
    }
    throw new Error('the VALIDATE never started')
  })
}

/** A write with a 300 ms lock_timeout: 'ok', or the SQLSTATE it failed with. */
const tryInsert = async (c: pg.Client, id: number) => {
  try {
    await c.query(`SET lock_timeout = '300ms'`)
    await c.query('INSERT INTO orders VALUES ($1, 1)', [id])
    return 'ok'
  } catch (e) {
    return (e as { code?: string }).code ?? String(e)
  }
}

test('NOT VALID + VALIDATE in one file: a second session cannot write while the scan runs, and the lint says so', async () => {
  const ws = makeWorkspace({ '001_orders.sql': BASE })
  expect((await run(ws)).status).toBe('success')
  addFile(ws, '002_check.sql', ADD + VALIDATE)
  const applying = run(ws)
  const write = await whileValidating((c) => tryInsert(c, 1001))
  const r = await applying
  expect(write).toBe('55P03') // lock_not_available: the ADD's ACCESS EXCLUSIVE is still held
  expect(r.status).toBe('success')
  expect(r.lint?.map((f) => `${f.rule} ${f.file}:${f.line}`)).toEqual(['validate-in-same-transaction migrations/002_check.sql:2'])
  expect(await db.query('SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 20 }])
})

test('the ADD in one file and the VALIDATE in the next: the same write goes through during the scan, and the lint is quiet', async () => {
  const ws = makeWorkspace({ '001_orders.sql': BASE })
  expect((await run(ws)).status).toBe('success')
  addFile(ws, '002_check.sql', ADD)
  addFile(ws, '003_validate.sql', VALIDATE)
  const applying = run(ws)
  const write = await whileValidating((c) => tryInsert(c, 1002))
  const r = await applying
  expect(write).toBe('ok')
  expect(r.status).toBe('success')
  expect(r.lint ?? []).toEqual([])
  expect(await db.query('SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 21 }])
})

test('readLintFacts: row estimates, column types, NOT NULL checks, function volatility and index tables, from the catalog', async () => {
  await db.query(`
    CREATE TABLE big (id bigint PRIMARY KEY, code varchar(20), amount numeric(10,2), status text NOT NULL, note text);
    INSERT INTO big SELECT g, 'c', 1, 's' FROM generate_series(1, 500) g;
    ANALYZE big;
    CREATE TABLE empty (id bigint PRIMARY KEY);
    ALTER TABLE big ADD CONSTRAINT big_note_nn CHECK (note IS NOT NULL) NOT VALID;
    ALTER TABLE big ADD CONSTRAINT "Big Status" CHECK (status IS NOT NULL);
    CREATE INDEX big_code ON big (code);
    CREATE FUNCTION app_stable() RETURNS text STABLE LANGUAGE sql AS $$ SELECT 'x' $$;
    CREATE FUNCTION app_volatile() RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$;`)
  await ensureParser()
  const m = await migration(
    'db/001_m.sql',
    'ALTER TABLE big ADD COLUMN a text DEFAULT app_stable(), ADD COLUMN b text DEFAULT app_volatile(), ADD COLUMN c text DEFAULT now();\nDROP INDEX big_code;'
  )
  const wanted = factsWanted([m])
  const { existingTables, facts } = await withClient(db.url, (c) => readLintFacts(c, wanted, { rows: true }))
  expect([...existingTables].sort()).toEqual(['public.big', 'public.empty'])
  expect(facts.tables?.get('public.big')?.rows).toBe(500)
  expect(facts.tables?.get('public.empty')?.rows).toBe(0)
  const big = facts.tables!.get('public.big')!
  expect(big.columns?.get('code')).toEqual({ typname: 'varchar', mods: [20], array: false, notNull: false })
  expect(big.columns?.get('amount')).toEqual({ typname: 'numeric', mods: [10, 2], array: false, notNull: false })
  expect(big.columns?.get('status')?.notNull).toBe(true)
  expect(Object.fromEntries(big.notNullChecks!)).toEqual({ big_note_nn: { column: 'note', validated: false }, 'Big Status': { column: 'status', validated: true } })
  expect(Object.fromEntries(facts.functions!)).toEqual({ app_stable: 's', app_volatile: 'v', now: 's' })
  expect(Object.fromEntries(facts.indexes!)).toEqual({ 'public.big_code': 'public.big' })
  // On an ephemeral database the rows stay unknown.
  const eph = await withClient(db.url, (c) => readLintFacts(c, wanted, { rows: false }))
  expect(eph.facts.tables?.get('public.big')?.rows).toBeUndefined()
})

test.each([
  ['17', adminUrl],
  ['15', adminUrl15]
])('every built-in the lint treats as non-volatile has no VOLATILE overload on Postgres %s', async (_, url) => {
  const names = [...NON_VOLATILE_BUILTINS]
  expect(names.length).toBeGreaterThan(1000)
  const volatile = await withClient(url(), async (c) =>
    (await c.query<{ proname: string }>(`SELECT DISTINCT proname::text FROM pg_proc WHERE provolatile = 'v' AND proname = ANY($1::text[])`, [names])).rows.map((r) => r.proname)
  )
  expect(volatile).toEqual([])
})
