export const id = 257;
export const ids = [257];
export const modules = {

/***/ 2257:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  SESSION_SEARCH_PATH_SQL: () => (/* binding */ SESSION_SEARCH_PATH_SQL),
  inspectShim: () => (/* binding */ inspectShim),
  planShim: () => (/* binding */ planShim),
  shimLine: () => (/* binding */ shimLine),
  shimScript: () => (/* binding */ shimScript)
});

// EXTERNAL MODULE: ./src/source/positions.ts
var positions = __webpack_require__(2369);
;// CONCATENATED MODULE: ./src/supabase/detect.ts
// What the pending migrations create themselves, read from their parse trees. The
// shim steps aside for those objects: creating them first would make the migration's
// own CREATE fail (42710, 42P06, 42P07).

const UNIT_TABLES = { auth: ['users', 'identities'], storage: ['buckets', 'objects'], realtime: ['messages'], supabase_functions: ['hooks'], extensions: [] };
function names(list) {
    return (list ?? []).map((x) => x.String?.sval ?? '');
}
const OWN_KINDS = new Set(['CreateRoleStmt', 'CreateSchemaStmt', 'CreateStmt', 'CreateFunctionStmt', 'CreateExtensionStmt', 'CreatePublicationStmt']);
function ownObjects(scripts) {
    const own = { roles: new Map(), units: new Map(), functions: new Map(), extensions: new Map(), publications: new Map() };
    const note = (map, key, script, s) => {
        if (!map.has(key))
            map.set(key, (0,positions/* formatPosition */.Ld)(script.source.file, s.position));
    };
    for (const script of scripts) {
        for (const s of script.statements) {
            // The tree is read only for the kinds below (a released tree is parsed again: see source/script.ts).
            if (!OWN_KINDS.has(s.kind))
                continue;
            const n = s.node;
            switch (s.kind) {
                case 'CreateRoleStmt':
                    if (typeof n.role === 'string')
                        note(own.roles, n.role, script, s);
                    break;
                case 'CreateSchemaStmt':
                    if (typeof n.schemaname === 'string' && n.schemaname in UNIT_TABLES && n.if_not_exists !== true)
                        note(own.units, n.schemaname, script, s);
                    break;
                case 'CreateStmt': {
                    const rel = n.relation;
                    const schema = rel?.schemaname;
                    if (schema && UNIT_TABLES[schema]?.includes(rel?.relname ?? '') && n.if_not_exists !== true)
                        note(own.units, schema, script, s);
                    break;
                }
                case 'CreateFunctionStmt': {
                    const fn = names(n.funcname);
                    if (fn.length === 2 && fn[0] in UNIT_TABLES)
                        note(own.functions, `${fn[0]}.${fn[1]}`, script, s);
                    break;
                }
                case 'CreateExtensionStmt':
                    if (typeof n.extname === 'string' && n.if_not_exists !== true)
                        note(own.extensions, n.extname, script, s);
                    break;
                case 'CreatePublicationStmt':
                    if (typeof n.pubname === 'string')
                        note(own.publications, n.pubname, script, s);
                    break;
            }
        }
    }
    return own;
}

// EXTERNAL MODULE: ./node_modules/pg/esm/index.mjs
var esm = __webpack_require__(3849);
;// CONCATENATED MODULE: ./src/supabase/shim-sql.ts
// The SQL of the Supabase shim: what a Supabase project has before its first
// migration, written for a vanilla Postgres. It follows Supabase's public schema
// definitions (supabase/postgres init scripts, GoTrue's and Storage's migrations as
// they stand today): the same names, column types, defaults, RLS flags and grants,
// so that migrations which reference them apply unchanged. Only what a migration can
// see is reproduced; the services' own tables (auth.sessions, storage.migrations...)
// are not. Every piece creates only what is missing, so a second run changes nothing.

/** Supabase's roles. supabase_admin is left out on purpose: its presence means "this is Supabase". */
const SHIM_ROLES = [
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
];
/** The API roles every grant goes to. */
const API_ROLES = ['anon', 'authenticated', 'service_role'];
const q = esm/* escapeIdentifier */.F;
const l = esm/* escapeLiteral */.NO;
/** A DO block that runs `body` only when `condition` holds; a concurrent creator (parallel CI databases on one server) is tolerated. */
function whenMissing(condition, body) {
    return `DO $pgshift_shim$ BEGIN IF ${condition} THEN BEGIN ${body.map((b) => `EXECUTE ${l(b)};`).join(' ')} EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END; END IF; END $pgshift_shim$`;
}
function roleSql(role) {
    return whenMissing(`NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${l(role.name)})`, [
        `CREATE ROLE ${q(role.name)} ${role.options}`,
        ...(role.settings ?? []).map((s) => `ALTER ROLE ${q(role.name)} SET ${s}`)
    ]);
}
/** authenticator switches to the API roles (PostgREST's SET ROLE). */
function authenticatorGrantsSql(granted) {
    return granted.map((r) => whenMissing(`NOT pg_catalog.pg_has_role('authenticator', ${l(r)}, 'MEMBER')`, [`GRANT ${q(r)} TO authenticator`]));
}
/** Schema `extensions` with pgcrypto and uuid-ossp in it, and Supabase's database search_path. */
function extensionsSql(opts) {
    const out = ['CREATE SCHEMA IF NOT EXISTS extensions'];
    if (opts.pgcrypto)
        out.push('CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions');
    if (opts.uuidOssp)
        out.push('CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA extensions');
    if (opts.roles.length)
        out.push(`GRANT USAGE ON SCHEMA extensions TO ${opts.roles.map(q).join(', ')}`);
    return out;
}
/** The database default Supabase sets, so `gen_random_bytes()` and `uuid_generate_v4()` resolve unqualified. */
const SEARCH_PATH = '"$user", public, extensions';
function searchPathSql(database) {
    return `ALTER DATABASE ${q(database)} SET search_path TO ${SEARCH_PATH}`;
}
// GoTrue's helpers as Supabase defines them today: they read the claims PostgREST
// puts in request.jwt.claims (and the older per-claim settings).
const AUTH_FUNCTIONS = {
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
};
const AUTH_FUNCTION_NAMES = Object.keys(AUTH_FUNCTIONS);
/** A function of the shim, created only when no function of that name and signature exists. */
function functionSql(signature, create) {
    return whenMissing(`pg_catalog.to_regprocedure(${l(signature)}) IS NULL`, [create]);
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
)`;
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
)`;
const authFunctionsSql = (fns) => fns.map((f) => functionSql(`auth.${f}()`, AUTH_FUNCTIONS[f]));
/** Schema `auth`: users, identities, the claim helpers, RLS on (as GoTrue enables it), Supabase's grants. */
function authSql(opts) {
    if (opts.functionsOnly)
        return authFunctionsSql(opts.functions);
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
    ];
    out.push(...authFunctionsSql(opts.functions));
    const api = opts.roles.filter((r) => API_ROLES.includes(r));
    if (api.length)
        out.push(`GRANT USAGE ON SCHEMA auth TO ${api.map(q).join(', ')}`);
    const admins = opts.roles.filter((r) => ['supabase_auth_admin', 'dashboard_user', 'postgres'].includes(r));
    if (admins.length) {
        out.push(`GRANT ALL ON SCHEMA auth TO ${admins.map(q).join(', ')}`);
        out.push(`GRANT ALL ON ALL TABLES IN SCHEMA auth TO ${admins.map(q).join(', ')}`);
    }
    return out;
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
)`;
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
)`;
const STORAGE_FUNCTIONS = {
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
};
const STORAGE_FUNCTION_NAMES = Object.keys(STORAGE_FUNCTIONS);
const storageFunctionsSql = (fns) => fns.map((f) => functionSql(`storage.${f}(text)`, STORAGE_FUNCTIONS[f]));
/** Schema `storage`: buckets and objects with RLS on, the path helpers, Supabase's grants. */
function storageSql(opts) {
    if (opts.functionsOnly)
        return storageFunctionsSql(opts.functions);
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
    ];
    out.push(...storageFunctionsSql(opts.functions));
    const users = opts.roles.filter((r) => [...API_ROLES, 'postgres', 'supabase_storage_admin', 'dashboard_user'].includes(r));
    if (users.length) {
        out.push(`GRANT USAGE ON SCHEMA storage TO ${users.map(q).join(', ')}`);
        out.push(`GRANT ALL ON TABLE storage.buckets, storage.objects TO ${users.map(q).join(', ')}`);
    }
    return out;
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
) PARTITION BY RANGE (inserted_at)`;
const REALTIME_FUNCTIONS = {
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
};
const REALTIME_FUNCTION_NAMES = Object.keys(REALTIME_FUNCTIONS);
const realtimeFunctionsSql = (fns) => fns.map((f) => {
    const [signature, create] = REALTIME_FUNCTIONS[f];
    return functionSql(signature, create);
});
/** Schema `realtime`: messages (RLS on) and topic(), send(), broadcast_changes(). */
function realtimeSql(opts) {
    if (opts.functionsOnly)
        return realtimeFunctionsSql(opts.functions);
    const out = [
        'CREATE SCHEMA IF NOT EXISTS realtime',
        REALTIME_MESSAGES,
        'CREATE TABLE IF NOT EXISTS realtime.messages_default PARTITION OF realtime.messages DEFAULT',
        'ALTER TABLE realtime.messages ENABLE ROW LEVEL SECURITY'
    ];
    out.push(...realtimeFunctionsSql(opts.functions));
    const users = opts.roles.filter((r) => [...API_ROLES, 'postgres'].includes(r));
    if (users.length) {
        out.push(`GRANT USAGE ON SCHEMA realtime TO ${users.map(q).join(', ')}`);
        out.push(`GRANT SELECT, INSERT, UPDATE ON TABLE realtime.messages TO ${users.map(q).join(', ')}`);
    }
    return out;
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
$fn$`;
const webhooksFunctionsSql = (fns) => (fns.includes('http_request') ? [functionSql('supabase_functions.http_request()', HTTP_REQUEST)] : []);
function webhooksSql(opts) {
    if (opts.functionsOnly)
        return webhooksFunctionsSql(opts.functions);
    const out = [
        'CREATE SCHEMA IF NOT EXISTS supabase_functions',
        `CREATE TABLE IF NOT EXISTS supabase_functions.hooks (
  id bigserial PRIMARY KEY,
  hook_table_id integer NOT NULL,
  hook_name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  request_id bigint
)`
    ];
    out.push(...webhooksFunctionsSql(opts.functions));
    const users = opts.roles.filter((r) => [...API_ROLES, 'postgres'].includes(r));
    if (users.length)
        out.push(`GRANT USAGE ON SCHEMA supabase_functions TO ${users.map(q).join(', ')}`);
    return out;
}
/** Realtime's publication, empty as on a new project; a migration adds its tables. */
const REALTIME_PUBLICATION_SQL = whenMissing("NOT EXISTS (SELECT FROM pg_catalog.pg_publication WHERE pubname = 'supabase_realtime')", ['CREATE PUBLICATION supabase_realtime']);
/**
 * Supabase's grants on `public`: usage for the API roles, and default privileges so
 * that every table, function and sequence the migrations create is granted to them
 * (RLS, not grants, is what keeps rows private on Supabase).
 */
function publicGrantsSql(roles) {
    const to = roles.filter((r) => [...API_ROLES, 'postgres'].includes(r));
    if (!to.length)
        return [];
    const list = to.map(q).join(', ');
    return [
        `GRANT USAGE ON SCHEMA public TO ${list}`,
        `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO ${list}`,
        `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO ${list}`,
        `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO ${list}`
    ];
}

;// CONCATENATED MODULE: ./src/supabase/stubs.ts
// Callable stand-ins for extensions a vanilla Postgres lacks (supabase-shim-extensions:
// stub). They have the real extensions' schemas, signatures and tables, so migrations
// that schedule a job, queue an HTTP call or store a secret apply and can be checked;
// nothing is ever sent, run or encrypted. For an ephemeral database only.
const PG_NET = [
    'CREATE SCHEMA IF NOT EXISTS net',
    `CREATE TABLE IF NOT EXISTS net.http_request_queue (
  id bigserial NOT NULL,
  method text NOT NULL,
  url text NOT NULL,
  headers jsonb,
  body bytea,
  timeout_milliseconds integer NOT NULL
)`,
    `CREATE TABLE IF NOT EXISTS net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out boolean,
  error_msg text,
  created timestamptz NOT NULL DEFAULT now()
)`,
    `CREATE OR REPLACE FUNCTION net.http_get(url text, params jsonb DEFAULT '{}'::jsonb, headers jsonb DEFAULT '{}'::jsonb, timeout_milliseconds integer DEFAULT 5000)
RETURNS bigint LANGUAGE sql AS $fn$
  INSERT INTO net.http_request_queue (method, url, headers, timeout_milliseconds)
  VALUES ('GET', url, headers, timeout_milliseconds) RETURNING id
$fn$`,
    `CREATE OR REPLACE FUNCTION net.http_post(url text, body jsonb DEFAULT '{}'::jsonb, params jsonb DEFAULT '{}'::jsonb, headers jsonb DEFAULT '{"Content-Type": "application/json"}'::jsonb, timeout_milliseconds integer DEFAULT 5000)
RETURNS bigint LANGUAGE sql AS $fn$
  INSERT INTO net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  VALUES ('POST', url, headers, convert_to(body::text, 'UTF8'), timeout_milliseconds) RETURNING id
$fn$`,
    `CREATE OR REPLACE FUNCTION net.http_delete(url text, params jsonb DEFAULT '{}'::jsonb, headers jsonb DEFAULT '{}'::jsonb, timeout_milliseconds integer DEFAULT 5000, body jsonb DEFAULT NULL)
RETURNS bigint LANGUAGE sql AS $fn$
  INSERT INTO net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  VALUES ('DELETE', url, headers, convert_to(body::text, 'UTF8'), timeout_milliseconds) RETURNING id
$fn$`,
    "COMMENT ON SCHEMA net IS 'pgshift supabase-shim stub of pg_net: requests are queued, never sent'"
];
const PG_CRON = [
    'CREATE SCHEMA IF NOT EXISTS cron',
    `CREATE TABLE IF NOT EXISTS cron.job (
  jobid bigserial NOT NULL PRIMARY KEY,
  schedule text NOT NULL,
  command text NOT NULL,
  nodename text NOT NULL DEFAULT 'localhost',
  nodeport integer NOT NULL DEFAULT 5432,
  database text NOT NULL DEFAULT current_database(),
  username text NOT NULL DEFAULT current_user,
  active boolean NOT NULL DEFAULT true,
  jobname text,
  CONSTRAINT jobname_username_uniq UNIQUE (jobname, username)
)`,
    `CREATE TABLE IF NOT EXISTS cron.job_run_details (
  jobid bigint,
  runid bigserial NOT NULL PRIMARY KEY,
  job_pid integer,
  database text,
  username text,
  command text,
  status text,
  return_message text,
  start_time timestamptz,
  end_time timestamptz
)`,
    // pg_cron: scheduling an existing name updates that job.
    `CREATE OR REPLACE FUNCTION cron.schedule(job_name text, schedule text, command text)
RETURNS bigint LANGUAGE sql AS $fn$
  INSERT INTO cron.job (jobname, schedule, command) VALUES (job_name, schedule, command)
  ON CONFLICT (jobname, username) DO UPDATE SET schedule = excluded.schedule, command = excluded.command
  RETURNING jobid
$fn$`,
    `CREATE OR REPLACE FUNCTION cron.schedule(schedule text, command text)
RETURNS bigint LANGUAGE sql AS $fn$
  INSERT INTO cron.job (schedule, command) VALUES (schedule, command) RETURNING jobid
$fn$`,
    `CREATE OR REPLACE FUNCTION cron.schedule_in_database(job_name text, schedule text, command text, database text, username text DEFAULT NULL, active boolean DEFAULT true)
RETURNS bigint LANGUAGE sql AS $fn$
  INSERT INTO cron.job (jobname, schedule, command, database, username, active)
  VALUES (job_name, schedule, command, database, coalesce(username, current_user), active)
  ON CONFLICT (jobname, username) DO UPDATE SET schedule = excluded.schedule, command = excluded.command, database = excluded.database, active = excluded.active
  RETURNING jobid
$fn$`,
    // pg_cron raises an error for an unknown job; so does the stub.
    `CREATE OR REPLACE FUNCTION cron.unschedule(job_name text)
RETURNS boolean LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM cron.job WHERE jobname = job_name AND username = current_user;
  IF NOT FOUND THEN RAISE EXCEPTION 'could not find valid entry for job ''%''', job_name; END IF;
  RETURN true;
END
$fn$`,
    `CREATE OR REPLACE FUNCTION cron.unschedule(job_id bigint)
RETURNS boolean LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM cron.job WHERE jobid = job_id;
  IF NOT FOUND THEN RAISE EXCEPTION 'could not find valid entry for job %', job_id; END IF;
  RETURN true;
END
$fn$`,
    `CREATE OR REPLACE FUNCTION cron.alter_job(job_id bigint, schedule text DEFAULT NULL, command text DEFAULT NULL, database text DEFAULT NULL, username text DEFAULT NULL, active boolean DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE cron.job j SET schedule = coalesce(alter_job.schedule, j.schedule), command = coalesce(alter_job.command, j.command),
    database = coalesce(alter_job.database, j.database), username = coalesce(alter_job.username, j.username), active = coalesce(alter_job.active, j.active)
  WHERE j.jobid = job_id;
  IF NOT FOUND THEN RAISE EXCEPTION 'Job % does not exist', job_id; END IF;
END
$fn$`,
    "COMMENT ON SCHEMA cron IS 'pgshift supabase-shim stub of pg_cron: jobs are recorded, never run'"
];
const VAULT = [
    'CREATE SCHEMA IF NOT EXISTS vault',
    `CREATE TABLE IF NOT EXISTS vault.secrets (
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  name text,
  description text NOT NULL DEFAULT '',
  secret text NOT NULL,
  key_id uuid,
  nonce bytea,
  created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
)`,
    'CREATE UNIQUE INDEX IF NOT EXISTS secrets_name_idx ON vault.secrets (name) WHERE name IS NOT NULL',
    // The real view decrypts; the stub stores the secret as given.
    `CREATE OR REPLACE VIEW vault.decrypted_secrets AS
  SELECT id, name, description, secret, secret AS decrypted_secret, key_id, nonce, created_at, updated_at FROM vault.secrets`,
    `CREATE OR REPLACE FUNCTION vault.create_secret(new_secret text, new_name text DEFAULT NULL, new_description text DEFAULT '', new_key_id uuid DEFAULT NULL)
RETURNS uuid LANGUAGE sql AS $fn$
  INSERT INTO vault.secrets (secret, name, description, key_id) VALUES (new_secret, new_name, new_description, new_key_id) RETURNING id
$fn$`,
    `CREATE OR REPLACE FUNCTION vault.update_secret(secret_id uuid, new_secret text DEFAULT NULL, new_name text DEFAULT NULL, new_description text DEFAULT NULL, new_key_id uuid DEFAULT NULL)
RETURNS void LANGUAGE sql AS $fn$
  UPDATE vault.secrets SET secret = coalesce(new_secret, secret), name = coalesce(new_name, name),
    description = coalesce(new_description, description), key_id = coalesce(new_key_id, key_id), updated_at = now()
  WHERE id = secret_id
$fn$`,
    "COMMENT ON SCHEMA vault IS 'pgshift supabase-shim stub of supabase_vault: secrets are stored in plain text'"
];
/** The stub SQL for an extension the server lacks, plus the schema its CREATE EXTENSION names (WITH SCHEMA). */
function stubSql(extension, schema) {
    const withSchema = schema ? [`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`] : [];
    switch (extension) {
        case 'pg_net':
            return [...withSchema, ...PG_NET];
        case 'pg_cron':
            return [...withSchema, ...PG_CRON];
        case 'supabase_vault':
        case 'vault':
            return [...withSchema, ...VAULT];
        case 'pgsodium':
            return [...withSchema, 'CREATE SCHEMA IF NOT EXISTS pgsodium'];
        case 'pg_graphql':
            return [...withSchema, 'CREATE SCHEMA IF NOT EXISTS graphql', 'CREATE SCHEMA IF NOT EXISTS graphql_public'];
        default:
            return withSchema;
    }
}

;// CONCATENATED MODULE: ./src/supabase/shim.ts



const STATE_SQL = `SELECT
  current_database() AS database,
  ARRAY(SELECT rolname::text FROM pg_catalog.pg_roles) AS roles,
  ARRAY(SELECT nspname::text FROM pg_catalog.pg_namespace) AS schemas,
  ARRAY(SELECT n.nspname || '.' || c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('auth', 'storage', 'realtime', 'supabase_functions') AND c.relkind IN ('r', 'p', 'v')) AS tables,
  ARRAY(SELECT n.nspname || '.' || p.proname FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname IN ('auth', 'storage', 'realtime', 'supabase_functions')) AS functions,
  ARRAY(SELECT extname::text FROM pg_catalog.pg_extension) AS extensions,
  ARRAY(SELECT pubname::text FROM pg_catalog.pg_publication) AS publications,
  (SELECT substring(c FROM '^search_path=(.*)$') FROM pg_catalog.pg_db_role_setting s, unnest(s.setconfig) c
    WHERE s.setdatabase = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()) AND s.setrole = 0
      AND c LIKE 'search_path=%') AS search_path,
  EXISTS (SELECT FROM pg_catalog.pg_default_acl d WHERE d.defaclnamespace = to_regnamespace('public')
    AND d.defaclrole = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user)
    AND array_to_string(d.defaclacl, ',') ~ '(^|,)(anon|authenticated|service_role)=') AS public_defaults`;
/** Read-only: what the database has. */
async function inspectShim(client) {
    const { rows } = await client.query(STATE_SQL);
    const r = rows[0];
    const roles = new Set(r.roles);
    const tables = new Set(r.tables);
    const signs = [];
    if (roles.has('supabase_admin'))
        signs.push('role supabase_admin exists');
    if (tables.has('auth.schema_migrations'))
        signs.push('auth.schema_migrations exists (GoTrue ran here)');
    if (tables.has('storage.migrations'))
        signs.push('storage.migrations exists (the Storage API ran here)');
    return {
        database: r.database,
        roles,
        supabaseSigns: signs,
        schemas: new Set(r.schemas),
        tables,
        functions: new Set(r.functions),
        extensions: new Set(r.extensions),
        publications: new Set(r.publications),
        searchPath: r.search_path ?? undefined,
        publicDefaults: r.public_defaults
    };
}
/** Pure: what the shim does on a database in `state`, given the migrations' up scripts (applied and pending) and the extensions to stub. */
function planShim(state, ups, stubs) {
    if (state.supabaseSigns.length) {
        return {
            refusal: {
                message: `supabase-shim: this database already is a Supabase database (${state.supabaseSigns.join('; ')}). The shim is for an ephemeral vanilla Postgres, and never touches a Supabase database.`,
                next: 'Nothing was changed. Against Supabase (or a supabase/postgres service container) the roles, auth, storage and extensions are real: remove supabase-shim: true from this step.'
            },
            creates: [],
            steppedAside: [],
            stubs: [],
            statements: [],
            setsSearchPath: false
        };
    }
    const own = ownObjects(ups);
    const creates = [];
    const aside = [];
    const statements = [];
    // Roles.
    const roles = new Set(state.roles);
    for (const role of SHIM_ROLES) {
        if (roles.has(role.name))
            continue;
        const by = own.roles.get(role.name);
        if (by) {
            aside.push(`role ${role.name} (${by}); its grants are left to the migrations`);
            continue;
        }
        statements.push(roleSql(role));
        creates.push(`role ${role.name}`);
        roles.add(role.name);
    }
    if (roles.has('authenticator')) {
        const api = ['anon', 'authenticated', 'service_role'].filter((r) => roles.has(r));
        statements.push(...authenticatorGrantsSql(api));
    }
    const present = [...roles].filter((r) => SHIM_ROLES.some((s) => s.name === r));
    // Schema extensions, pgcrypto, uuid-ossp and the search_path.
    const extBy = own.units.get('extensions');
    if (extBy)
        aside.push(`schema extensions (${extBy})`);
    else if (!state.schemas.has('extensions') || !state.extensions.has('pgcrypto') || !state.extensions.has('uuid-ossp')) {
        const wants = (ext) => {
            if (state.extensions.has(ext))
                return false;
            const by = own.extensions.get(ext);
            if (by)
                aside.push(`extension ${ext} (${by})`);
            return !by;
        };
        const pgcrypto = wants('pgcrypto');
        const uuidOssp = wants('uuid-ossp');
        if (!state.schemas.has('extensions'))
            creates.push('schema extensions');
        if (pgcrypto)
            creates.push('pgcrypto');
        if (uuidOssp)
            creates.push('uuid-ossp');
        statements.push(...extensionsSql({ pgcrypto, uuidOssp, roles: present.filter((r) => ['postgres', 'anon', 'authenticated', 'service_role'].includes(r)) }));
    }
    const setsSearchPath = normalise(state.searchPath) !== normalise(SEARCH_PATH);
    if (setsSearchPath) {
        statements.push(searchPathSql(state.database));
        creates.push(`search_path ${SEARCH_PATH}`);
    }
    // auth and storage.
    const unit = (schema, tables, fnNames, sql) => {
        const by = own.units.get(schema);
        if (by) {
            aside.push(`schema ${schema} (${by})`);
            return;
        }
        const fns = fnNames.filter((f) => {
            if (state.functions.has(`${schema}.${f}`))
                return false;
            const defined = own.functions.get(`${schema}.${f}`);
            if (defined)
                aside.push(`${schema}.${f}() (${defined})`);
            return !defined;
        });
        const missingTables = tables.filter((t) => !state.tables.has(`${schema}.${t}`));
        // Nothing missing: leave the unit alone (a migration may have changed its RLS, comments or grants since).
        if (!missingTables.length && !fns.length)
            return;
        // The unit's tables exist: only its missing functions are added. Its CREATE TABLE IF NOT
        // EXISTS would do nothing, but its indexes, partitions and grants assume the shim's columns.
        // When only some exist, someone else made them (a migration or a prelude the parse cannot
        // read, a hook): the shim makes them together, so it says it stepped aside.
        const existing = tables.filter((t) => state.tables.has(`${schema}.${t}`));
        if (existing.length) {
            if (missingTables.length)
                aside.push(`schema ${schema} (${existing.map((t) => `${schema}.${t}`).join(', ')} exist${existing.length === 1 ? 's' : ''} in the database, not made by the shim)`);
            if (!fns.length)
                return;
            creates.push(...fns.map((f) => `${schema}.${f}()`));
            statements.push(...sql({ functions: fns, roles: present, functionsOnly: true }));
            return;
        }
        creates.push(...missingTables.map((t) => `${schema}.${t}`), ...fns.map((f) => `${schema}.${f}()`));
        statements.push(...sql({ functions: fns, roles: present }));
    };
    unit('auth', ['users', 'identities'], AUTH_FUNCTION_NAMES, authSql);
    unit('storage', ['buckets', 'objects'], STORAGE_FUNCTION_NAMES, storageSql);
    unit('realtime', ['messages'], REALTIME_FUNCTION_NAMES, realtimeSql);
    unit('supabase_functions', ['hooks'], ['http_request'], webhooksSql);
    // Realtime.
    if (!state.publications.has('supabase_realtime')) {
        const by = own.publications.get('supabase_realtime');
        if (by)
            aside.push(`publication supabase_realtime (${by})`);
        else {
            statements.push(REALTIME_PUBLICATION_SQL);
            creates.push('publication supabase_realtime');
        }
    }
    if (!state.publicDefaults) {
        const grants = publicGrantsSql(present);
        statements.push(...grants);
        if (grants.length)
            creates.push('grants and default privileges on public');
    }
    // Stubs for extensions the server lacks.
    const stubbed = [];
    for (const use of stubs) {
        if (stubbed.includes(use.name))
            continue;
        stubbed.push(use.name);
        statements.push(...stubSql(use.name, use.schema));
    }
    return { creates, steppedAside: aside, stubs: stubbed, statements, setsSearchPath };
}
function normalise(path) {
    return (path ?? '').replace(/\s+/g, '').replace(/"\$user"/, '$user').toLowerCase();
}
/** The shim's statements as one script (the caller wraps it in its transaction). */
function shimScript(plan) {
    return plan.statements.map((s) => `${s};`).join('\n');
}
/** The session-level search_path for a connection opened before the database default changed. */
const SESSION_SEARCH_PATH_SQL = `SET search_path TO ${SEARCH_PATH}`;
/** One line for the report. */
function shimLine(plan, verb) {
    const parts = [];
    parts.push(plan.creates.length ? `${verb} ${plan.creates.join(', ')}` : 'nothing missing: created nothing');
    if (plan.stubs.length)
        parts.push(`stubbed extensions ${plan.stubs.join(', ')} (their CREATE EXTENSION statements are not sent)`);
    if (plan.steppedAside.length)
        parts.push(`stepped aside for what the migrations create themselves: ${plan.steppedAside.join(', ')}`);
    return parts.join('; ');
}


/***/ })

};
