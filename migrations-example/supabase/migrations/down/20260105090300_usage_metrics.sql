-- Reverts 20260105090300_usage_metrics (seed 003's "Migration 006 - usage_metrics Rollback").
DROP VIEW IF EXISTS public.current_day_usage;
DROP MATERIALIZED VIEW IF EXISTS public.monthly_usage_summary;
DROP FUNCTION IF EXISTS public.increment_usage_metrics(uuid, date, integer, integer, numeric);
DROP TABLE IF EXISTS public.usage_metrics;
