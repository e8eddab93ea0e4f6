-- True when usage_metrics (with RLS), the upsert function, the monthly matview and the view exist.
SELECT coalesce(
  EXISTS (SELECT 1 FROM information_schema.tables
    WHERE table_schema = 'public' AND table_name = 'usage_metrics' AND table_type = 'BASE TABLE')
  AND EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname = 'usage_metrics' AND c.relrowsecurity)
  AND EXISTS (SELECT 1 FROM pg_policies
    WHERE schemaname = 'public' AND tablename = 'usage_metrics' AND policyname = 'usage_metrics_select_own')
  AND to_regprocedure('public.increment_usage_metrics(uuid, date, integer, integer, numeric)') IS NOT NULL
  AND EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'public' AND matviewname = 'monthly_usage_summary')
  AND EXISTS (SELECT 1 FROM information_schema.views WHERE table_schema = 'public' AND table_name = 'current_day_usage'),
  false) AS ok;
