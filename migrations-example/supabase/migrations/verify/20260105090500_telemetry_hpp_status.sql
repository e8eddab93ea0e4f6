-- True when the five telemetry tables exist with RLS, turbine_type defaults to
-- 'PELTON' and the hpp_status upsert trigger is in place (seed 000's checks).
SELECT coalesce(
  (SELECT count(*) FROM information_schema.tables
    WHERE table_schema = 'public'
      AND table_name IN ('turbines', 'telemetry_samples', 'physics_results',
                         'telemetry_history_cache', 'hpp_status')) = 5
  AND (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relrowsecurity
      AND c.relname IN ('turbines', 'telemetry_samples', 'physics_results',
                        'telemetry_history_cache', 'hpp_status')) = 5
  AND (SELECT column_default FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name = 'turbines' AND column_name = 'turbine_type') = '''PELTON''::text'
  AND EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal AND t.tgname = 'telemetry_samples_upsert_status'),
  false) AS ok;
