// migrations-example/supabase/migrations/ is valid SQL on a vanilla Postgres 17, without pgshift:
// each up file applies in name order with one simple query per file (the
// CREATE INDEX CONCURRENTLY file works because it holds a single statement),
// every verify file is false before its migration and true after it, each down
// file brings the catalog back to exactly what it was before its up, and the
// set applies again after a full rollback (up-down-up).
import pg from 'pg'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { freshDatabase, type TestDatabase } from '../support/db.js'

const DIR = fileURLToPath(new URL('../../migrations-example/supabase/migrations/', import.meta.url))
const UP = /^(\d{14}_[a-z0-9_]+)\.sql$/

interface ExampleMigration {
  identity: string
  up: string
  down: string
  verify: string
}

function loadSet(): ExampleMigration[] {
  const files = readdirSync(DIR)
  return files
    .map((f) => UP.exec(f)?.[1])
    .filter((id): id is string => id !== undefined)
    .sort()
    .map((identity) => ({
      identity,
      up: readFileSync(join(DIR, `${identity}.sql`), 'utf8'),
      down: readFileSync(join(DIR, 'down', `${identity}.sql`), 'utf8'),
      verify: readFileSync(join(DIR, 'verify', `${identity}.sql`), 'utf8')
    }))
}

/** Every user-visible catalog object outside the system schemas, one sorted line each. */
const SNAPSHOT_SQL = `
WITH ns AS (
  SELECT oid, nspname FROM pg_namespace
  WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
)
SELECT line FROM (
  SELECT 'schema ' || nspname AS line FROM ns
  UNION ALL
  SELECT 'relation ' || ns.nspname || '.' || c.relname || ' kind=' || c.relkind::text
         || CASE WHEN c.relrowsecurity THEN ' rls' ELSE '' END
  FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
  UNION ALL
  SELECT 'column ' || ns.nspname || '.' || c.relname || '.' || a.attname || ' '
         || format_type(a.atttypid, a.atttypmod)
         || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN ns ON ns.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm')
  UNION ALL
  SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
  UNION ALL
  SELECT 'constraint ' || ns.nspname || '.' || con.conname || ' ' || pg_get_constraintdef(con.oid)
  FROM pg_constraint con JOIN ns ON ns.oid = con.connamespace
  UNION ALL
  SELECT 'trigger ' || t.tgrelid::regclass::text || '.' || t.tgname FROM pg_trigger t
  JOIN pg_class c ON c.oid = t.tgrelid JOIN ns ON ns.oid = c.relnamespace
  WHERE NOT t.tgisinternal
  UNION ALL
  SELECT 'policy ' || schemaname || '.' || tablename || '.' || policyname || ' ' || cmd FROM pg_policies
) s
ORDER BY line`

async function snapshot(c: pg.Client): Promise<string[]> {
  return (await c.query<{ line: string }>(SNAPSHOT_SQL)).rows.map((r) => r.line)
}

async function verifyResult(c: pg.Client, m: ExampleMigration): Promise<unknown> {
  const res = await c.query(m.verify)
  expect(res.rows).toHaveLength(1)
  return res.rows[0][res.fields[0].name]
}

async function applyAll(c: pg.Client, set: ExampleMigration[]): Promise<void> {
  for (const m of set) {
    try {
      await c.query(m.up)
    } catch (e) {
      throw new Error(`${m.identity}.sql failed: ${(e as Error).message}`)
    }
  }
}

describe('migrations-example', () => {
  const set = loadSet()
  let db: TestDatabase
  let client: pg.Client

  beforeAll(async () => {
    db = await freshDatabase()
    client = new pg.Client({ connectionString: db.url })
    await client.connect()
  })

  afterAll(async () => {
    await client?.end()
    await db?.drop()
  })

  test('every up file has a down and a verify file (in down/ and verify/, which the Supabase CLI does not read), and nothing else is in the directory but the afterMigrate hook', () => {
    expect(set.length).toBeGreaterThanOrEqual(6)
    const expected = new Set(['afterMigrate.sql', 'down', 'verify'])
    for (const m of set) expected.add(`${m.identity}.sql`)
    expect(readdirSync(DIR).sort()).toEqual([...expected].sort())
    const ups = set.map((m) => `${m.identity}.sql`)
    expect(readdirSync(join(DIR, 'down')).sort()).toEqual(ups)
    expect(readdirSync(join(DIR, 'verify')).sort()).toEqual(ups)
    // The CREATE INDEX CONCURRENTLY file holds that one statement and nothing else.
    const cic = set.filter((m) => /CREATE\s+INDEX\s+CONCURRENTLY/i.test(m.up))
    expect(cic).toHaveLength(1)
    const code = cic[0].up.replace(/--.*$/gm, '').trim()
    expect(code.split(';').filter((s) => s.trim() !== '')).toHaveLength(1)
    expect(cic[0].down).toMatch(/DROP\s+INDEX\s+CONCURRENTLY\s+IF\s+EXISTS/i)
    // gen_random_uuid(), never uuid-ossp.
    for (const m of set) expect(m.up).not.toMatch(/uuid_generate_v4|uuid-ossp/i)
  })

  test('applies in order: each verify is false before its migration and true after', async () => {
    for (const m of set) {
      expect([m.identity, await verifyResult(client, m)]).toEqual([m.identity, false])
      try {
        await client.query(m.up)
      } catch (e) {
        throw new Error(`${m.identity}.sql failed: ${(e as Error).message}`)
      }
      expect([m.identity, await verifyResult(client, m)]).toEqual([m.identity, true])
    }

    const tables = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`
    )
    expect(tables.map((t) => t.table_name)).toEqual([
      'assets',
      'brands',
      'conversations',
      'feedback',
      'hpp_status',
      'jobs',
      'messages',
      'physics_results',
      'recalculation_batches',
      'telemetry_history_cache',
      'telemetry_samples',
      'templates',
      'token_events',
      'turbines',
      'usage_metrics'
    ])
    const noRls = await db.query(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT c.relrowsecurity`
    )
    expect(noRls).toEqual([])
    const matviews = await db.query<{ matviewname: string }>(
      `SELECT matviewname FROM pg_matviews WHERE schemaname = 'public' ORDER BY 1`
    )
    expect(matviews.map((m) => m.matviewname)).toEqual([
      'electricity_readings_mv',
      'message_feedback_summary',
      'monthly_usage_summary'
    ])
    const policies = await db.query<{ n: string }>(`SELECT count(*) AS n FROM pg_policies WHERE schemaname = 'public'`)
    expect(Number(policies[0].n)).toBe(25)
    const triggers = await db.query<{ trigger_name: string }>(
      `SELECT DISTINCT trigger_name FROM information_schema.triggers WHERE trigger_schema = 'public' ORDER BY 1`
    )
    expect(triggers.map((t) => t.trigger_name)).toEqual(
      expect.arrayContaining(['brands_updated_at', 'telemetry_samples_upsert_status', 'token_events_refresh_readings'])
    )
    const idx = await db.query<{ indisvalid: boolean }>(
      `SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.idx_telemetry_samples_turbine_time'::regclass`
    )
    expect(idx).toEqual([{ indisvalid: true }])

    // The afterMigrate hook runs on the applied set: the matviews refresh and every table has statistics.
    await client.query(readFileSync(join(DIR, 'afterMigrate.sql'), 'utf8'))
    // reltuples is -1 until a relation is first analyzed (Postgres 14+), and is catalog data, not lagging statistics.
    const notAnalyzed = await db.query<{ relname: string }>(
      `SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'm') AND reltuples < 0 ORDER BY 1`
    )
    expect(notAnalyzed).toEqual([])
  })

  test('the objects behave: defaults, triggers, the position function, the matview and RLS', async () => {
    const user = '11111111-1111-4111-8111-111111111111'
    const other = '22222222-2222-4222-8222-222222222222'
    await client.query(`INSERT INTO auth.users (id, email) VALUES ($1, 'a@example.com'), ($2, 'b@example.com')`, [user, other])

    // token_events: the statement trigger refreshes the matview; positions are a running sum.
    await client.query(
      `INSERT INTO public.token_events (user_id, event_type, units, event_at) VALUES
         ($1, 'purchase', 100, '2026-01-01'), ($1, 'usage', 30, '2026-01-02'), ($1, 'usage', 20, '2026-01-03'),
         ($2, 'purchase', 7, '2026-01-01')`,
      [user, other]
    )
    const positions = await client.query(
      'SELECT meter_position::float8 AS p FROM public.calculate_user_positions($1)',
      [user]
    )
    expect(positions.rows.map((r) => r.p)).toEqual([100, 70, 50])
    const mv = await client.query(
      'SELECT count(*)::int AS n FROM public.electricity_readings_mv WHERE user_id = $1',
      [user]
    )
    expect(mv.rows[0].n).toBe(3)

    // messages bump conversations.updated_at; gen_random_uuid() and now() defaults fill in.
    const conv = await client.query(
      `INSERT INTO public.conversations (user_id, updated_at) VALUES ($1, '2000-01-01') RETURNING id, title`,
      [user]
    )
    expect(conv.rows[0].title).toBe('New conversation')
    await client.query(`INSERT INTO public.messages (conversation_id, role, content) VALUES ($1, 'user', 'hi')`, [conv.rows[0].id])
    const bumped = await client.query('SELECT updated_at > now() - interval \'1 minute\' AS ok FROM public.conversations WHERE id = $1', [
      conv.rows[0].id
    ])
    expect(bumped.rows[0].ok).toBe(true)

    // RLS: as `authenticated` with a JWT for `user`, only that user's rows are visible.
    await client.query('BEGIN')
    try {
      await client.query(`SELECT set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: user, role: 'authenticated' })])
      await client.query('SET LOCAL ROLE authenticated')
      const seen = await client.query('SELECT DISTINCT units::float8 AS u FROM public.token_events ORDER BY 1')
      expect(seen.rows.map((r) => r.u)).toEqual([20, 30, 100])
      const view = await client.query('SELECT count(*)::int AS n FROM public.electricity_readings_v')
      expect(view.rows[0].n).toBe(3)
      await expect(client.query('SELECT * FROM public.electricity_readings_mv')).rejects.toThrow(/permission denied/)
    } finally {
      await client.query('ROLLBACK')
    }
  })

  test('each down restores the catalog as it was before its up; then the set applies again', async () => {
    // Rebuild from scratch on a second database, recording the catalog after each step.
    const db2 = await freshDatabase()
    const c2 = new pg.Client({ connectionString: db2.url })
    await c2.connect()
    try {
      const before: string[][] = []
      for (const m of set) {
        before.push(await snapshot(c2))
        await c2.query(m.up)
      }
      for (let i = set.length - 1; i >= 0; i--) {
        const m = set[i]
        try {
          await c2.query(m.down)
        } catch (e) {
          throw new Error(`${m.identity}.down.sql failed: ${(e as Error).message}`)
        }
        expect({ after: `${m.identity}.down.sql`, catalog: await snapshot(c2) }).toEqual({
          after: `${m.identity}.down.sql`,
          catalog: before[i]
        })
      }
      const left = await c2.query(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')`
      )
      expect(left.rows).toEqual([])
      expect((await c2.query(`SELECT to_regnamespace('auth') AS auth`)).rows[0].auth).toBeNull()

      // up again, and everything verifies.
      await applyAll(c2, set)
      for (const m of set) expect([m.identity, await verifyResult(c2, m)]).toEqual([m.identity, true])
    } finally {
      await c2.end()
      await db2.drop()
    }
  })

  test('the same up-down-up on the first database, with data in the tables', async () => {
    for (const m of [...set].reverse()) await client.query(m.down)
    const left = await client.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`
    )
    expect(left.rows).toEqual([])
    await applyAll(client, set)
    for (const m of set) expect([m.identity, await verifyResult(client, m)]).toEqual([m.identity, true])
  })
})
