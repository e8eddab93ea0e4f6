-- True when the event tables (with RLS and policies), the position function,
-- the materialized view with its unique index, the view and the refresh trigger exist.
SELECT coalesce(
  (SELECT count(*) FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
      AND table_name IN ('token_events', 'recalculation_batches')) = 2
  AND (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relrowsecurity
      AND c.relname IN ('token_events', 'recalculation_batches')) = 2
  AND (SELECT count(*) FROM pg_policies
    WHERE schemaname = 'public' AND tablename IN ('token_events', 'recalculation_batches')) = 5
  AND to_regprocedure('public.calculate_user_positions(uuid)') IS NOT NULL
  AND EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'public' AND matviewname = 'electricity_readings_mv')
  AND EXISTS (SELECT 1 FROM pg_indexes
    WHERE schemaname = 'public' AND indexname = 'idx_electricity_readings_mv_event')
  AND EXISTS (SELECT 1 FROM information_schema.views
    WHERE table_schema = 'public' AND table_name = 'electricity_readings_v')
  AND EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal AND t.tgname = 'token_events_refresh_readings'),
  false) AS ok;
