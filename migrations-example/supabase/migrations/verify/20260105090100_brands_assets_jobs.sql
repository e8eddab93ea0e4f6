-- True when the four tables, their indexes, RLS and policies and the updated_at triggers exist
-- (the seed 004 runbook's verification queries, folded into one row).
SELECT coalesce(
  (SELECT count(*) FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
      AND table_name IN ('brands', 'assets', 'jobs', 'templates')) = 4
  AND (SELECT count(*) FROM pg_indexes
    WHERE schemaname = 'public'
      AND indexname IN ('idx_brands_org', 'idx_assets_brand', 'idx_assets_job', 'idx_jobs_brand',
                        'idx_jobs_status', 'idx_jobs_expires', 'idx_jobs_idempotency', 'idx_templates_brand')) = 8
  AND (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relrowsecurity
      AND c.relname IN ('brands', 'assets', 'jobs', 'templates')) = 4
  AND (SELECT count(*) FROM pg_policies
    WHERE schemaname = 'public' AND tablename IN ('brands', 'assets', 'jobs', 'templates')) = 5
  AND (SELECT count(DISTINCT t.tgname) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal
      AND t.tgname IN ('brands_updated_at', 'jobs_updated_at', 'templates_updated_at')) = 3,
  false) AS ok;
