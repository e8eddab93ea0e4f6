// The schema snapshot on a real Postgres: two databases built from
// migrations-example/ give equal snapshots; each hand-made change shows up as
// exactly the expected difference; the example's downs undo its ups.
import pg from 'pg'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { diffSnapshots } from '../../src/inspect/diff.js'
import { parseDefinition, takeSnapshot, type Snapshot } from '../../src/inspect/snapshot.js'
import type { SchemaDifference } from '../../src/engine/report.js'

const DIR = fileURLToPath(new URL('../../migrations-example/supabase/migrations/', import.meta.url))
const UPS = readdirSync(DIR)
  .filter((f) => /^\d+_.*\.sql$/.test(f))
  .sort()
const DOWNS = readdirSync(join(DIR, 'down'))
  .sort()
  .reverse()
  .map((f) => `down/${f}`)

async function runFiles(c: pg.Client, names: string[]): Promise<void> {
  for (const f of names) {
    try {
      await c.query(readFileSync(join(DIR, f), 'utf8'))
    } catch (e) {
      throw new Error(`${f} failed: ${(e as Error).message}`)
    }
  }
}

/** A database with the Supabase realtime publication (so the example adds hpp_status to it) and the example applied. */
async function exampleDatabase(): Promise<{ db: TestDatabase; client: pg.Client }> {
  const db = await freshDatabase()
  const client = new pg.Client({ connectionString: db.url })
  await client.connect()
  await client.query('CREATE PUBLICATION supabase_realtime')
  await runFiles(client, UPS)
  // The example has no enum; both databases get the same one.
  await client.query(`CREATE TYPE public.mood AS ENUM ('happy', 'sad')`)
  return { db, client }
}

function keysOf(s: Snapshot, kind: string): string[] {
  return Object.keys(s.objects).filter((k) => k.startsWith(`${kind} `))
}

async function snap(c: pg.Client, opts?: { excludeSchemas?: string[] }): Promise<Snapshot> {
  return takeSnapshot(c, opts)
}

/** Run `sql` and return the difference it makes to the snapshot. */
async function changeOf(c: pg.Client, sql: string): Promise<SchemaDifference[]> {
  const before = await snap(c)
  await c.query(sql)
  return diffSnapshots(before, await snap(c))
}

async function withFresh<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const db = await freshDatabase()
  const c = new pg.Client({ connectionString: db.url })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
    await db.drop()
  }
}

describe('takeSnapshot / diffSnapshots on migrations-example', () => {
  let a: { db: TestDatabase; client: pg.Client }
  let b: { db: TestDatabase; client: pg.Client }

  beforeAll(async () => {
    ;[a, b] = await Promise.all([exampleDatabase(), exampleDatabase()])
  })

  afterAll(async () => {
    for (const x of [a, b]) {
      await x?.client.end()
      await x?.db.drop()
    }
  })

  test('two databases built the same way have equal snapshots, covering every kind the example has', async () => {
    const sa = await snap(a.client)
    const sb = await snap(b.client)
    expect(diffSnapshots(sa, sb)).toEqual([])
    expect(sa).toEqual(sb)

    const kinds = new Set(Object.keys(sa.objects).map((k) => k.slice(0, k.indexOf(' '))))
    for (const kind of ['schema', 'table', 'column', 'constraint', 'index', 'view', 'matview', 'function', 'trigger',
      'policy', 'rls', 'grant', 'enum', 'extension', 'publication', 'publication-member']) {
      expect([kind, kinds.has(kind)]).toEqual([kind, true])
    }
    expect(keysOf(sa, 'table')).toHaveLength(16) // 15 in public, auth.users
    expect(keysOf(sa, 'policy')).toHaveLength(25)
    expect(keysOf(sa, 'matview')).toHaveLength(3)
    expect(sa.objects['index public.idx_telemetry_samples_turbine_time']).toBe(
      JSON.stringify({
        definition: 'CREATE INDEX idx_telemetry_samples_turbine_time ON public.telemetry_samples USING btree (turbine_id, sampled_at DESC)',
        valid: 'yes'
      })
    )
    expect(parseDefinition(sa.objects['column public.turbines.turbine_type']!)).toEqual({
      type: 'text',
      nullable: 'no',
      default: "'PELTON'::text"
    })
    expect(parseDefinition(sa.objects['column public.usage_metrics.total_tokens']!)).toEqual({
      type: 'bigint',
      nullable: 'yes',
      generated: '(input_tokens + output_tokens) stored'
    })
    expect(parseDefinition(sa.objects['column public.telemetry_samples.id']!)).toEqual({
      type: 'bigint',
      nullable: 'no',
      identity: 'always'
    })
    expect(parseDefinition(sa.objects['policy public.turbines.turbines_read']!)).toEqual({
      command: 'SELECT',
      as: 'PERMISSIVE',
      roles: ['authenticated'],
      using: 'true'
    })
    expect(parseDefinition(sa.objects['function public.refresh_readings_mv()']!)).toMatchObject({
      returns: 'trigger',
      language: 'plpgsql',
      security: 'definer',
      config: ['search_path=""'],
      body: expect.stringMatching(/^[0-9a-f]{32}$/)
    })
    // REVOKE EXECUTE ... FROM PUBLIC shows: no PUBLIC entry, only service_role's.
    expect(Object.keys(sa.objects).filter((k) => k.startsWith('grant function public.increment_usage_metrics('))).toEqual([
      'grant function public.increment_usage_metrics(uuid, date, integer, integer, numeric) service_role'
    ])
    expect(sa.objects['grant function public.set_updated_at() PUBLIC']).toBe('{"privileges":["EXECUTE"]}')
    expect(sa.objects['grant public.brands authenticated']).toBe('{"privileges":["SELECT","UPDATE"]}')
    expect(sa.objects['rls public.brands']).toBe('{"enabled":"yes","forced":"no"}')
    expect(sa.objects['publication-member supabase_realtime public.hpp_status']).toBe('{}')
    // No OIDs anywhere.
    expect(JSON.stringify(sa)).not.toMatch(/\boid\b|OID=/i)
  })

  test('is fast on the example schema (one catalog query)', async () => {
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now()
      await snap(a.client)
      times.push(performance.now() - t0)
    }
    times.sort((x, y) => x - y)
    expect(times[2]).toBeLessThan(200)
  })

  test('each hand-made change shows up as exactly the expected difference', async () => {
    const c = a.client
    const steps: [string, SchemaDifference[]][] = [
      ['DROP INDEX public.idx_jobs_status', [{ object: 'index public.idx_jobs_status', change: 'removed' }]],
      ['ALTER TABLE public.brands ADD COLUMN tagline text', [{ object: 'column public.brands.tagline', change: 'added' }]],
      [
        `ALTER TABLE public.conversations ALTER COLUMN title SET DEFAULT 'Untitled'`,
        [
          {
            object: 'column public.conversations.title',
            change: 'changed',
            detail: "default: 'New conversation'::text -> 'Untitled'::text"
          }
        ]
      ],
      [
        `ALTER POLICY turbines_read ON public.turbines TO authenticated, anon USING (turbine_type <> 'KAPLAN')`,
        [
          {
            object: 'policy public.turbines.turbines_read',
            change: 'changed',
            detail: "roles: +anon; using: true -> (turbine_type <> 'KAPLAN'::text)"
          }
        ]
      ],
      [
        'REVOKE UPDATE ON public.brands FROM authenticated',
        [{ object: 'grant public.brands authenticated', change: 'changed', detail: 'privileges: -UPDATE' }]
      ],
      [`ALTER TYPE public.mood ADD VALUE 'meh'`, [{ object: 'enum public.mood', change: 'changed', detail: 'labels: +meh' }]],
      [
        `CREATE OR REPLACE FUNCTION public.set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN NEW.updated_at := clock_timestamp(); RETURN NEW; END; $$`,
        [{ object: 'function public.set_updated_at()', change: 'changed', detail: 'body changed' }]
      ],
      [
        'ALTER PUBLICATION supabase_realtime DROP TABLE public.hpp_status',
        [{ object: 'publication-member supabase_realtime public.hpp_status', change: 'removed' }]
      ]
    ]
    for (const [sql, expected] of steps) {
      expect({ sql, diff: await changeOf(c, sql) }).toEqual({ sql, diff: expected })
    }

    // Against the untouched twin: all eight at once, sorted by object.
    const all = diffSnapshots(await snap(b.client), await snap(a.client))
    const expected = steps.flatMap(([, d]) => d)
    expect(all).toEqual([...expected].sort((x, y) => (x.object < y.object ? -1 : 1)))
    expect(all.map((d) => d.object)).toEqual([
      'column public.brands.tagline',
      'column public.conversations.title',
      'enum public.mood',
      'function public.set_updated_at()',
      'grant public.brands authenticated',
      'index public.idx_jobs_status',
      'policy public.turbines.turbines_read',
      'publication-member supabase_realtime public.hpp_status'
    ])
  })

  test('the same snapshot whatever the search_path, inside a transaction too, and the search_path is restored', async () => {
    const c = b.client
    const base = await snap(c)
    await c.query('SET search_path = auth, public')
    try {
      expect(diffSnapshots(base, await snap(c))).toEqual([])
      expect((await c.query('SHOW search_path')).rows[0].search_path).toBe('auth, public')
      await c.query('BEGIN')
      await c.query('SET LOCAL search_path = public')
      expect(diffSnapshots(base, await snap(c))).toEqual([])
      expect((await c.query('SHOW search_path')).rows[0].search_path).toBe('public')
      await c.query('ROLLBACK')
      expect((await c.query('SHOW search_path')).rows[0].search_path).toBe('auth, public')
      // COMMIT keeps the session's own setting, not the transaction's LOCAL one.
      await c.query('BEGIN')
      await c.query('SET LOCAL search_path = public')
      await snap(c)
      await c.query('COMMIT')
      expect((await c.query('SHOW search_path')).rows[0].search_path).toBe('auth, public')
      // A read-only transaction is fine: nothing is written. An odd schema name is quoted.
      await c.query('BEGIN READ ONLY')
      expect(diffSnapshots(base, await snap(c))).toEqual([])
      await c.query('COMMIT')
      await expect(snap(c, { excludeSchemas: ["it's"] })).resolves.toEqual(base)
      expect((await c.query('SHOW search_path')).rows[0].search_path).toBe('auth, public')
    } finally {
      await c.query('RESET search_path')
    }
  })
})

describe('the example downs undo the ups', () => {
  test('snapshot before the ups = snapshot after ups then downs; up again = after the first up', async () => {
    await withFresh(async (c) => {
      await c.query('CREATE PUBLICATION supabase_realtime')
      const s0 = await snap(c)
      await runFiles(c, UPS)
      const s1 = await snap(c)
      expect(diffSnapshots(s0, s1).length).toBeGreaterThan(300)
      await runFiles(c, DOWNS)
      const s2 = await snap(c)
      // The roles_and_auth down keeps the cluster-wide roles (not schema objects) and revokes their grants.
      expect(diffSnapshots(s0, s2)).toEqual([])
      await runFiles(c, UPS)
      expect(diffSnapshots(s1, await snap(c))).toEqual([])
    })
  })
})

describe('what the snapshot covers and leaves out', () => {
  test('objects that belong to an extension are left out; the extension itself is in', async () => {
    await withFresh(async (c) => {
      expect(await changeOf(c, 'CREATE EXTENSION pgcrypto')).toEqual([{ object: 'extension pgcrypto', change: 'added' }])
      expect(await changeOf(c, 'CREATE SCHEMA extensions; ALTER EXTENSION pgcrypto SET SCHEMA extensions')).toEqual([
        { object: 'extension pgcrypto', change: 'changed', detail: 'schema: public -> extensions' },
        { object: 'schema extensions', change: 'added' }
      ])
    })
  })

  test('excludeSchemas leaves a schema out entirely', async () => {
    await withFresh(async (c) => {
      await c.query(`CREATE SCHEMA pgshift; CREATE TABLE pgshift.schema_history (identity text PRIMARY KEY);
                     CREATE FUNCTION pgshift.f() RETURNS int LANGUAGE sql AS 'SELECT 1';
                     GRANT USAGE ON SCHEMA pgshift TO PUBLIC; GRANT SELECT ON pgshift.schema_history TO PUBLIC`)
      const all = await snap(c)
      expect(Object.keys(all.objects).filter((k) => k.includes('pgshift'))).toEqual([
        'column pgshift.schema_history.identity',
        'constraint pgshift.schema_history.schema_history_pkey',
        'function pgshift.f()',
        'grant function pgshift.f() PUBLIC',
        'grant pgshift.schema_history PUBLIC',
        'grant schema pgshift PUBLIC',
        'index pgshift.schema_history_pkey',
        'schema pgshift',
        'table pgshift.schema_history'
      ])
      const without = await snap(c, { excludeSchemas: ['pgshift'] })
      expect(Object.keys(without.objects).filter((k) => k.includes('pgshift'))).toEqual([])
    })
  })

  test('sequences, identity, domains, composite types, procedures, SQL-body functions, column grants, forced RLS, partitions, an invalid index', async () => {
    await withFresh(async (c) => {
      await c.query(`
        CREATE SEQUENCE public.invoice_no AS integer START 1000 INCREMENT 5 CYCLE;
        CREATE DOMAIN public.email AS text NOT NULL DEFAULT 'x@example.com' CHECK (VALUE LIKE '%@%');
        CREATE TYPE public.pair AS (a integer, b text);
        CREATE TABLE public.t (
          id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          n serial,
          e public.email,
          name text COLLATE "C",
          p public.pair
        );
        CREATE PROCEDURE public.bump(x integer) LANGUAGE sql AS $$ UPDATE public.t SET n = n + x $$;
        CREATE FUNCTION public.twice(x integer) RETURNS integer LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
          RETURN x * 2;
        DO $r$ BEGIN CREATE ROLE pgshift_inspect_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $r$;
        GRANT SELECT (name) ON public.t TO pgshift_inspect_reader;
        ALTER TABLE public.t ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
        CREATE TABLE public.events (at date NOT NULL, v int) PARTITION BY RANGE (at);
        CREATE TABLE public.events_2026 PARTITION OF public.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
        INSERT INTO public.t (name) VALUES ('dup'), ('dup');
      `)
      // A failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind.
      await expect(c.query('CREATE UNIQUE INDEX CONCURRENTLY t_name_key ON public.t (name)')).rejects.toThrow(/could not create unique index/)
      try {
        const s = await snap(c)
        const def = (k: string) => parseDefinition(s.objects[k] ?? '(missing)') ?? `missing: ${k}`
        expect(def('sequence public.invoice_no')).toEqual({
          type: 'integer', start: '1000', increment: '5', min: '1', max: '2147483647', cache: '1', cycle: 'yes'
        })
        expect(def('sequence public.t_n_seq')).toMatchObject({ type: 'integer', owned_by: 'public.t.n' })
        // The identity column's sequence belongs to the column.
        expect(Object.keys(s.objects).filter((k) => k.startsWith('sequence '))).toEqual([
          'sequence public.invoice_no',
          'sequence public.t_n_seq'
        ])
        expect(def('column public.t.id')).toEqual({ type: 'bigint', nullable: 'no', identity: 'by default' })
        expect(def('column public.t.n')).toEqual({ type: 'integer', nullable: 'no', default: "nextval('public.t_n_seq'::regclass)" })
        expect(def('column public.t.e')).toEqual({ type: 'public.email', nullable: 'yes' })
        expect(def('column public.t.name')).toEqual({ type: 'text', nullable: 'yes', collation: 'pg_catalog."C"' })
        expect(def('domain public.email')).toEqual({
          type: 'text', nullable: 'no', default: "'x@example.com'::text", constraints: ["email_check CHECK ((VALUE ~~ '%@%'::text))"]
        })
        expect(def('type public.pair')).toEqual({ attributes: ['a integer', 'b text'] })
        expect(def('procedure public.bump(integer)')).toMatchObject({ arguments: 'IN x integer', language: 'sql' })
        expect(def('function public.twice(integer)')).toMatchObject({
          returns: 'integer', volatility: 'immutable', strict: 'yes', parallel: 'safe', body: expect.stringMatching(/^[0-9a-f]{32}$/)
        })
        expect(s.objects['grant column public.t.name pgshift_inspect_reader']).toBe('{"privileges":["SELECT"]}')
        expect(s.objects['grant procedure public.bump(integer) PUBLIC']).toBe('{"privileges":["EXECUTE"]}')
        expect(s.objects['rls public.t']).toBe('{"enabled":"yes","forced":"yes"}')
        expect(def('table public.events')).toEqual({ kind: 'partitioned table', partition_key: 'RANGE (at)' })
        expect(def('table public.events_2026')).toEqual({
          kind: 'table', partition_of: "public.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"
        })
        expect(def('index public.t_name_key')).toEqual({
          definition: 'CREATE UNIQUE INDEX t_name_key ON public.t USING btree (name)',
          valid: 'no'
        })

        expect(await changeOf(c, 'DROP INDEX public.t_name_key')).toEqual([{ object: 'index public.t_name_key', change: 'removed' }])
        // A SQL-standard body is hashed too: replacing it is a change.
        expect(
          await changeOf(c, 'CREATE OR REPLACE FUNCTION public.twice(x integer) RETURNS integer LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN x + x')
        ).toEqual([{ object: 'function public.twice(integer)', change: 'changed', detail: 'body changed' }])
        expect(await changeOf(c, 'ALTER TABLE public.t ALTER COLUMN n TYPE bigint')).toEqual([
          { object: 'column public.t.n', change: 'changed', detail: 'type: integer -> bigint' }
        ])
        expect(await changeOf(c, 'ALTER TABLE public.t ALTER COLUMN n DROP DEFAULT')).toEqual([
          { object: 'column public.t.n', change: 'changed', detail: "default: nextval('public.t_n_seq'::regclass) -> (none)" }
        ])
        expect(await changeOf(c, 'ALTER TABLE public.t NO FORCE ROW LEVEL SECURITY')).toEqual([
          { object: 'rls public.t', change: 'changed', detail: 'forced: yes -> no' }
        ])
      } finally {
        await c.query('DROP OWNED BY pgshift_inspect_reader; DROP ROLE pgshift_inspect_reader')
      }
    })
  })
})
