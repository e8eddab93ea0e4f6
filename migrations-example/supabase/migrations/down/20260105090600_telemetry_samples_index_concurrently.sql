-- Reverts 20260105090600_telemetry_samples_index_concurrently, again without
-- blocking writers (so, again, outside a transaction).
DROP INDEX CONCURRENTLY IF EXISTS public.idx_telemetry_samples_turbine_time;
