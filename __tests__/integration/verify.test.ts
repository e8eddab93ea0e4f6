// mode: verify against a real Postgres: files against history, verify scripts
// (X.verify.sql, verify/X.sql, -- migrate:verify), the expected-schema
// comparison, and proof that it writes nothing.
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runPgshift } from '../../src/engine/run.js'
import type { RunReport, VerifyCheck } from '../../src/engine/report.js'
import { takeSnapshot } from '../../src/inspect/snapshot.js'
import { parseSettings } from '../../src/settings.js'
import { adminUrl, freshDatabase, withClient, type TestDatabase } from '../support/db.js'
import { addFile, makeWorkspace, recordingLogger } from '../support/workspace.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/verify/migrations/', import.meta.url))
const EXAMPLE = fileURLToPath(new URL('../../migrations-example/supabase/migrations/', import.meta.url))

/** Every .sql file under `dir`, keyed by its path relative to `dir`. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (name.endsWith('.sql')) out[relative(dir, p).split('\\').join('/')] = readFileSync(p, 'utf8')
    }
  }
  walk(dir)
  return out
}

let db: TestDatabase
const extra: TestDatabase[] = []
const roles: string[] = []
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
  for (const d of extra.splice(0)) await d.drop()
  for (const r of roles.splice(0)) await withClient(adminUrl(), (c) => c.query(`DROP ROLE IF EXISTS ${r}`))
})

async function another(): Promise<TestDatabase> {
  const d = await freshDatabase()
  extra.push(d)
  return d
}

function settings(ws: string, more: Record<string, string> = {}) {
  return parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', 'lock-timeout': '2s', ...more }, ws)
}
const run = (ws: string, more: Record<string, string> = {}) => runPgshift(settings(ws, more), { logger: recordingLogger() })
const verify = (ws: string, more: Record<string, string> = {}) => run(ws, { mode: 'verify', ...more })

async function applied(ws: string, more: Record<string, string> = {}): Promise<RunReport> {
  const r = await run(ws, more)
  expect(r.error).toBeUndefined()
  expect(r.status).toBe('success')
  return r
}

const failing = (r: RunReport): VerifyCheck[] => (r.checks ?? []).filter((c) => !c.ok)
const check = (r: RunReport, subject: string, file?: string) =>
  (r.checks ?? []).find((c) => c.subject === subject && (file === undefined || c.file === file))
const historyCount = async (d: TestDatabase = db) => Number((await d.query<{ n: string }>('SELECT count(*) AS n FROM pgshift.schema_history'))[0]?.n)
const snapshot = (d: TestDatabase = db) => withClient(d.url, (c) => takeSnapshot(c))
/** The 1-based line of the first line of `text` that starts with `prefix`. */
const lineOf = (text: string, prefix: string) => text.split('\n').findIndex((l) => l.startsWith(prefix)) + 1

describe('verify on a clean apply', () => {
  test('the fixtures: every file matches history and every verify script passes, in each convention', async () => {
    const ws = makeWorkspace(readTree(FIXTURES))
    await applied(ws)
    const report = await verify(ws)
    expect(failing(report)).toEqual([])
    expect(report.error).toBeUndefined()
    expect(report.status).toBe('success')
    expect(report.mode).toBe('verify')
    expect(report.applied).toEqual([])
    expect(report.pending).toEqual([])

    // Files against history: one passing check per file.
    const ids = ['001_tenants_conversations', '002_updated_at_and_summary', '003_turbines_hpp_status', '004_electricity_readings', '005_token_events']
    for (const id of ids) expect(check(report, id, `migrations/${id}.sql`)).toMatchObject({ ok: true, message: expect.stringMatching(/the file matches history/) })
    expect(report.migrations.map((m) => m.status)).toEqual(ids.map(() => 'already-applied'))

    // Verify scripts: X.verify.sql, Sqitch verify/X.sql, a dbmate -- migrate:verify section (same file as the up).
    // (History checks carry no line; script checks carry the line of their statement.)
    const scripts = (report.checks ?? []).filter((c) => c.line !== undefined)
    expect(scripts.map((c) => c.file).sort()).toEqual([
      'migrations/001_tenants_conversations.verify.sql',
      'migrations/003_turbines_hpp_status.sql',
      'migrations/005_token_events.verify.sql',
      'migrations/verify/002_updated_at_and_summary.sql'
    ])
    for (const c of scripts) expect(c).toMatchObject({ ok: true, line: expect.any(Number), message: expect.stringMatching(/ran read-only/) })
    const dbmate = scripts.find((c) => c.subject === '003_turbines_hpp_status')
    const text003 = readFileSync(join(FIXTURES, '003_turbines_hpp_status.sql'), 'utf8')
    expect(dbmate?.line).toBe(lineOf(text003, 'SELECT column_default'))
    expect(report.checks).toHaveLength(ids.length + 4)
    expect(report.nextStep).toMatch(/All 9 checks passed \(4 verify scripts\)/)
  })

  test('migrations-example/: every migration matches and every verify script passes', async () => {
    const ws = makeWorkspace(readTree(EXAMPLE))
    const apply = await applied(ws)
    expect(apply.applied).toHaveLength(8)
    const report = await verify(ws)
    expect(failing(report)).toEqual([])
    expect(report.status).toBe('success')
    const scripts = (report.checks ?? []).filter((c) => c.file?.includes('/verify/'))
    expect(scripts).toHaveLength(8)
    expect(scripts.every((c) => c.ok)).toBe(true)
  })

  test('a database never migrated: every file is pending, and verify creates nothing (not even the history table)', async () => {
    const ws = makeWorkspace(readTree(FIXTURES))
    const before = await snapshot()
    const report = await verify(ws)
    expect(report.status).toBe('failed')
    expect(report.checks).toHaveLength(5)
    expect(report.checks?.every((c) => !c.ok && c.message === 'pending: not applied yet')).toBe(true)
    expect(report.pending).toHaveLength(5)
    expect(report.nextStep).toMatch(/Not applied: 001_tenants_conversations, .*Run mode apply/)
    expect(await db.query(`SELECT to_regnamespace('pgshift') AS s`)).toEqual([{ s: null }])
    expect(await snapshot()).toEqual(before)
  })
})

describe('verify scripts', () => {
  test('a hand-dropped policy and a lost row fail the run, naming the file, the line and the row', async () => {
    const ws = makeWorkspace(readTree(FIXTURES))
    await applied(ws)
    await db.query('DROP POLICY messages_delete ON public.messages')
    await db.query(`DELETE FROM public.token_events WHERE id = (SELECT max(id) FROM public.token_events)`)
    const report = await verify(ws)
    expect(report.status).toBe('failed')

    const policies = check(report, '001_tenants_conversations', 'migrations/001_tenants_conversations.verify.sql')
    const text001 = readFileSync(join(FIXTURES, '001_tenants_conversations.verify.sql'), 'utf8')
    const line = lineOf(text001, 'SELECT count(p.policyname) = 4')
    expect(policies).toMatchObject({ ok: false, line })
    expect(policies?.message).toContain(`migrations/001_tenants_conversations.verify.sql:${line}: the statement at line ${line} returned a row whose first column (ok) is false: ok=false, tablename=messages, policies=3 (1 of 2 rows)`)

    expect(policies?.message).not.toMatch(/pg_trigger/) // the privilege hint is only for information_schema statements
    const counts = check(report, '005_token_events', 'migrations/005_token_events.verify.sql')
    expect(counts).toMatchObject({ ok: false, line: 3 })
    expect(counts?.message).toContain('ok=false, old_count=3, new_count=2')

    // Everything else still passes, and the next step names both scripts.
    expect(failing(report).map((c) => c.subject)).toEqual(['001_tenants_conversations', '005_token_events'])
    expect(report.nextStep).toContain(`Verify scripts failed: migrations/001_tenants_conversations.verify.sql:${line}, migrations/005_token_events.verify.sql:3`)
  })

  test('an erroring script gives the SQLSTATE and file:line:col; NULL fails; writes and transaction tricks are refused', async () => {
    const ws = makeWorkspace({
      '001_a.sql': 'CREATE TABLE a (id int PRIMARY KEY, label text);\nINSERT INTO a VALUES (1, NULL);\n',
      '001_a.verify.sql': '-- first a passing statement, then an error\nSELECT true AS ok;\n\nSELECT count(*) > 0 AS ok\n  FROM a WHERE nope = 1;\n',
      '002_b.sql': 'CREATE TABLE b (id int);\n',
      '002_b.verify.sql': '-- a NULL first column fails, like false\nSELECT (SELECT label FROM a WHERE id = 1) = \'x\' AS ok, 1 AS id;\n',
      '003_c.sql': 'CREATE TABLE c (id int);\n',
      '003_c.verify.sql': 'INSERT INTO c VALUES (1);\n',
      '004_d.sql': 'CREATE TABLE d (id int);\n',
      '004_d.verify.sql': 'SET TRANSACTION READ WRITE;\nCREATE TABLE sneaky (id int);\n',
      '005_e.sql': 'CREATE TABLE e (id int);\n',
      // An outer BEGIN/COMMIT wrapper is stripped; SET LOCAL and several statements give an array of results.
      '005_e.verify.sql': "BEGIN;\nSET LOCAL search_path = public;\nSELECT to_regclass('e') IS NOT NULL AS ok;\nSELECT 1 WHERE false;\nCOMMIT;\n",
      '006_f.sql': 'CREATE TABLE f (id int);\n',
      '006_f.verify.sql': 'SELECT pg_sleep(5) IS NOT NULL AS ok;\n'
    })
    await applied(ws)
    const report = await verify(ws, { 'statement-timeout': '300ms' })
    expect(report.status).toBe('failed')

    const err = check(report, '001_a', 'migrations/001_a.verify.sql')
    expect(err).toMatchObject({ ok: false, line: 5 })
    expect(err?.error).toMatchObject({ file: 'migrations/001_a.verify.sql', sqlstate: '42703', position: { line: 5, col: 16 } })
    expect(err?.message).toBe('migrations/001_a.verify.sql:5:16: 42703 column "nope" does not exist')

    expect(check(report, '002_b', 'migrations/002_b.verify.sql')?.message).toContain('first column (ok) is NULL: ok=NULL, id=1')

    const write = check(report, '003_c', 'migrations/003_c.verify.sql')
    expect(write?.error).toMatchObject({ sqlstate: '25006', position: { line: 1 } })
    expect(write?.error?.next).toMatch(/must not write/)

    const trick = check(report, '004_d', 'migrations/004_d.verify.sql')
    expect(trick?.error).toMatchObject({ sqlstate: '25001', position: { line: 1 } })
    expect(await db.query(`SELECT to_regclass('public.sneaky') AS t`)).toEqual([{ t: null }])
    expect(await db.query('SELECT count(*)::int AS n FROM c')).toEqual([{ n: 0 }])

    expect(check(report, '005_e', 'migrations/005_e.verify.sql')).toMatchObject({ ok: true, message: expect.stringMatching(/3 statements ran read-only; 1 row/) })

    const slow = check(report, '006_f', 'migrations/006_f.verify.sql')
    expect(slow?.error).toMatchObject({ sqlstate: '57014' })

    expect(failing(report).map((c) => c.subject)).toEqual(['001_a', '002_b', '003_c', '004_d', '006_f'])
  })
})

describe('files against history', () => {
  test('drift, a missing file and a pending file are failing checks; allow-drift and allow-missing accept theirs', async () => {
    const ws = makeWorkspace(readTree(FIXTURES))
    await applied(ws)
    addFile(ws, '004_electricity_readings.sql', `${readFileSync(join(FIXTURES, '004_electricity_readings.sql'), 'utf8')}-- edited after it ran\n`)
    rmSync(join(ws, 'migrations', '002_updated_at_and_summary.sql'))
    rmSync(join(ws, 'migrations', 'verify', '002_updated_at_and_summary.sql'))
    addFile(ws, '006_later.sql', 'CREATE TABLE later (id int);\n')
    const before = await historyCount()

    const report = await verify(ws)
    expect(report.status).toBe('failed')
    expect(check(report, '004_electricity_readings')).toMatchObject({ ok: false, file: 'migrations/004_electricity_readings.sql', message: expect.stringMatching(/^drift: the file was edited after it was applied/) })
    expect(check(report, '002_updated_at_and_summary')).toMatchObject({ ok: false, message: expect.stringMatching(/^missing: recorded in history .* from migrations\/002_updated_at_and_summary.sql/) })
    expect(check(report, '006_later')).toMatchObject({ ok: false, message: 'pending: not applied yet' })
    expect(failing(report).map((c) => c.subject).sort()).toEqual(['002_updated_at_and_summary', '004_electricity_readings', '006_later'])
    expect(report.plan.drifted).toEqual(['004_electricity_readings'])
    expect(report.plan.missing).toEqual(['002_updated_at_and_summary'])
    expect(report.pending).toEqual(['006_later'])
    expect(report.nextStep).toMatch(/Edited after they were applied: 004_electricity_readings\. Revert the edits .* allow-drift: true/)
    expect(report.nextStep).toMatch(/In history without a file: 002_updated_at_and_summary\. .*allow-missing: true/)
    expect(report.nextStep).toMatch(/Not applied: 006_later/)
    expect(await historyCount()).toBe(before)

    rmSync(join(ws, 'migrations', '006_later.sql'))
    const accepted = await verify(ws, { 'allow-drift': 'true', 'allow-missing': 'true' })
    expect(failing(accepted)).toEqual([])
    expect(accepted.status).toBe('success')
    expect(check(accepted, '004_electricity_readings')?.message).toMatch(/accepted by allow-drift/)
  })

  test('an out-of-order file fails as out of order; with allow-out-of-order it is a pending file, as apply treats it, and the next step is apply', async () => {
    const ws = makeWorkspace({ '001_a.sql': 'SELECT 1;\n', '003_c.sql': 'SELECT 3;\n' })
    await applied(ws)
    addFile(ws, '002_b.sql', 'SELECT 2;\n')

    // Without the input apply refuses 002_b, so running apply is not the next step: renaming it, or the input, is.
    const strict = await verify(ws)
    expect(strict.status).toBe('failed')
    expect(check(strict, '002_b')).toMatchObject({ ok: false, message: expect.stringMatching(/^out of order: not applied, and it sorts before the newest applied migration/) })
    expect(strict.nextStep).toMatch(/Sort before the newest applied migration \(003_c\): 002_b\. apply refuses them: rename them to sort after it, or set allow-out-of-order: true\./)
    expect(strict.nextStep).not.toMatch(/Not applied/)

    // With it, apply would run 002_b: verify reports it as pending (not yet applied, so still a failed check), never as out of order.
    const allowed = await verify(ws, { 'allow-out-of-order': 'true' })
    expect(allowed.status).toBe('failed')
    expect(check(allowed, '002_b')).toMatchObject({
      ok: false,
      message: 'pending: not applied yet (sorts before 003_c, the newest applied migration; accepted by allow-out-of-order)'
    })
    expect(allowed.nextStep).toMatch(/Not applied: 002_b\. Run mode apply/)
    expect(allowed.nextStep).not.toMatch(/out of order|Sort before/i)

    // After apply with the input, verify passes.
    await applied(ws, { 'allow-out-of-order': 'true' })
    const after = await verify(ws, { 'allow-out-of-order': 'true' })
    expect(failing(after)).toEqual([])
    expect(after.status).toBe('success')
  })
})

describe('expected-database-url', () => {
  test('a clean apply has no differences', async () => {
    const ws = makeWorkspace(readTree(FIXTURES))
    await applied(ws)
    const expected = await another()
    const report = await verify(ws, { 'expected-database-url': expected.url })
    expect(failing(report)).toEqual([])
    expect(report.status).toBe('success')
    expect(report.schemaDiff).toEqual([{ title: 'live database vs the schema the files build', differences: [] }])
    expect(check(report, 'schema')?.message).toMatch(/matches the schema 5 migrations build/)
    // The expected database was built by the engine, with its own history.
    expect(await historyCount(expected)).toBe(5)
  })

  test('after a rollback (its record in pgshift.schema_history_rollbacks) and a re-apply, still no differences', async () => {
    const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n', '002_b.sql': 'CREATE TABLE b (id int);\n', '002_b.down.sql': 'DROP TABLE b;\n' })
    await applied(ws)
    expect((await run(ws, { mode: 'rollback', steps: '1' })).status).toBe('success')
    expect(await db.query(`SELECT count(*)::int AS n FROM pgshift.schema_history_rollbacks`)).toEqual([{ n: 1 }])
    await applied(ws)
    const expected = await another()
    const report = await verify(ws, { 'expected-database-url': expected.url })
    expect(report.schemaDiff).toEqual([{ title: 'live database vs the schema the files build', differences: [] }])
    expect(report.status).toBe('success')
  })

  test('a hand-dropped index and a hand-added column are reported as differences', async () => {
    const ws = makeWorkspace(readTree(FIXTURES))
    await applied(ws)
    await db.query('DROP INDEX public.idx_conversations_tenant_updated')
    await db.query('ALTER TABLE public.tenants ADD COLUMN billing_plan text')
    const expected = await another()
    const report = await verify(ws, { 'expected-database-url': expected.url })
    expect(report.status).toBe('failed')
    const diff = report.schemaDiff?.[0]
    expect(diff?.title).toBe('live database vs the schema the files build')
    expect(diff?.differences).toEqual(
      expect.arrayContaining([
        { object: 'index public.idx_conversations_tenant_updated', change: 'removed' },
        { object: 'column public.tenants.billing_plan', change: 'added' }
      ])
    )
    const schema = failing(report).filter((c) => c.subject === 'schema')
    expect(schema).toHaveLength(diff?.differences.length ?? -1)
    expect(schema.map((c) => c.message)).toEqual(
      expect.arrayContaining([
        'index public.idx_conversations_tenant_updated: the files create it, but the live database does not have it',
        'column public.tenants.billing_plan: in the live database, but the files do not create it'
      ])
    )
    expect(report.nextStep).toMatch(/The live schema differs from the schema the files build \(\d+ differences\): a hand-made change in production\? Write a migration/)
  })

  test('refuses to build on the live database or on a database that is not empty, and applies nothing there', async () => {
    const ws = makeWorkspace(readTree(FIXTURES))
    await applied(ws)
    const same = await verify(ws, { 'expected-database-url': db.url })
    expect(check(same, 'schema')).toMatchObject({ ok: false, message: expect.stringMatching(/points at the database being verified/) })
    expect(same.status).toBe('failed')

    const busy = await another()
    await busy.query('CREATE TABLE public.something (id int)')
    const refused = await verify(ws, { 'expected-database-url': busy.url })
    expect(check(refused, 'schema')).toMatchObject({ ok: false, message: expect.stringMatching(/must point to an empty database, but it holds 1 relation in schema public/) })
    expect(await busy.query(`SELECT to_regnamespace('pgshift') AS s`)).toEqual([{ s: null }])
  })

  test('a file that fails on the expected database is a failing check with its error', async () => {
    const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' })
    await applied(ws)
    addFile(ws, '002_b.sql', 'CREATE TABLE b (id int);\n\nCREATE INDEX b_idx ON b (nope);\n')
    const expected = await another()
    const report = await verify(ws, { 'expected-database-url': expected.url })
    expect(report.status).toBe('failed')
    expect(check(report, 'schema')).toMatchObject({ ok: false, file: 'migrations/002_b.sql', line: 3, error: { sqlstate: '42703' } })
    expect(check(report, 'schema')?.message).toMatch(/^building the expected schema on .* failed at migrations\/002_b.sql:3:\d+: 42703/)
  })
})

describe('verify writes nothing', () => {
  test('it succeeds as a role that can only read, and the schema and history are unchanged', async () => {
    const role = `ro_${randomBytes(4).toString('hex')}`
    roles.push(role)
    await withClient(adminUrl(), (c) => c.query(`CREATE ROLE ${role} LOGIN PASSWORD 'read-only-pw'`))
    const expected = await another()
    // The same grants on both databases, so the comparison sees equal privileges.
    const grants = `GRANT CONNECT ON DATABASE %DB% TO ${role};
      GRANT USAGE ON SCHEMA public TO ${role};
      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO ${role};`
    await db.query(grants.replace('%DB%', db.name))
    await expected.query(grants.replace('%DB%', expected.name))

    // Verify scripts written for a read-only role: pg_trigger and pg_constraint, not the
    // information_schema views that hide objects from roles with only SELECT.
    const ws = makeWorkspace({
      '001_accounts.sql': `CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL DEFAULT '', updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id));
CREATE INDEX orders_account_idx ON orders (account_id);
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY orders_read ON orders FOR SELECT USING (true);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.updated_at = now(); RETURN NEW; END$$;
CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();
INSERT INTO accounts (id, email) VALUES (1, 'a@example.com'), (2, 'b@example.com');
`,
      '001_accounts.verify.sql': `SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'accounts_touch' AND tgrelid = 'public.accounts'::regclass) AS ok;
SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f' AND conrelid = 'public.orders'::regclass) AS ok;
SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = 'public' AND indexname = 'orders_account_idx') AS ok;
SELECT relrowsecurity AS ok FROM pg_class WHERE oid = 'public.orders'::regclass;
SELECT count(*) = 1 AS ok FROM pg_policies WHERE schemaname = 'public' AND tablename = 'orders';
SELECT column_default = '''''::text' AS ok FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'accounts' AND column_name = 'email';
SELECT count(*) = 2 AS ok FROM accounts;
`
    })
    await applied(ws)
    await db.query(`GRANT USAGE ON SCHEMA pgshift TO ${role}; GRANT SELECT ON ALL TABLES IN SCHEMA pgshift TO ${role};`)

    const before = { snapshot: await snapshot(), history: await db.query('SELECT * FROM pgshift.schema_history ORDER BY identity') }
    const url = new URL(db.url)
    url.username = role
    url.password = 'read-only-pw'
    const report = await runPgshift(
      parseSettings({ 'database-url': url.toString(), mode: 'verify', 'migrations-dir': 'migrations', 'expected-database-url': expected.url }, ws),
      { logger: recordingLogger() }
    )
    expect(failing(report)).toEqual([])
    expect(report.error).toBeUndefined()
    expect(report.status).toBe('success')
    expect(report.checks?.map((c) => c.subject)).toEqual(['001_accounts', '001_accounts', 'schema'])
    expect(report.schemaDiff?.[0]?.differences).toEqual([])

    // The role really cannot write: any write verify attempted would have failed the run.
    await expect(withClient(url.toString(), (c) => c.query('INSERT INTO accounts (id) VALUES (3)'))).rejects.toMatchObject({ code: '42501' })
    await expect(withClient(url.toString(), (c) => c.query('CREATE TABLE public.x (id int)'))).rejects.toMatchObject({ code: '42501' })
    expect(await snapshot()).toEqual(before.snapshot)
    expect(await db.query('SELECT * FROM pgshift.schema_history ORDER BY identity')).toEqual(before.history)
  })

  test('information_schema views that hide objects from a SELECT-only role get a hint in the failure', async () => {
    const role = `ro_${randomBytes(4).toString('hex')}`
    roles.push(role)
    await withClient(adminUrl(), (c) => c.query(`CREATE ROLE ${role} LOGIN PASSWORD 'read-only-pw'`))
    const ws = makeWorkspace(readTree(FIXTURES))
    await applied(ws)
    await db.query(`GRANT CONNECT ON DATABASE ${db.name} TO ${role}; GRANT USAGE ON SCHEMA public, pgshift TO ${role};
      GRANT SELECT ON ALL TABLES IN SCHEMA public, pgshift TO ${role};`)
    const before = await historyCount()
    const url = new URL(db.url)
    url.username = role
    url.password = 'read-only-pw'
    const report = await runPgshift(parseSettings({ 'database-url': url.toString(), mode: 'verify', 'migrations-dir': 'migrations' }, ws), { logger: recordingLogger() })
    // information_schema.table_constraints (FKs) and .triggers show nothing to this role.
    expect(failing(report).map((c) => c.file)).toEqual(['migrations/001_tenants_conversations.verify.sql', 'migrations/verify/002_updated_at_and_summary.sql'])
    for (const c of failing(report)) expect(c.message).toMatch(/query pg_trigger \/ pg_constraint instead/)
    expect(await historyCount()).toBe(before)
  })
})

test('the fixtures cover every kind of runbook check', () => {
  const all = Object.values(readTree(FIXTURES)).join('\n')
  for (const source of [
    'information_schema.tables',
    'pg_indexes',
    'information_schema.table_constraints',
    'information_schema.triggers',
    'pg_matviews',
    'relrowsecurity',
    'pg_policies',
    'column_default',
    'pg_publication_tables',
    '-- migrate:verify'
  ]) {
    expect(all).toContain(source)
  }
  expect(all).toMatch(/SELECT \(SELECT count\(\*\) FROM public\.electricity_readings\)\s+= \(SELECT count\(\*\) FROM public\.token_events/)
})
