// The SQL of the Supabase shim: what a Supabase project has before its first
// migration, written for a vanilla Postgres. It follows Supabase's public schema
// definitions (supabase/postgres init scripts, GoTrue's and Storage's migrations as
// they stand today): the same names, column types, defaults, RLS flags and grants,
// so that migrations which reference them apply unchanged. Only what a migration can
// see is reproduced; the services' own tables (auth.sessions, storage.migrations...)
// are not. Every piece creates only what is missing, so a second run changes nothing.
import { escapeIdentifier, escapeLiteral } from 'pg'

/** Supabase's roles. supabase_admin is left out on purpose: its presence means "this is Supabase". */
export const SHIM_ROLES: ReadonlyArray<{ name: string; options: string; settings?: string[] }> = [
  { name: 'anon', options: 'NOLOGIN NOINHERIT', settings: ["statement_timeout = '3s'"] },
  { name: 'authenticated', options: 'NOLOGIN NOINHERIT', settings: ["statement_timeout = '8s'"] },
  { name: 'service_role', options: 'NOLOGIN NOINHERIT BYPASSRLS' },
  // LOGIN on Supabase (PostgREST connects as it); an ephemeral database never needs it to log in.
  { name: 'authenticator', options: 'NOLOGIN NOINHERIT' },
  // Owners of auth and storage on Supabase; migrations grant to them (auth hooks, storage triggers).
  { name: 'supabase_auth_admin', options: 'NOLOGIN NOINHERIT' },
  { name: 'supabase_storage_admin', options: 'NOLOGIN NOINHERIT' },
  { name: 'dashboard_user', options: 'NOLOGIN' },
  // The role migrations are written for ("owner to postgres", "grant ... to postgres").
  { name: 'postgres', options: 'NOLOGIN' }
]

/** The API roles every grant goes to. */
export const API_ROLES = ['anon', 'authenticated', 'service_role'] as const

const q = escapeIdentifier
const l = escapeLiteral

/** A DO block that runs `body` only when `condition` holds; a concurrent creator (parallel CI databases on one server) is tolerated. */
function whenMissing(condition: string, body: string[]): string {
  return `DO $pgshift_shim$ BEGIN IF ${condition} THEN BEGIN ${body.map((b) => `EXECUTE ${l(b)};`).join(' ')} EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END; END IF; END $pgshift_shim$`
}

export function roleSql(role: { name: string; options: string; settings?: string[] }): string {
  return whenMissing(`NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${l(role.name)})`, [
    `CREATE ROLE ${q(role.name)} ${role.options}`,
    ...(role.settings ?? []).map((s) => `ALTER ROLE ${q(role.name)} SET ${s}`)
  ])
}

/** authenticator switches to the API roles (PostgREST's SET ROLE). */
export function authenticatorGrantsSql(granted: string[]): string[] {
  return granted.map((r) =>
    whenMissing(
      `NOT pg_catalog.pg_has_role('authenticator', ${l(r)}, 'MEMBER')`,
      [`GRANT ${q(r)} TO authenticator`]
    )
  )
}

/** Schema `extensions` with pgcrypto and uuid-ossp in it, and Supabase's database search_path. */
export function extensionsSql(opts: { pgcrypto: boolean; uuidOssp: boolean; roles: string[] }): string[] {
  const out = ['CREATE SCHEMA IF NOT EXISTS extensions']
  if (opts.pgcrypto) out.push('CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions')
  if (opts.uuidOssp) out.push('CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA extensions')
  if (opts.roles.length) out.push(`GRANT USAGE ON SCHEMA extensions TO ${opts.roles.map(q).join(', ')}`)
  return out
}

/** The database default Supabase sets, so `gen_random_bytes()` and `uuid_generate_v4()` resolve unqualified. */
export const SEARCH_PATH = '"$user", public, extensions'

export function searchPathSql(database: string): string {
  return `ALTER DATABASE ${q(database)} SET search_path TO ${SEARCH_PATH}`
}

// GoTrue's helpers as Supabase defines them today: they read the claims PostgREST
// puts in request.jwt.claims (and the older per-claim settings).
const AUTH_FUNCTIONS: Record<string, string> = {
  uid: `CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $fn$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$fn$`,
  role: `CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $fn$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$fn$`,
  email: `CREATE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE AS $fn$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$fn$`,
  jwt: `CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $fn$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$fn$`
}
export const AUTH_FUNCTION_NAMES = Object.keys(AUTH_FUNCTIONS)

/** A function of the shim, created only when no function of that name and signature exists. */
function functionSql(signature: string, create: string): string {
  return whenMissing(`pg_catalog.to_regprocedure(${l(signature)}) IS NULL`, [create])
}

// auth.users with GoTrue's columns (types, defaults, the generated confirmed_at and the check).
const AUTH_USERS = `CREATE TABLE IF NOT EXISTS auth.users (
  instance_id uuid,
  id uuid NOT NULL,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255),
  confirmation_sent_at timestamptz,
  recovery_token varchar(255),
  recovery_sent_at timestamptz,
  email_change_token_new varchar(255),
  email_change varchar(255),
  email_change_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  phone text DEFAULT NULL::varchar,
  phone_confirmed_at timestamptz,
  phone_change text DEFAULT ''::varchar,
  phone_change_token varchar(255) DEFAULT ''::varchar,
  phone_change_sent_at timestamptz,
  confirmed_at timestamptz GENERATED ALWAYS AS (LEAST(email_confirmed_at, phone_confirmed_at)) STORED,
  email_change_token_current varchar(255) DEFAULT ''::varchar,
  email_change_confirm_status smallint DEFAULT 0,
  banned_until timestamptz,
  reauthentication_token varchar(255) DEFAULT ''::varchar,
  reauthentication_sent_at timestamptz,
  is_sso_user boolean NOT NULL DEFAULT false,
  deleted_at timestamptz,
  is_anonymous boolean NOT NULL DEFAULT false,
  CONSTRAINT users_pkey PRIMARY KEY (id),
  CONSTRAINT users_phone_key UNIQUE (phone),
  CONSTRAINT users_email_change_confirm_status_check CHECK (email_change_confirm_status >= 0 AND email_change_confirm_status <= 2)
)`

const AUTH_IDENTITIES = `CREATE TABLE IF NOT EXISTS auth.identities (
  provider_id text NOT NULL,
  user_id uuid NOT NULL,
  identity_data jsonb NOT NULL,
  provider text NOT NULL,
  last_sign_in_at timestamptz,
  created_at timestamptz,
  updated_at timestamptz,
  email text GENERATED ALWAYS AS (lower(identity_data ->> 'email')) STORED,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  CONSTRAINT identities_pkey PRIMARY KEY (id),
  CONSTRAINT identities_provider_id_provider_unique UNIQUE (provider_id, provider),
  CONSTRAINT identities_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE
)`

/** What a unit's SQL creates: its functions (those named), and unless functionsOnly its schema, tables and grants. */
export interface UnitOptions {
  functions: string[]
  roles: string[]
  /** Only the named functions: the unit's tables exist and are not the shim's. */
  functionsOnly?: boolean
}

const authFunctionsSql = (fns: string[]) => fns.map((f) => functionSql(`auth.${f}()`, AUTH_FUNCTIONS[f] as string))

/** Schema `auth`: users, identities, the claim helpers, RLS on (as GoTrue enables it), Supabase's grants. */
export function authSql(opts: UnitOptions): string[] {
  if (opts.functionsOnly) return authFunctionsSql(opts.functions)
  const out = [
    'CREATE SCHEMA IF NOT EXISTS auth',
    AUTH_USERS,
    'CREATE UNIQUE INDEX IF NOT EXISTS users_email_partial_key ON auth.users (email) WHERE (is_sso_user = false)',
    'CREATE INDEX IF NOT EXISTS users_instance_id_idx ON auth.users (instance_id)',
    'CREATE INDEX IF NOT EXISTS users_is_anonymous_idx ON auth.users (is_anonymous)',
    "COMMENT ON TABLE auth.users IS 'Auth: Stores user login data within a secure schema.'",
    AUTH_IDENTITIES,
    'CREATE INDEX IF NOT EXISTS identities_user_id_idx ON auth.identities (user_id)',
    'CREATE INDEX IF NOT EXISTS identities_email_idx ON auth.identities (email text_pattern_ops)',
    "COMMENT ON TABLE auth.identities IS 'Auth: Stores identities associated to a user.'",
    'ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY',
    'ALTER TABLE auth.identities ENABLE ROW LEVEL SECURITY'
  ]
  out.push(...authFunctionsSql(opts.functions))
  const api = opts.roles.filter((r) => (API_ROLES as readonly string[]).includes(r))
  if (api.length) out.push(`GRANT USAGE ON SCHEMA auth TO ${api.map(q).join(', ')}`)
  const admins = opts.roles.filter((r) => ['supabase_auth_admin', 'dashboard_user', 'postgres'].includes(r))
  if (admins.length) {
    out.push(`GRANT ALL ON SCHEMA auth TO ${admins.map(q).join(', ')}`)
    out.push(`GRANT ALL ON ALL TABLES IN SCHEMA auth TO ${admins.map(q).join(', ')}`)
  }
  return out
}

// Storage's tables as the Storage API's migrations leave them.
const STORAGE_BUCKETS = `CREATE TABLE IF NOT EXISTS storage.buckets (
  id text NOT NULL,
  name text NOT NULL,
  owner uuid,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now(),
  public boolean DEFAULT false,
  avif_autodetection boolean DEFAULT false,
  file_size_limit bigint,
  allowed_mime_types text[],
  owner_id text,
  CONSTRAINT buckets_pkey PRIMARY KEY (id)
)`

const STORAGE_OBJECTS = `CREATE TABLE IF NOT EXISTS storage.objects (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  bucket_id text,
  name text,
  owner uuid,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now(),
  last_accessed_at timestamptz DEFAULT now(),
  metadata jsonb,
  path_tokens text[] GENERATED ALWAYS AS (string_to_array(name, '/')) STORED,
  version text,
  owner_id text,
  user_metadata jsonb,
  CONSTRAINT objects_pkey PRIMARY KEY (id),
  CONSTRAINT "objects_bucketId_fkey" FOREIGN KEY (bucket_id) REFERENCES storage.buckets (id)
)`

const STORAGE_FUNCTIONS: Record<string, string> = {
  foldername: `CREATE FUNCTION storage.foldername(name text) RETURNS text[] LANGUAGE plpgsql IMMUTABLE AS $fn$
DECLARE
  _parts text[];
BEGIN
  SELECT string_to_array(name, '/') INTO _parts;
  RETURN _parts[1 : array_length(_parts, 1) - 1];
END
$fn$`,
  filename: `CREATE FUNCTION storage.filename(name text) RETURNS text LANGUAGE plpgsql AS $fn$
DECLARE
  _parts text[];
BEGIN
  SELECT string_to_array(name, '/') INTO _parts;
  RETURN _parts[array_length(_parts, 1)];
END
$fn$`,
  extension: `CREATE FUNCTION storage.extension(name text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $fn$
DECLARE
  _parts text[];
  _filename text;
BEGIN
  SELECT string_to_array(name, '/') INTO _parts;
  SELECT _parts[array_length(_parts, 1)] INTO _filename;
  RETURN reverse(split_part(reverse(_filename), '.', 1));
END
$fn$`
}
export const STORAGE_FUNCTION_NAMES = Object.keys(STORAGE_FUNCTIONS)

const storageFunctionsSql = (fns: string[]) => fns.map((f) => functionSql(`storage.${f}(text)`, STORAGE_FUNCTIONS[f] as string))

/** Schema `storage`: buckets and objects with RLS on, the path helpers, Supabase's grants. */
export function storageSql(opts: UnitOptions): string[] {
  if (opts.functionsOnly) return storageFunctionsSql(opts.functions)
  const out = [
    'CREATE SCHEMA IF NOT EXISTS storage',
    STORAGE_BUCKETS,
    'CREATE UNIQUE INDEX IF NOT EXISTS bname ON storage.buckets (name)',
    STORAGE_OBJECTS,
    'CREATE UNIQUE INDEX IF NOT EXISTS bucketid_objname ON storage.objects (bucket_id, name)',
    'CREATE INDEX IF NOT EXISTS name_prefix_search ON storage.objects (name text_pattern_ops)',
    "COMMENT ON COLUMN storage.objects.owner IS 'Field is deprecated, use owner_id instead'",
    'ALTER TABLE storage.buckets ENABLE ROW LEVEL SECURITY',
    'ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY'
  ]
  out.push(...storageFunctionsSql(opts.functions))
  const users = opts.roles.filter((r) => [...API_ROLES, 'postgres', 'supabase_storage_admin', 'dashboard_user'].includes(r))
  if (users.length) {
    out.push(`GRANT USAGE ON SCHEMA storage TO ${users.map(q).join(', ')}`)
    out.push(`GRANT ALL ON TABLE storage.buckets, storage.objects TO ${users.map(q).join(', ')}`)
  }
  return out
}

// Realtime Authorization and Broadcast from the database: the messages table that
// private channels' RLS policies are written on, and its helpers. Supabase partitions
// it by day; one default partition stands in, so realtime.send() can insert.
const REALTIME_MESSAGES = `CREATE TABLE IF NOT EXISTS realtime.messages (
  topic text NOT NULL,
  extension text NOT NULL,
  payload jsonb,
  event text,
  private boolean DEFAULT false,
  updated_at timestamp NOT NULL DEFAULT now(),
  inserted_at timestamp NOT NULL DEFAULT now(),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  CONSTRAINT messages_pkey PRIMARY KEY (id, inserted_at)
) PARTITION BY RANGE (inserted_at)`

const REALTIME_FUNCTIONS: Record<string, [string, string]> = {
  topic: ['realtime.topic()', `CREATE FUNCTION realtime.topic() RETURNS text LANGUAGE sql STABLE AS $fn$
  SELECT nullif(current_setting('realtime.topic', true), '')::text
$fn$`],
  send: ['realtime.send(jsonb,text,text,boolean)', `CREATE FUNCTION realtime.send(payload jsonb, event text, topic text, private boolean DEFAULT true) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO realtime.messages (payload, event, topic, private, extension) VALUES (payload, event, topic, private, 'broadcast');
END
$fn$`],
  broadcast_changes: ['realtime.broadcast_changes(text,text,text,text,text,record,record,text)', `CREATE FUNCTION realtime.broadcast_changes(topic_name text, event_name text, operation text, table_name text, table_schema text, new record, old record, level text DEFAULT 'ROW') RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM realtime.send(
    jsonb_build_object('old_record', CASE WHEN old IS NULL THEN NULL ELSE to_jsonb(old) END, 'record', CASE WHEN new IS NULL THEN NULL ELSE to_jsonb(new) END,
      'operation', operation, 'table', table_name, 'schema', table_schema),
    event_name, topic_name, true);
END
$fn$`]
}
export const REALTIME_FUNCTION_NAMES = Object.keys(REALTIME_FUNCTIONS)

const realtimeFunctionsSql = (fns: string[]) =>
  fns.map((f) => {
    const [signature, create] = REALTIME_FUNCTIONS[f] as [string, string]
    return functionSql(signature, create)
  })

/** Schema `realtime`: messages (RLS on) and topic(), send(), broadcast_changes(). */
export function realtimeSql(opts: UnitOptions): string[] {
  if (opts.functionsOnly) return realtimeFunctionsSql(opts.functions)
  const out = [
    'CREATE SCHEMA IF NOT EXISTS realtime',
    REALTIME_MESSAGES,
    'CREATE TABLE IF NOT EXISTS realtime.messages_default PARTITION OF realtime.messages DEFAULT',
    'ALTER TABLE realtime.messages ENABLE ROW LEVEL SECURITY'
  ]
  out.push(...realtimeFunctionsSql(opts.functions))
  const users = opts.roles.filter((r) => [...API_ROLES, 'postgres'].includes(r))
  if (users.length) {
    out.push(`GRANT USAGE ON SCHEMA realtime TO ${users.map(q).join(', ')}`)
    out.push(`GRANT SELECT, INSERT, UPDATE ON TABLE realtime.messages TO ${users.map(q).join(', ')}`)
  }
  return out
}

// Database Webhooks: the dashboard writes triggers that call
// supabase_functions.http_request('<url>', 'POST', ...). Supabase's version posts
// through pg_net; this one records the call in supabase_functions.hooks, as the real
// one does, and sends nothing.
const HTTP_REQUEST = `CREATE FUNCTION supabase_functions.http_request() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO supabase_functions.hooks (hook_table_id, hook_name) VALUES (TG_RELID, TG_NAME);
  RETURN coalesce(NEW, OLD);
END
$fn$`

const webhooksFunctionsSql = (fns: string[]) => (fns.includes('http_request') ? [functionSql('supabase_functions.http_request()', HTTP_REQUEST)] : [])

export function webhooksSql(opts: UnitOptions): string[] {
  if (opts.functionsOnly) return webhooksFunctionsSql(opts.functions)
  const out = [
    'CREATE SCHEMA IF NOT EXISTS supabase_functions',
    `CREATE TABLE IF NOT EXISTS supabase_functions.hooks (
  id bigserial PRIMARY KEY,
  hook_table_id integer NOT NULL,
  hook_name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  request_id bigint
)`
  ]
  out.push(...webhooksFunctionsSql(opts.functions))
  const users = opts.roles.filter((r) => [...API_ROLES, 'postgres'].includes(r))
  if (users.length) out.push(`GRANT USAGE ON SCHEMA supabase_functions TO ${users.map(q).join(', ')}`)
  return out
}

/** Realtime's publication, empty as on a new project; a migration adds its tables. */
export const REALTIME_PUBLICATION_SQL = whenMissing(
  "NOT EXISTS (SELECT FROM pg_catalog.pg_publication WHERE pubname = 'supabase_realtime')",
  ['CREATE PUBLICATION supabase_realtime']
)

/**
 * Supabase's grants on `public`: usage for the API roles, and default privileges so
 * that every table, function and sequence the migrations create is granted to them
 * (RLS, not grants, is what keeps rows private on Supabase).
 */
export function publicGrantsSql(roles: string[]): string[] {
  const to = roles.filter((r) => [...API_ROLES, 'postgres'].includes(r))
  if (!to.length) return []
  const list = to.map(q).join(', ')
  return [
    `GRANT USAGE ON SCHEMA public TO ${list}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO ${list}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO ${list}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO ${list}`
  ]
}
