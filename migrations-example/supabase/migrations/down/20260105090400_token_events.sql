-- Reverts 20260105090400_token_events (seed 001's "Rollback Phase 1").
DROP VIEW IF EXISTS public.electricity_readings_v;
DROP MATERIALIZED VIEW IF EXISTS public.electricity_readings_mv;
DROP FUNCTION IF EXISTS public.calculate_user_positions(uuid);
DROP TABLE IF EXISTS public.token_events;  -- drops token_events_refresh_readings
DROP FUNCTION IF EXISTS public.refresh_readings_mv();
DROP TABLE IF EXISTS public.recalculation_batches;
