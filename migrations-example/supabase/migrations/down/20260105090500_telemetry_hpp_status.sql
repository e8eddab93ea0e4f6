-- Reverts 20260105090500_telemetry_hpp_status (the guide's backout plan,
-- without CASCADE so that an unexpected dependency stops the rollback).
-- Dropping hpp_status also removes it from the supabase_realtime publication.
DROP TABLE IF EXISTS public.hpp_status;
DROP TABLE IF EXISTS public.telemetry_history_cache;
DROP TABLE IF EXISTS public.physics_results;
DROP TABLE IF EXISTS public.telemetry_samples;  -- drops telemetry_samples_upsert_status
DROP FUNCTION IF EXISTS public.upsert_hpp_status();
DROP TABLE IF EXISTS public.turbines;
