-- The chart and retention queries read telemetry_samples by turbine and time.
-- The table takes writes around the clock, so the index is built CONCURRENTLY:
-- writers are not blocked while it builds.
--
-- CREATE INDEX CONCURRENTLY cannot run inside a transaction block, which is
-- why it is alone in its file: pgshift runs this file statement by statement
-- in autocommit. If the build fails, Postgres leaves an INVALID index behind;
-- IF NOT EXISTS would then skip it on a rerun, so drop it first
-- (DROP INDEX CONCURRENTLY public.idx_telemetry_samples_turbine_time).
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_telemetry_samples_turbine_time
  ON public.telemetry_samples (turbine_id, sampled_at DESC);
