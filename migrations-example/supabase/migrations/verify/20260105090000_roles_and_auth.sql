-- True when the Supabase roles, auth.uid()/auth.jwt() and the updated_at trigger function exist.
SELECT coalesce(
  (SELECT count(*) FROM pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role')) = 3
  AND to_regprocedure('auth.uid()') IS NOT NULL
  AND to_regprocedure('auth.jwt()') IS NOT NULL
  AND to_regprocedure('public.set_updated_at()') IS NOT NULL,
  false) AS ok;
