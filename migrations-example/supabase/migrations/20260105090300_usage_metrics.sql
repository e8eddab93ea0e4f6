-- Daily token usage per user, an upsert function for the API to call, and a
-- monthly roll-up (seed 003, migration 006: usage_metrics,
-- increment_usage_metrics, monthly_usage_summary, current_day_usage).

CREATE TABLE public.usage_metrics (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id        uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  date           date NOT NULL DEFAULT current_date,
  message_count  integer NOT NULL DEFAULT 0,
  input_tokens   bigint NOT NULL DEFAULT 0,
  output_tokens  bigint NOT NULL DEFAULT 0,
  total_tokens   bigint GENERATED ALWAYS AS (input_tokens + output_tokens) STORED,
  estimated_cost numeric(12, 6) NOT NULL DEFAULT 0,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, date)
);

CREATE INDEX idx_usage_metrics_date ON public.usage_metrics (date);

CREATE TRIGGER usage_metrics_updated_at
  BEFORE UPDATE ON public.usage_metrics
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

ALTER TABLE public.usage_metrics ENABLE ROW LEVEL SECURITY;

CREATE POLICY usage_metrics_select_own ON public.usage_metrics
  FOR SELECT TO authenticated USING (user_id = auth.uid());

GRANT SELECT ON public.usage_metrics TO authenticated;
GRANT ALL ON public.usage_metrics TO service_role;

-- Called once per assistant reply by the API (as service_role).
CREATE FUNCTION public.increment_usage_metrics(
  p_user_id       uuid,
  p_date          date,
  p_input_tokens  integer,
  p_output_tokens integer,
  p_cost          numeric
) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  IF p_input_tokens < 0 OR p_output_tokens < 0 THEN
    RAISE EXCEPTION 'token counts must not be negative (got % and %)', p_input_tokens, p_output_tokens
      USING ERRCODE = 'check_violation';
  END IF;

  INSERT INTO public.usage_metrics AS u
         (user_id, date, message_count, input_tokens, output_tokens, estimated_cost)
  VALUES (p_user_id, coalesce(p_date, current_date), 1, p_input_tokens, p_output_tokens, coalesce(p_cost, 0))
  ON CONFLICT (user_id, date) DO UPDATE
     SET message_count  = u.message_count + 1,
         input_tokens   = u.input_tokens + EXCLUDED.input_tokens,
         output_tokens  = u.output_tokens + EXCLUDED.output_tokens,
         estimated_cost = u.estimated_cost + EXCLUDED.estimated_cost;
END;
$$;

REVOKE EXECUTE ON FUNCTION public.increment_usage_metrics(uuid, date, integer, integer, numeric) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.increment_usage_metrics(uuid, date, integer, integer, numeric) TO service_role;

CREATE MATERIALIZED VIEW public.monthly_usage_summary AS
SELECT
  date_trunc('month', date)::date AS month,
  user_id,
  sum(message_count)  AS messages,
  sum(total_tokens)   AS total_tokens,
  sum(estimated_cost) AS estimated_cost
FROM public.usage_metrics
GROUP BY 1, 2;

CREATE UNIQUE INDEX idx_monthly_usage_summary_key ON public.monthly_usage_summary (month, user_id);

REVOKE ALL ON public.monthly_usage_summary FROM anon, authenticated;
GRANT SELECT ON public.monthly_usage_summary TO service_role;

-- Today's usage through the caller's own RLS (security_invoker, Postgres 15+).
CREATE VIEW public.current_day_usage
WITH (security_invoker = true) AS
SELECT user_id, message_count, input_tokens, output_tokens, total_tokens, estimated_cost
FROM public.usage_metrics
WHERE date = current_date;

GRANT SELECT ON public.current_day_usage TO authenticated;

COMMENT ON TABLE public.usage_metrics IS 'Token usage per user and day; written by increment_usage_metrics()';
