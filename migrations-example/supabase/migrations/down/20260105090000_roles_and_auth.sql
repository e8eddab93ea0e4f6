-- Reverts 20260105090000_roles_and_auth.
--
-- The roles `anon`, `authenticated` and `service_role` are left in place on
-- purpose: roles are cluster-wide, other databases on the same server may use
-- them, and on Supabase the platform owns them. The USAGE grant on schema public
-- belongs to this database only, so it is revoked: the down is the exact inverse
-- of the up, which `test-rollback` checks.

DROP FUNCTION IF EXISTS public.set_updated_at();

REVOKE USAGE ON SCHEMA public FROM anon, authenticated, service_role;

-- Drop `auth` only when it is this set's shim (see the comment set by the up
-- migration); a real Supabase `auth` schema is never touched.
DO $$
BEGIN
  IF obj_description(to_regnamespace('auth'), 'pg_namespace')
       = 'pgshift example shim: a minimal stand-in for Supabase auth' THEN
    DROP SCHEMA auth CASCADE;
  END IF;
END
$$;
