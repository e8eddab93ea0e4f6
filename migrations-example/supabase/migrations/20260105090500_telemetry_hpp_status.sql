-- Hydro plant telemetry (from the sovereign-memory guide, seed 000):
-- turbines, raw telemetry_samples, physics_results, a telemetry_history_cache
-- for charts, and hpp_status, the latest state per turbine that the UI
-- subscribes to through Supabase Realtime.

CREATE TABLE public.turbines (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name           text NOT NULL UNIQUE,
  -- the guide's post-apply check: column_default of turbine_type is 'PELTON'
  turbine_type   text NOT NULL DEFAULT 'PELTON'
                 CHECK (turbine_type IN ('PELTON', 'FRANCIS', 'KAPLAN', 'TURGO')),
  rated_power_kw numeric(10, 2) CHECK (rated_power_kw > 0),
  specs          jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.telemetry_samples (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  turbine_id uuid NOT NULL REFERENCES public.turbines (id) ON DELETE CASCADE,
  sampled_at timestamptz NOT NULL DEFAULT now(),
  power_kw   numeric(10, 2),
  flow_m3s   numeric(10, 3),
  head_m     numeric(8, 2),
  payload    jsonb NOT NULL DEFAULT '{}'::jsonb
);
-- (Its lookup index comes in the next migration, built CONCURRENTLY.)

CREATE TABLE public.physics_results (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  turbine_id  uuid NOT NULL REFERENCES public.turbines (id) ON DELETE CASCADE,
  model       text NOT NULL,
  inputs      jsonb NOT NULL DEFAULT '{}'::jsonb,
  result      jsonb NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_physics_results_turbine ON public.physics_results (turbine_id, computed_at DESC);

CREATE TABLE public.telemetry_history_cache (
  turbine_id uuid NOT NULL REFERENCES public.turbines (id) ON DELETE CASCADE,
  bucket     timestamptz NOT NULL,
  summary    jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (turbine_id, bucket)
);

CREATE TABLE public.hpp_status (
  turbine_id     uuid PRIMARY KEY REFERENCES public.turbines (id) ON DELETE CASCADE,
  status         text NOT NULL DEFAULT 'unknown'
                 CHECK (status IN ('unknown', 'running', 'idle', 'fault')),
  power_kw       numeric(10, 2),
  last_sample_at timestamptz,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER turbines_updated_at
  BEFORE UPDATE ON public.turbines
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TRIGGER hpp_status_updated_at
  BEFORE UPDATE ON public.hpp_status
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

-- Each sample upserts the turbine's latest state; a late sample never
-- overwrites a newer one.
CREATE FUNCTION public.upsert_hpp_status()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
  new_status text := CASE
    WHEN NEW.power_kw IS NULL THEN 'unknown'
    WHEN NEW.power_kw > 0 THEN 'running'
    ELSE 'idle'
  END;
BEGIN
  INSERT INTO public.hpp_status AS s (turbine_id, status, power_kw, last_sample_at)
  VALUES (NEW.turbine_id, new_status, NEW.power_kw, NEW.sampled_at)
  ON CONFLICT (turbine_id) DO UPDATE
     SET status         = EXCLUDED.status,
         power_kw       = EXCLUDED.power_kw,
         last_sample_at = EXCLUDED.last_sample_at
   WHERE s.last_sample_at IS NULL OR s.last_sample_at <= EXCLUDED.last_sample_at;
  RETURN NULL;
END;
$$;

CREATE TRIGGER telemetry_samples_upsert_status
  AFTER INSERT ON public.telemetry_samples
  FOR EACH ROW EXECUTE FUNCTION public.upsert_hpp_status();

-- Readable by signed-in users; written only by the collectors (service_role,
-- which bypasses RLS), as the guide's security notes ask.
ALTER TABLE public.turbines ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.telemetry_samples ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.physics_results ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.telemetry_history_cache ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.hpp_status ENABLE ROW LEVEL SECURITY;

CREATE POLICY turbines_read ON public.turbines FOR SELECT TO authenticated USING (true);
CREATE POLICY telemetry_samples_read ON public.telemetry_samples FOR SELECT TO authenticated USING (true);
CREATE POLICY physics_results_read ON public.physics_results FOR SELECT TO authenticated USING (true);
CREATE POLICY telemetry_history_cache_read ON public.telemetry_history_cache FOR SELECT TO authenticated USING (true);
CREATE POLICY hpp_status_read ON public.hpp_status FOR SELECT TO authenticated USING (true);

GRANT SELECT ON public.turbines, public.telemetry_samples, public.physics_results,
                public.telemetry_history_cache, public.hpp_status TO authenticated;
GRANT ALL ON public.turbines, public.telemetry_samples, public.physics_results,
             public.telemetry_history_cache, public.hpp_status TO service_role;

-- Broadcast hpp_status over Realtime when the Supabase publication exists
-- (it does not on a vanilla Postgres).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'supabase_realtime') THEN
    ALTER PUBLICATION supabase_realtime ADD TABLE public.hpp_status;
  END IF;
END
$$;

COMMENT ON TABLE public.telemetry_samples IS 'Raw high-frequency telemetry; see the retention job';
COMMENT ON TABLE public.hpp_status IS 'Latest state per turbine, upserted by telemetry_samples_upsert_status';
COMMENT ON TABLE public.telemetry_history_cache IS 'Per-bucket summaries for charts, refreshed every 1-5 minutes by a worker';
