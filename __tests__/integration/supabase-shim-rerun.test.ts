// Issue 14 item 6: supabase-shim is idempotent across runs. A migration set that
// brings its own Supabase stand-in (its own auth.users) applies, applies again with
// nothing to do, and then applies only a new migration. The shim decides from the
// catalogs and from every migration file, applied ones included; when it fails, the
// report keeps what history holds and says nothing was created.
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

const run = (ws: string, extra: Record<string, string> = {}) =>
  runPgshift(parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', 'supabase-shim': 'true', lint: 'off', ...extra }, ws), { logger: recordingLogger() })
const columns = async (table: string) => (await db.query<{ c: string }>(`SELECT attname AS c FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, [table])).map((r) => r.c)

// Its own stand-in for Supabase's auth: two columns, no auth.identities.
const OWN_AUTH = {
  '20240101000000_auth_standin.sql': 'create schema auth;\ncreate table auth.users (id uuid primary key, email text);\n',
  '20240101000100_profiles.sql':
    'create table public.profiles (id uuid primary key references auth.users (id), name text);\nalter table public.profiles enable row level security;\ngrant select on public.profiles to anon;\n'
}

test('a set with its own auth.users: apply, apply again (nothing to do), add one migration, apply only it', async () => {
  const ws = makeWorkspace(OWN_AUTH)
  const first = await run(ws)
  expect(first.error).toBeUndefined()
  expect(first.status).toBe('success')
  expect(first.applied).toEqual(['20240101000000_auth_standin', '20240101000100_profiles'])
  expect(first.supabaseShim).toMatch(/stepped aside for what the migrations create themselves: schema auth \(migrations\/20240101000000_auth_standin\.sql:1:1\)/)
  // The migrations' auth.users, untouched; the shim made the roles.
  expect(await columns('auth.users')).toEqual(['id', 'email'])
  expect(await db.query(`SELECT to_regclass('auth.identities') AS t`)).toEqual([{ t: null }])

  const again = await run(ws)
  expect(again.error).toBeUndefined()
  expect(again.status).toBe('nothing-to-do')
  expect(again.pending).toEqual([])
  expect(again.migrations.map((m) => m.status)).toEqual(['already-applied', 'already-applied'])
  expect(again.supabaseShim).toMatch(/^nothing missing: created nothing; stepped aside for .*schema auth \(migrations\/20240101000000_auth_standin\.sql:1:1\)/)
  expect(await db.query(`SELECT to_regclass('auth.identities') AS t`)).toEqual([{ t: null }])

  addFile(ws, '20240101000200_posts.sql', 'create table public.posts (id bigint primary key, author uuid references auth.users (id));\n')
  const third = await run(ws)
  expect(third.error).toBeUndefined()
  expect(third.status).toBe('success')
  expect(third.applied).toEqual(['20240101000200_posts'])
  expect(third.migrations.map((m) => m.status)).toEqual(['already-applied', 'already-applied', 'applied'])

  // dry-run and plan on the applied set: nothing to do, no shim error either.
  for (const mode of ['plan', 'dry-run']) {
    const r = await run(ws, { mode })
    expect(r.error).toBeUndefined()
    expect(r.status).toBe('nothing-to-do')
  }
})

test('auth.users made outside the migration files: the shim steps aside for the tables and still adds auth.uid()', async () => {
  await db.query('create schema auth; create table auth.users (id uuid primary key)')
  const ws = makeWorkspace({ '20240101000000_notes.sql': 'create table public.notes (id bigint primary key, owner uuid default auth.uid() references auth.users (id));\n' })
  for (const expected of ['success', 'nothing-to-do']) {
    const r = await run(ws)
    expect(r.error).toBeUndefined()
    expect(r.status).toBe(expected)
    expect(r.supabaseShim).toContain('schema auth (auth.users exists in the database, not made by the shim)')
  }
  expect(await columns('auth.users')).toEqual(['id'])
  expect(await db.query(`SELECT to_regprocedure('auth.uid()')::text AS f`)).toEqual([{ f: 'auth.uid()' }])
})

test('a shim failure keeps applied migrations applied, reports nothing created, and points at the migration that made the object', async () => {
  // Applied without the shim: a migration made its own extensions schema with a function pgcrypto also defines.
  const ws = makeWorkspace({
    '20240101000000_extensions.sql': 'create schema if not exists extensions;\ncreate function extensions.gen_random_bytes(integer) returns bytea language sql as $$ select null::bytea $$;\n',
    '20240101000100_notes.sql': 'create table public.notes (id bigint primary key);\n'
  })
  expect((await run(ws, { 'supabase-shim': 'false' })).status).toBe('success')
  addFile(ws, '20240101000200_more.sql', 'create table public.more (id bigint primary key);\n')

  const r = await run(ws)
  expect(r.status).toBe('failed')
  expect(r.applied).toEqual([])
  expect(r.pending).toEqual(['20240101000200_more'])
  expect(r.migrations.map((m) => [m.identity, m.status])).toEqual([
    ['20240101000000_extensions', 'already-applied'],
    ['20240101000100_notes', 'already-applied'],
    ['20240101000200_more', 'pending']
  ])
  expect(r.supabaseShim).toMatch(/^failed, and its transaction rolled back: created nothing/)
  expect(r.supabaseShim).not.toMatch(/^created/)
  expect(r.error?.message).toMatch(/^supabase-shim failed: function "gen_random_bytes" already exists/)
  expect(r.error?.sqlstate).toBe('42723')
  expect(r.error?.statement).toMatch(/CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions/)
  expect(r.error?.file).toBe('migrations/20240101000000_extensions.sql')
  expect(r.error?.position).toEqual({ line: 1, col: 1 })
  // A superuser is never told it lacks the rights.
  expect(r.error?.next).not.toMatch(/superuser/)
  expect(r.error?.next).toMatch(/^Nothing was changed: the supabase-shim transaction rolled back/)
  // Nothing of the shim stayed (roles are cluster-wide, so other tests may have made them: look at this database).
  expect(await db.query(`SELECT nspname FROM pg_namespace WHERE nspname IN ('auth', 'storage', 'realtime')`)).toEqual([])
  expect(await db.query(`SELECT extname FROM pg_extension WHERE extname = 'pgcrypto'`)).toEqual([])
  expect(await db.query(`SELECT to_regclass('public.more') AS t`)).toEqual([{ t: null }])
})
