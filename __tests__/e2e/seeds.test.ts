// The five runbook flows (../fixtures/seeds/, written from the teams' runbooks)
// through dist/index.js with supabase-shim: true on a vanilla Postgres: plan,
// dry-run, apply, verify, rollback, apply again. Each step's exit code, outputs,
// history rows and the database state are checked.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { adminUrl, adminUrl15, freshDatabase, withClient, type TestDatabase } from '../support/db.js'
import { runAction, type ActionRun } from '../support/action-runner.js'

const SEEDS = fileURLToPath(new URL('../fixtures/seeds/', import.meta.url))

interface Step {
  run: ActionRun
  report: {
    status: string
    applied: string[]
    rolledBack?: string[]
    checks?: { subject: string; file?: string; ok: boolean; message: string }[]
    supabaseShim?: string
    migrations: { identity: string; status: string; error?: { message: string } }[]
    error?: { message: string; next: string }
  }
}

/** One run of the action on a seed's workspace. */
async function step(db: TestDatabase, seed: string, inputs: Record<string, string>): Promise<Step> {
  const run = await runAction({
    workspace: `${SEEDS}${seed}`,
    inputs: { 'database-url': db.url, 'migrations-dir': 'migrations', 'supabase-shim': 'true', lint: 'warn', comment: 'false', ...inputs }
  })
  const file = run.outputs.report
  if (!file) throw new Error(`no report output: exit ${run.code}\n${run.stdout}\n${run.stderr}`)
  return { run, report: JSON.parse(readFileSync(file, 'utf8')) as Step['report'] }
}

function expectOk(s: Step, status = 'success'): void {
  const failed = s.report.migrations.filter((m) => m.error).map((m) => `${m.identity}: ${m.error?.message}`)
  expect({ error: s.report.error?.message, failed, status: s.report.status }).toEqual({ error: undefined, failed: [], status })
  expect(s.run.code).toBe(0)
  expect(s.run.outputs.status).toBe(status)
}

function expectChecksPass(s: Step, count: number): void {
  expectOk(s)
  const checks = s.report.checks ?? []
  expect(checks.filter((c) => !c.ok)).toEqual([])
  // One check per migration (files against history), one per verify script (all its rows must be true).
  expect(checks.filter((c) => c.file?.endsWith('.verify.sql')).length).toBe(count)
}

const history = async (db: TestDatabase, schema = 'pgshift') =>
  (await db.query<{ identity: string }>(`SELECT identity FROM ${schema}.schema_history WHERE status = 'applied' ORDER BY applied_at, identity`)).map((r) => r.identity)

const exists = async (db: TestDatabase, name: string) => (await db.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [name]))[0]?.t !== null

/**
 * plan, dry-run, apply and verify of one directory; returns after verify. `expected`
 * is the run order; `checks` how many verify scripts must pass.
 */
async function forward(db: TestDatabase, seed: string, expected: string[], checks: number, extra: Record<string, string> = {}): Promise<void> {
  const plan = await step(db, seed, { mode: 'plan', ...extra })
  expectOk(plan)
  expect(JSON.parse(plan.run.outputs.pending ?? '')).toEqual(expected)
  expect(plan.report.supabaseShim).toMatch(/plan is read-only/)

  const preview = await step(db, seed, { mode: 'dry-run', ...extra })
  expectOk(preview)
  expect(preview.report.migrations.map((m) => m.status)).toEqual(expected.map(() => 'previewed'))
  expect(await exists(db, `${extra['history-schema'] ?? 'pgshift'}.schema_history`)).toBe(false)

  const apply = await step(db, seed, { mode: 'apply', ...extra })
  expectOk(apply)
  expect(JSON.parse(apply.run.outputs.applied ?? '')).toEqual(expected)
  expect(await history(db, extra['history-schema'])).toEqual(expected)
  // The job summary says what the shim did.
  expect(apply.run.summary).toMatch(/\*\*Supabase shim:\*\* (created |nothing missing)/)

  expectChecksPass(await step(db, seed, { mode: 'verify', ...extra }), checks)
}

const SERVERS: Array<[string, () => string]> = [
  ['17', adminUrl],
  ['15', adminUrl15]
]

let db: TestDatabase
afterEach(async () => {
  await db?.drop()
})

describe.each(SERVERS)('Postgres %s', (version, admin) => {
  beforeEach(async () => {
    db = await freshDatabase(admin())
  })

  test('000: telemetry tables, the PELTON default and hpp_status in the realtime publication', async () => {
    const all = ['20260101000000_assets', '20260123_sovereign_memory']
    await forward(db, '000', all, 2)
    expect(await db.query("SELECT tablename FROM pg_publication_tables WHERE pubname = 'supabase_realtime'")).toEqual([{ tablename: 'hpp_status' }])

    const back = await step(db, '000', { mode: 'rollback' })
    expectOk(back)
    expect(JSON.parse(back.run.outputs['rolled-back'] ?? '')).toEqual(['20260123_sovereign_memory'])
    expect(await exists(db, 'public.hpp_status')).toBe(false)
    expect(await exists(db, 'public.assets')).toBe(true)
    expect(await db.query("SELECT count(*)::int AS n FROM pg_publication_tables WHERE pubname = 'supabase_realtime'")).toEqual([{ n: 0 }])
    expect(await history(db)).toEqual(['20260101000000_assets'])

    const again = await step(db, '000', { mode: 'apply' })
    expectOk(again)
    expect(again.report.applied).toEqual(['20260123_sovereign_memory'])
    expect(again.report.supabaseShim).toBe('nothing missing: created nothing')
    expectChecksPass(await step(db, '000', { mode: 'verify' }), 2)
  })

  test('004: the duplicate 004_ prefix, 005_..._rollback.sql and the storage buckets', async () => {
    const all = ['001_initial_schema', '002_add_templates', '003_add_feedback', '004_learning_privacy', '004_storage_buckets', '005_add_compressed_twin']
    await forward(db, '004', all, 2)
    expect(await db.query('SELECT id, file_size_limit::int AS limit FROM storage.buckets ORDER BY id')).toEqual([
      { id: 'assets', limit: 10485760 },
      { id: 'brands', limit: 52428800 }
    ])

    // The runbook's pooler URL (port 6543) is refused before connecting, with the session-pooler form.
    const pooler = await step(db, '004', { mode: 'apply', 'database-url': 'postgresql://postgres.abcdefghijklmnop:secret@aws-0-eu-west-1.pooler.supabase.com:6543/postgres' })
    expect(pooler.run.code).not.toBe(0)
    expect(pooler.report.error?.next).toContain('postgres://postgres.abcdefghijklmnop:***@aws-0-eu-west-1.pooler.supabase.com:5432/postgres')
    const shown = pooler.run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'))
    expect([...shown, pooler.run.summary].join('\n')).not.toContain('secret')

    const back = await step(db, '004', { mode: 'rollback', steps: '2' })
    expectOk(back)
    expect(JSON.parse(back.run.outputs['rolled-back'] ?? '')).toEqual(['005_add_compressed_twin', '004_storage_buckets'])
    expect(await db.query("SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'brands' AND column_name = 'compressed_twin'")).toEqual([{ n: 0 }])
    expect(await db.query('SELECT count(*)::int AS n FROM storage.buckets')).toEqual([{ n: 0 }])
    expect(await history(db)).toEqual(all.slice(0, 4))

    const again = await step(db, '004', { mode: 'apply' })
    expectOk(again)
    expect(again.report.applied).toEqual(['004_storage_buckets', '005_add_compressed_twin'])
    expectChecksPass(await step(db, '004', { mode: 'verify' }), 2)
  })

  if (version !== '17') return

  test('001: event sourcing, the position function, the materialized view and a data migration whose counts match', async () => {
    const all = ['00_existing_readings', '01_create_event_sourcing_tables', '02_create_position_calculation_function', '03_create_materialized_view', '04_migrate_data']
    await forward(db, '001', all, 3)
    expect(await db.query("SELECT count(*)::int AS n FROM public.token_events WHERE metadata->>'migrated_from' = 'electricity_readings'")).toEqual([{ n: 4 }])
    expect(await db.query('SELECT meter_position::int AS p FROM public.electricity_readings_v ORDER BY date')).toEqual([{ p: 100 }, { p: 70 }, { p: 120 }, { p: 75 }])

    // Rolling back to before phase 1 drops token_events, which holds rows: refused without the opt-in.
    const refused = await step(db, '001', { mode: 'rollback', 'to-version': '00' })
    expect(refused.run.code).toBe(1)
    expect(refused.report.status).toBe('blocked')
    expect(await history(db)).toEqual(all)

    const back = await step(db, '001', { mode: 'rollback', 'to-version': '00', 'allow-data-loss': 'true' })
    expectOk(back)
    expect(JSON.parse(back.run.outputs['rolled-back'] ?? '')).toEqual(all.slice(1).reverse())
    expect(await exists(db, 'public.token_events')).toBe(false)
    expect(await db.query('SELECT count(*)::int AS n FROM public.electricity_readings')).toEqual([{ n: 4 }])

    const again = await step(db, '001', { mode: 'apply' })
    expectOk(again)
    expect(again.report.applied).toEqual(all.slice(1))
    expectChecksPass(await step(db, '001', { mode: 'verify' }), 3)
  })

  test('002: seeds run before the migrations; mixed YYYY-MM-DD_ and YYYYMMDDhhmmss_ names; the roles fix; gen_random_uuid', async () => {
    // The initdb seeds are their own directory, applied first, with their own history table.
    const seeds = { 'migrations-dir': 'initdb', 'history-schema': 'pgshift_seeds' }
    await forward(db, '002', ['01_roles', '02_seed'], 1, seeds)

    // Ordered by the instants the names denote: 2025-01-15 comes before 2025-09-08.
    const all = ['20250115000000_service_catalog', '20250115_persona_agent_creation', '2025-09-08_geometry_bus', '2025-09-08_geometry_bus_rls', '2025-12-08_seed_work_items', '20260115_model_registry']
    await forward(db, '002', all, 2)
    expect(await db.query('SELECT count(*)::int AS n FROM pmoves_core.v_active_services')).toEqual([{ n: 3 }])

    // The newest two: seed_work_items holds rows, so its down needs the opt-in.
    const refused = await step(db, '002', { mode: 'rollback', steps: '2' })
    expect(refused.run.code).toBe(1)
    expect(refused.report.status).toBe('blocked')
    const back = await step(db, '002', { mode: 'rollback', steps: '2', 'allow-data-loss': 'true' })
    expectOk(back)
    expect(JSON.parse(back.run.outputs['rolled-back'] ?? '')).toEqual(['20260115_model_registry', '2025-12-08_seed_work_items'])
    expect(await exists(db, 'public.integration_work_items')).toBe(false)
    expect(await exists(db, 'public.studio_board')).toBe(true)

    const again = await step(db, '002', { mode: 'apply' })
    expectOk(again)
    expect(again.report.applied).toEqual(['2025-12-08_seed_work_items', '20260115_model_registry'])
    expectChecksPass(await step(db, '002', { mode: 'verify' }), 2)
    expect(await history(db, 'pgshift_seeds')).toEqual(['01_roles', '02_seed'])
  })

  test('003: conversations, messages, feedback and usage_metrics with RLS, FKs, triggers and materialized views', async () => {
    const all = ['001_create_tenants_table', '002_create_users_table', '003_create_conversations_table', '004_create_messages_table', '005_create_feedback_table', '006_create_usage_metrics_table']
    await forward(db, '003', all, 1)

    const back = await step(db, '003', { mode: 'rollback', steps: '4' })
    expectOk(back)
    expect(JSON.parse(back.run.outputs['rolled-back'] ?? '')).toEqual(all.slice(2).reverse())
    for (const t of ['conversations', 'messages', 'feedback', 'usage_metrics', 'message_feedback_summary']) expect(await exists(db, `public.${t}`)).toBe(false)
    expect(await db.query("SELECT count(*)::int AS n FROM pg_proc WHERE proname IN ('update_updated_at_column', 'update_conversation_timestamp', 'increment_usage_metrics')")).toEqual([{ n: 0 }])
    expect(await exists(db, 'public.tenants')).toBe(true)

    const again = await step(db, '003', { mode: 'apply' })
    expectOk(again)
    expect(again.report.applied).toEqual(all.slice(2))
    expectChecksPass(await step(db, '003', { mode: 'verify' }), 1)

    // Tenant isolation, as the runbook's step 6 tests it: a user sees only their tenant's rows.
    await db.query(`
      INSERT INTO public.tenants (id, name, slug) VALUES ('11111111-1111-4111-8111-111111111111', 'Tenant 1', 't1'), ('22222222-2222-4222-8222-222222222222', 'Tenant 2', 't2');
      INSERT INTO auth.users (id, email) VALUES ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'one@example.com'), ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'two@example.com');
      INSERT INTO public.users (id, tenant_id, email) VALUES ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '11111111-1111-4111-8111-111111111111', 'one@example.com'), ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '22222222-2222-4222-8222-222222222222', 'two@example.com');
      INSERT INTO public.conversations (tenant_id, user_id, title) VALUES ('11111111-1111-4111-8111-111111111111', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'mine'), ('22222222-2222-4222-8222-222222222222', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'theirs');`)
    const seen = await withClient(db.url, async (c) => {
      await c.query('BEGIN')
      await c.query(`SELECT set_config('request.jwt.claims', '{"sub":"aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa","role":"authenticated","app_metadata":{"tenant_id":"11111111-1111-4111-8111-111111111111"}}', true)`)
      await c.query('SET LOCAL ROLE authenticated')
      const { rows } = await c.query('SELECT title FROM public.conversations')
      await c.query('ROLLBACK')
      return rows
    })
    expect(seen).toEqual([{ title: 'mine' }])
  })
})
