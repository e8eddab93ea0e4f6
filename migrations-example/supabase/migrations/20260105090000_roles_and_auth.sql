-- Supabase roles and a minimal `auth` schema, so that the rest of this set
-- applies unchanged on a vanilla Postgres 17 (CI, local embedded Postgres)
-- as well as on a real Supabase project.
--
-- From the PMOVES runbook (seed 002), "Role Does Not Exist": create the three
-- Supabase roles when they are missing. On Supabase they already exist and
-- every statement below is a no-op.
--
-- Roles are cluster-wide: two databases on one server (parallel CI jobs) may
-- run this at the same moment, so a concurrent CREATE ROLE is tolerated.

DO $roles$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT * FROM (VALUES
      ('anon',          'NOLOGIN NOINHERIT'),
      ('authenticated', 'NOLOGIN NOINHERIT'),
      ('service_role',  'NOLOGIN NOINHERIT BYPASSRLS')
    ) AS t(rolname, options)
  LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r.rolname) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I %s', r.rolname, r.options);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        -- another session created it between our check and our CREATE
        NULL;
      END;
    END IF;
  END LOOP;
END
$roles$;

GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;

-- The `auth` schema: created only when missing. On Supabase, GoTrue owns it and
-- nothing here touches it. The comment marks our shim, so the down migration
-- removes the shim and never a real `auth` schema.
DO $auth$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'auth') THEN
    CREATE SCHEMA auth;
    COMMENT ON SCHEMA auth IS 'pgshift example shim: a minimal stand-in for Supabase auth';

    -- Just the columns the example's foreign keys and seeds need.
    CREATE TABLE auth.users (
      id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email      text UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    -- Same contract as Supabase's: the caller's JWT claims come from the
    -- `request.jwt.claims` setting that PostgREST sets per request.
    CREATE FUNCTION auth.jwt() RETURNS jsonb
      LANGUAGE sql STABLE
      AS $fn$
        SELECT coalesce(
          nullif(current_setting('request.jwt.claim', true), ''),
          nullif(current_setting('request.jwt.claims', true), '')
        )::jsonb
      $fn$;

    CREATE FUNCTION auth.uid() RETURNS uuid
      LANGUAGE sql STABLE
      AS $fn$
        SELECT coalesce(
          nullif(current_setting('request.jwt.claim.sub', true), ''),
          nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
        )::uuid
      $fn$;

    CREATE FUNCTION auth.role() RETURNS text
      LANGUAGE sql STABLE
      AS $fn$
        SELECT coalesce(
          nullif(current_setting('request.jwt.claim.role', true), ''),
          nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'
        )::text
      $fn$;

    GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
  END IF;
END
$auth$;

-- Shared by every table with an updated_at column (seed 003's
-- update_updated_at_column, renamed to the usual Supabase name).
CREATE OR REPLACE FUNCTION public.set_updated_at()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

COMMENT ON FUNCTION public.set_updated_at() IS 'BEFORE UPDATE trigger: stamps updated_at';
