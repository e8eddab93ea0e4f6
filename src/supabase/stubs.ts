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
]

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
]

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
]

/** The stub SQL for an extension the server lacks, plus the schema its CREATE EXTENSION names (WITH SCHEMA). */
export function stubSql(extension: string, schema?: string): string[] {
  const withSchema = schema ? [`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`] : []
  switch (extension) {
    case 'pg_net':
      return [...withSchema, ...PG_NET]
    case 'pg_cron':
      return [...withSchema, ...PG_CRON]
    case 'supabase_vault':
    case 'vault':
      return [...withSchema, ...VAULT]
    case 'pgsodium':
      return [...withSchema, 'CREATE SCHEMA IF NOT EXISTS pgsodium']
    case 'pg_graphql':
      return [...withSchema, 'CREATE SCHEMA IF NOT EXISTS graphql', 'CREATE SCHEMA IF NOT EXISTS graphql_public']
    default:
      return withSchema
  }
}
