-- Event sourcing for prepaid electricity tokens (from the "Option 2A" runbook,
-- seed 001: scripts 01, 02 and 03 folded into one migration).
--
-- token_events is the single source of truth; meter positions are derived by
-- calculate_user_positions() and cached in the electricity_readings_mv
-- materialized view, exposed to users through the electricity_readings_v view.

CREATE TABLE public.recalculation_batches (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL DEFAULT auth.uid() REFERENCES auth.users (id) ON DELETE CASCADE,
  trigger_type text NOT NULL CHECK (trigger_type IN ('void', 'backfill', 'manual')),
  events_count integer NOT NULL DEFAULT 0,
  reason       text,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.token_events (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id         uuid NOT NULL DEFAULT auth.uid() REFERENCES auth.users (id) ON DELETE CASCADE,
  -- purchase: units bought; usage: units consumed (meter reading delta); adjustment: signed correction
  event_type      text NOT NULL CHECK (event_type IN ('purchase', 'usage', 'adjustment')),
  units           numeric(12, 3) NOT NULL,
  event_at        timestamptz NOT NULL DEFAULT now(),
  is_voided       boolean NOT NULL DEFAULT false,
  voided_batch_id uuid REFERENCES public.recalculation_batches (id) ON DELETE SET NULL,
  metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (event_type = 'adjustment' OR units >= 0),
  CHECK (NOT is_voided OR voided_batch_id IS NOT NULL)
);

CREATE INDEX idx_token_events_user_time ON public.token_events (user_id, event_at);
CREATE INDEX idx_token_events_active ON public.token_events (user_id, event_type) WHERE NOT is_voided;
CREATE INDEX idx_recalculation_batches_user ON public.recalculation_batches (user_id, created_at DESC);

ALTER TABLE public.token_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.recalculation_batches ENABLE ROW LEVEL SECURITY;

CREATE POLICY token_events_select_own ON public.token_events
  FOR SELECT TO authenticated USING (user_id = auth.uid());
CREATE POLICY token_events_insert_own ON public.token_events
  FOR INSERT TO authenticated WITH CHECK (user_id = auth.uid() AND NOT is_voided);
-- Voiding is the only update a user may make to their events.
CREATE POLICY token_events_update_own ON public.token_events
  FOR UPDATE TO authenticated USING (user_id = auth.uid()) WITH CHECK (user_id = auth.uid());
CREATE POLICY recalculation_batches_select_own ON public.recalculation_batches
  FOR SELECT TO authenticated USING (user_id = auth.uid());
CREATE POLICY recalculation_batches_insert_own ON public.recalculation_batches
  FOR INSERT TO authenticated WITH CHECK (user_id = auth.uid());

GRANT SELECT, INSERT, UPDATE ON public.token_events TO authenticated;
GRANT SELECT, INSERT ON public.recalculation_batches TO authenticated;
GRANT ALL ON public.token_events, public.recalculation_batches TO service_role;

-- Running meter position per event, with window functions (script 02).
CREATE FUNCTION public.calculate_user_positions(p_user_id uuid)
RETURNS TABLE (
  event_id       uuid,
  event_at       timestamptz,
  event_type     text,
  units          numeric,
  meter_position numeric,
  consumption    numeric
)
LANGUAGE sql
STABLE
AS $$
  SELECT e.id,
         e.event_at,
         e.event_type,
         e.units,
         sum(CASE e.event_type WHEN 'usage' THEN -e.units ELSE e.units END)
           OVER (ORDER BY e.event_at, e.id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
         CASE WHEN e.event_type = 'usage' THEN e.units ELSE 0 END
    FROM public.token_events e
   WHERE e.user_id = p_user_id
     AND NOT e.is_voided
   ORDER BY e.event_at, e.id
$$;

-- The same computation for every user, cached (script 03).
CREATE MATERIALIZED VIEW public.electricity_readings_mv AS
SELECT e.id AS event_id,
       e.user_id,
       e.event_at,
       e.event_type,
       e.units,
       sum(CASE e.event_type WHEN 'usage' THEN -e.units ELSE e.units END)
         OVER (PARTITION BY e.user_id ORDER BY e.event_at, e.id
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS meter_position,
       CASE WHEN e.event_type = 'usage' THEN e.units ELSE 0 END AS consumption
  FROM public.token_events e
 WHERE NOT e.is_voided;

CREATE UNIQUE INDEX idx_electricity_readings_mv_event ON public.electricity_readings_mv (event_id);
CREATE INDEX idx_electricity_readings_mv_user_time ON public.electricity_readings_mv (user_id, event_at DESC);

-- Materialized views have no RLS: users read their own rows through this view.
REVOKE ALL ON public.electricity_readings_mv FROM anon, authenticated;

CREATE VIEW public.electricity_readings_v AS
SELECT event_id, event_at, event_type, units, meter_position, consumption
  FROM public.electricity_readings_mv
 WHERE user_id = auth.uid();

GRANT SELECT ON public.electricity_readings_v TO authenticated;

-- Keep the cache fresh after each write statement. Fine for a few writes per
-- second; at higher rates refresh on a schedule (pg_cron) instead.
CREATE FUNCTION public.refresh_readings_mv()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  REFRESH MATERIALIZED VIEW CONCURRENTLY public.electricity_readings_mv;
  RETURN NULL;
END;
$$;

REVOKE EXECUTE ON FUNCTION public.refresh_readings_mv() FROM PUBLIC;

CREATE TRIGGER token_events_refresh_readings
  AFTER INSERT OR UPDATE OR DELETE ON public.token_events
  FOR EACH STATEMENT EXECUTE FUNCTION public.refresh_readings_mv();

COMMENT ON TABLE public.token_events IS 'Source of truth for token purchases, usage and adjustments';
COMMENT ON TABLE public.recalculation_batches IS 'Audit trail of bulk voids and backfills';
COMMENT ON MATERIALIZED VIEW public.electricity_readings_mv IS 'Meter positions per event; refreshed by token_events_refresh_readings';
