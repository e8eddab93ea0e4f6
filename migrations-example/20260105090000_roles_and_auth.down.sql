-- Reverts 20260105090000_roles_and_auth.
--
-- The roles `anon`, `authenticated` and `service_role` are left in place on
-- purpose: roles are cluster-wide, other databases on the same server may use
-- them, and on Supabase the platform owns them. For the same reason the
-- USAGE grant on schema public is kept.

DROP FUNCTION IF EXISTS public.set_updated_at();

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
