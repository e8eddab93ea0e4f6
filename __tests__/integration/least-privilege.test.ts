// Issue 14 item 7: a least-privilege login role. It has no CREATE on the database
// (and none on the public schema, as on Postgres 15+); it owns the schemas it
// migrates and an existing history schema. pgshift must never send a statement
// that needs more than that: CREATE SCHEMA IF NOT EXISTS checks the database's
// CREATE privilege before it checks existence.
import { randomBytes } from 'node:crypto'
import { createHistorySql } from '../../src/db/history.js'
import { createRollbackLogSql } from '../../src/db/rollback-log.js'
import { runPgshift } from '../../src/engine/run.js'
import { parseSettings } from '../../src/settings.js'
import { freshDatabase, withClient, type TestDatabase } from '../support/db.js'
import { addFile, makeWorkspace, recordingLogger } from '../support/workspace.js'

let db: TestDatabase
let role: string
const PW = 'least-privilege-pw'

beforeEach(async () => {
  db = await freshDatabase()
  role = `lp_${randomBytes(4).toString('hex')}`
  await db.query(`CREATE ROLE ${role} LOGIN PASSWORD '${PW}' NOSUPERUSER NOCREATEDB NOCREATEROLE`)
  // Postgres grants CONNECT and TEMP on a database to PUBLIC, never CREATE; say it anyway.
  await db.query(`REVOKE CREATE ON DATABASE ${db.name} FROM PUBLIC, ${role}`)
  await db.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`)
  // The schema the migrations build in.
  await db.query(`CREATE SCHEMA app AUTHORIZATION ${role}`)
})
afterEach(async () => {
  await db.drop()
  await withClient(adminUrlOf(db.url), (c) => c.query(`DROP ROLE IF EXISTS ${role}`))
})

function adminUrlOf(url: string): string {
  const u = new URL(url)
  u.pathname = '/postgres'
  return u.toString()
}
function roleUrl(): string {
  const u = new URL(db.url)
  u.username = role
  u.password = PW
  return u.toString()
}

const FILES = {
  '001_accounts.up.sql': 'CREATE TABLE app.accounts (id bigint PRIMARY KEY);\n',
  '001_accounts.down.sql': 'DROP TABLE app.accounts;\n',
  '002_ledger.up.sql': 'CREATE TABLE app.ledger (id bigint PRIMARY KEY, account bigint REFERENCES app.accounts);\n',
  '002_ledger.down.sql': 'DROP TABLE app.ledger;\n'
}
const run = (ws: string, extra: Record<string, string> = {}) =>
  runPgshift(parseSettings({ 'database-url': roleUrl(), mode: 'apply', 'migrations-dir': 'migrations', 'lock-timeout': '2s', ...extra }, ws), { logger: recordingLogger() })
const history = async () => (await db.query<{ identity: string }>('SELECT identity FROM pgshift.schema_history ORDER BY identity')).map((r) => r.identity)
const tables = async (schema = 'app') => (await db.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema])).map((r) => r.t)

test('the role cannot create a schema: the premise of the tests below', async () => {
  await expect(withClient(roleUrl(), (c) => c.query('CREATE SCHEMA IF NOT EXISTS app'))).rejects.toThrow(/permission denied for database/)
})

test('an existing history schema the role owns, without the table: dry-run, apply, rerun, rollback', async () => {
  await db.query(`CREATE SCHEMA pgshift AUTHORIZATION ${role}`)
  const ws = makeWorkspace(FILES)

  const preview = await run(ws, { mode: 'dry-run' })
  expect(preview.error).toBeUndefined()
  expect(preview.status).toBe('success')
  expect(await tables('pgshift')).toEqual([])

  const first = await run(ws)
  expect(first.error).toBeUndefined()
  expect(first.status).toBe('success')
  expect(first.applied).toEqual(['001_accounts', '002_ledger'])
  expect(await history()).toEqual(['001_accounts', '002_ledger'])
  expect((await db.query<{ o: string }>(`SELECT tableowner AS o FROM pg_tables WHERE schemaname = 'pgshift'`))[0]?.o).toBe(role)

  const again = await run(ws)
  expect(again.error).toBeUndefined()
  expect(again.status).toBe('nothing-to-do')

  const back = await run(ws, { mode: 'rollback', steps: '1' })
  expect(back.error).toBeUndefined()
  expect(back.status).toBe('success')
  expect(back.rolledBack).toEqual(['002_ledger'])
  expect(await history()).toEqual(['001_accounts'])
  expect(await tables()).toEqual(['accounts'])
  // History's record of the rollback: created by the role in the schema it owns, written with the down.
  expect(await tables('pgshift')).toEqual(['schema_history', 'schema_history_rollbacks'])
  expect(await db.query(`SELECT identity, down_script FROM pgshift.schema_history_rollbacks`)).toEqual([{ identity: '002_ledger', down_script: 'migrations/002_ledger.down.sql' }])

  const verify = await run(ws, { mode: 'verify' })
  expect(verify.checks?.filter((c) => !c.ok).map((c) => c.subject)).toEqual(['002_ledger'])
})

test('an existing history schema and table, owned by the role: a new migration applies, rerun, rollback', async () => {
  const ws = makeWorkspace({ '001_accounts.up.sql': FILES['001_accounts.up.sql'], '001_accounts.down.sql': FILES['001_accounts.down.sql'] })
  // The first deploy ran as the owner; the role then took the schema and its table over.
  const owner = await runPgshift(parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations' }, ws), { logger: recordingLogger() })
  expect(owner.status).toBe('success')
  await db.query(`ALTER SCHEMA pgshift OWNER TO ${role}; ALTER TABLE pgshift.schema_history OWNER TO ${role}; ALTER TABLE app.accounts OWNER TO ${role}`)

  addFile(ws, '002_ledger.up.sql', FILES['002_ledger.up.sql'])
  addFile(ws, '002_ledger.down.sql', FILES['002_ledger.down.sql'])
  const plan = await run(ws, { mode: 'plan' })
  expect(plan.pending).toEqual(['002_ledger'])
  const applied = await run(ws)
  expect(applied.error).toBeUndefined()
  expect(applied.applied).toEqual(['002_ledger'])
  expect((await run(ws)).status).toBe('nothing-to-do')
  const back = await run(ws, { mode: 'rollback', steps: '2' })
  expect(back.error).toBeUndefined()
  expect(back.rolledBack).toEqual(['002_ledger', '001_accounts'])
  expect(await history()).toEqual([])
  expect(await tables()).toEqual([])
})

test('a history table owned by another role, with only the rights it needs (no CREATE anywhere): apply and rollback', async () => {
  const ws = makeWorkspace(FILES)
  // An administrator prepared pgshift's schema and table and granted the role what writing history needs.
  await db.query(`CREATE SCHEMA pgshift`)
  await db.query(createHistorySql('pgshift', { schema: true, table: false }))
  await db.query(`GRANT USAGE ON SCHEMA pgshift TO ${role}; GRANT SELECT, INSERT, UPDATE, DELETE ON pgshift.schema_history TO ${role}`)

  const first = await run(ws)
  expect(first.error).toBeUndefined()
  expect(first.applied).toEqual(['001_accounts', '002_ledger'])
  expect((await run(ws)).status).toBe('nothing-to-do')
  const back = await run(ws, { mode: 'rollback', steps: '1' })
  expect(back.error).toBeUndefined()
  expect(await history()).toEqual(['001_accounts'])
  // No CREATE on the schema: the rollback goes without its record rather than failing for it.
  expect(await tables('pgshift')).toEqual(['schema_history'])
  // An administrator who creates the log but grants nothing on it: still no failure, still no record.
  await db.query(createRollbackLogSql('pgshift'))
  const back2 = await run(ws, { mode: 'rollback', steps: '1' })
  expect(back2.error).toBeUndefined()
  expect(await history()).toEqual([])
  expect(await db.query('SELECT FROM pgshift.schema_history_rollbacks')).toEqual([])
})

test('a missing history schema: the error names the privilege and the fix, and nothing changes', async () => {
  const ws = makeWorkspace(FILES)
  for (const mode of ['apply', 'dry-run']) {
    const r = await run(ws, { mode })
    expect(r.status).toBe('failed')
    expect(r.error?.sqlstate).toBe('42501')
    expect(r.error?.message).toMatch(/the history schema "pgshift" does not exist, and creating it needs the CREATE privilege on the database/)
    expect(r.error?.next).toContain(`CREATE SCHEMA "pgshift" AUTHORIZATION "${role}";`)
    expect(r.error?.next).toContain(`GRANT CREATE ON DATABASE "${db.name}" TO "${role}";`)
    expect(r.nextStep).toBe(r.error?.next)
  }
  expect(await tables()).toEqual([])
  expect((await db.query(`SELECT FROM pg_namespace WHERE nspname = 'pgshift'`)).length).toBe(0)

  // The fix, as the advice says it: then the role applies.
  await db.query(`CREATE SCHEMA "pgshift" AUTHORIZATION ${role}`)
  expect((await run(ws)).applied).toEqual(['001_accounts', '002_ledger'])
})

test('a history schema the role may use but not create in: the error names CREATE on the schema', async () => {
  await db.query(`CREATE SCHEMA pgshift; GRANT USAGE ON SCHEMA pgshift TO ${role}`)
  const r = await run(makeWorkspace(FILES))
  expect(r.status).toBe('failed')
  expect(r.error?.message).toMatch(/the history table "pgshift"."schema_history" does not exist, and creating it needs the CREATE privilege on schema "pgshift"/)
  expect(r.error?.next).toContain(`GRANT USAGE, CREATE ON SCHEMA "pgshift" TO "${role}";`)
  expect(await tables()).toEqual([])
})

test('a history schema the role may not use (no USAGE): every mode names the schema, the role and the GRANT, and nothing changes', async () => {
  // Another role keeps the history; the login role was never granted USAGE on its schema.
  const ws = makeWorkspace(FILES)
  expect((await runPgshift(parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations' }, ws), { logger: recordingLogger() })).status).toBe('success')
  await db.query(`DROP TABLE app.ledger, app.accounts`)
  await db.query(`DELETE FROM pgshift.schema_history`)
  for (const mode of ['plan', 'dry-run', 'apply', 'verify', 'rollback']) {
    const r = await run(ws, { mode, steps: mode === 'rollback' ? '1' : '' })
    expect(r.status).toBe('failed')
    expect(r.error?.sqlstate).toBe('42501')
    expect(r.error?.message).not.toMatch(/^permission denied for schema pgshift$/)
    expect(r.error?.message).toContain(`the login role "${role}" may not use the history schema "pgshift" (no USAGE privilege)`)
    expect(r.error?.next).toContain(`GRANT USAGE ON SCHEMA "pgshift" TO "${role}";`)
    expect(r.error?.next).toContain(`GRANT SELECT, INSERT, UPDATE, DELETE ON "pgshift"."schema_history" TO "${role}";`)
    expect(r.nextStep).toBe(r.error?.next)
  }
  expect(await tables()).toEqual([])
  expect(await history()).toEqual([])

  // USAGE alone: the table is still closed to the role, and the advice says only what is missing.
  await db.query(`GRANT USAGE ON SCHEMA pgshift TO ${role}`)
  const r = await run(ws, { mode: 'plan' })
  expect(r.error?.sqlstate).toBe('42501')
  expect(r.error?.message).toContain(`the login role "${role}" may not read the history table "pgshift"."schema_history" (no SELECT privilege)`)
  expect(r.error?.next).not.toContain('GRANT USAGE')
  expect(r.error?.next).toContain(`GRANT SELECT, INSERT, UPDATE, DELETE ON "pgshift"."schema_history" TO "${role}";`)

  // The fix, as the advice says it: then the role applies.
  await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON "pgshift"."schema_history" TO "${role}"`)
  const applied = await run(ws)
  expect(applied.error).toBeUndefined()
  expect(applied.applied).toEqual(['001_accounts', '002_ledger'])
})

test("the Supabase CLI's history: an existing supabase_migrations schema the role owns is not created again", async () => {
  await db.query(`CREATE SCHEMA pgshift AUTHORIZATION ${role}; CREATE SCHEMA supabase_migrations AUTHORIZATION ${role}`)
  const ws = makeWorkspace({ '20240101000000_accounts.sql': 'CREATE TABLE app.accounts (id bigint PRIMARY KEY);\n' })
  for (const mode of ['dry-run', 'apply']) {
    const r = await run(ws, { mode, history: 'supabase' })
    expect(r.error).toBeUndefined()
    expect(r.status).toBe('success')
  }
  expect(await db.query('SELECT version, name FROM supabase_migrations.schema_migrations')).toEqual([{ version: '20240101000000', name: 'accounts' }])
  expect((await run(ws, { history: 'supabase' })).status).toBe('nothing-to-do')
})

test('supabase-shim as a role that is not a superuser: the error says so, and history stays as it was', async () => {
  await db.query(`CREATE SCHEMA pgshift AUTHORIZATION ${role}`)
  const ws = makeWorkspace({ '20240101000000_accounts.sql': 'create table app.accounts (id bigint primary key);\n' })
  expect((await run(ws)).status).toBe('success')
  addFile(ws, '20240101000100_more.sql', 'create table app.more (id bigint primary key);\n')
  const r = await run(ws, { 'supabase-shim': 'true', lint: 'off' })
  expect(r.status).toBe('failed')
  expect(r.error?.sqlstate).toBe('42501')
  expect(r.error?.next).toMatch(/The login role is not a superuser, and the shim creates roles, schemas and extensions/)
  expect(r.supabaseShim).toMatch(/^failed, and its transaction rolled back: created nothing/)
  expect(r.migrations.map((m) => m.status)).toEqual(['already-applied', 'pending'])
  expect(await tables()).toEqual(['accounts'])
})
