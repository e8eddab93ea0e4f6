// planShim is pure: what the shim creates, and where it steps aside, from the
// database's state and the pending migrations' parse trees.
import { parseScript } from '../../src/source/script.js'
import type { ParsedScript } from '../../src/source/types.js'
import { planShim, type ShimState } from '../../src/supabase/shim.js'

const empty = (): ShimState => ({
  database: 'app',
  roles: new Set(['postgres']),
  supabaseSigns: [],
  schemas: new Set(['public']),
  tables: new Set(),
  functions: new Set(),
  extensions: new Set(['plpgsql']),
  publications: new Set(),
  publicDefaults: false
})

async function scripts(files: Record<string, string>): Promise<ParsedScript[]> {
  const out: ParsedScript[] = []
  for (const [file, text] of Object.entries(files)) out.push((await parseScript({ file, fileText: text, offset: 0, text })).script)
  return out
}

test('on a vanilla database it creates everything, in dependency order', async () => {
  const p = planShim(empty(), [], [])
  expect(p.creates).toEqual([
    'role anon', 'role authenticated', 'role service_role', 'role authenticator', 'role supabase_auth_admin', 'role supabase_storage_admin', 'role dashboard_user',
    'schema extensions', 'pgcrypto', 'uuid-ossp', 'search_path "$user", public, extensions',
    'auth.users', 'auth.identities', 'auth.uid()', 'auth.role()', 'auth.email()', 'auth.jwt()',
    'storage.buckets', 'storage.objects', 'storage.foldername()', 'storage.filename()', 'storage.extension()',
    'realtime.messages', 'realtime.topic()', 'realtime.send()', 'realtime.broadcast_changes()',
    'supabase_functions.hooks', 'supabase_functions.http_request()',
    'publication supabase_realtime', 'grants and default privileges on public'
  ])
  expect(p.setsSearchPath).toBe(true)
  expect(p.statements.join('\n')).toMatch(/ALTER DATABASE "app" SET search_path TO "\$user", public, extensions/)
})

test('what exists is left alone: a shimmed database gets no statement that could undo a later change', () => {
  const state = empty()
  for (const r of ['anon', 'authenticated', 'service_role', 'authenticator', 'supabase_auth_admin', 'supabase_storage_admin', 'dashboard_user']) state.roles.add(r)
  for (const s of ['extensions', 'auth', 'storage']) state.schemas.add(s)
  for (const e of ['pgcrypto', 'uuid-ossp']) state.extensions.add(e)
  for (const t of ['auth.users', 'auth.identities', 'storage.buckets', 'storage.objects', 'realtime.messages', 'supabase_functions.hooks']) state.tables.add(t)
  for (const f of ['auth.uid', 'auth.role', 'auth.email', 'auth.jwt', 'storage.foldername', 'storage.filename', 'storage.extension', 'realtime.topic', 'realtime.send', 'realtime.broadcast_changes', 'supabase_functions.http_request']) state.functions.add(f)
  state.publications.add('supabase_realtime')
  state.publicDefaults = true
  state.searchPath = '"$user", public, extensions'
  const p = planShim(state, [], [])
  expect(p.creates).toEqual([])
  // Only the membership grants remain, each guarded by pg_has_role.
  expect(p.statements.every((s) => s.includes('pg_has_role'))).toBe(true)
})

test('it steps aside per object, naming where the migration creates it', async () => {
  const pending = await scripts({
    'm/001_roles.sql': 'create role authenticated;\ncreate role service_role bypassrls;',
    'm/002_auth.sql': "create or replace function auth.uid() returns uuid language sql stable as $$ select null::uuid $$;",
    'm/003_realtime.sql': 'create publication supabase_realtime for all tables;',
    'm/004_ext.sql': 'create extension pgcrypto;'
  })
  const p = planShim(empty(), pending, [])
  expect(p.steppedAside).toEqual([
    'role authenticated (m/001_roles.sql:1:1); its grants are left to the migrations',
    'role service_role (m/001_roles.sql:2:1); its grants are left to the migrations',
    'extension pgcrypto (m/004_ext.sql:1:1)',
    'auth.uid() (m/002_auth.sql:1:1)',
    'publication supabase_realtime (m/003_realtime.sql:1:1)'
  ])
  expect(p.creates).not.toContain('role authenticated')
  expect(p.creates).not.toContain('auth.uid()')
  expect(p.creates).toContain('auth.users')
  // No grant names a role that will not exist when the shim runs.
  expect(p.statements.filter((s) => /\bGRANT\b/.test(s) && !s.startsWith('DO')).join('\n')).not.toMatch(/authenticated|service_role/)
})

test('CREATE SCHEMA auth or CREATE TABLE storage.objects without IF NOT EXISTS hands the whole unit to the migrations', async () => {
  const pending = await scripts({ 'm/001.sql': 'create schema auth;', 'm/002.sql': 'create table storage.objects (id uuid);' })
  const p = planShim(empty(), pending, [])
  expect(p.steppedAside).toEqual(['schema auth (m/001.sql:1:1)', 'schema storage (m/002.sql:1:1)'])
  expect(p.creates.filter((c) => c.startsWith('auth.') || c.startsWith('storage.'))).toEqual([])
  // With IF NOT EXISTS the migration's own statement is a no-op after the shim's: no step-aside.
  const guarded = planShim(empty(), await scripts({ 'm/001.sql': 'create schema if not exists auth;\ncreate table if not exists auth.users (id uuid primary key);' }), [])
  expect(guarded.steppedAside).toEqual([])
  expect(guarded.creates).toContain('auth.users')
})

test('a database that already is Supabase is refused', () => {
  const state = { ...empty(), supabaseSigns: ['role supabase_admin exists'] }
  const p = planShim(state, [], [])
  expect(p.refusal?.message).toMatch(/already is a Supabase database \(role supabase_admin exists\)/)
  expect(p.statements).toEqual([])
})
