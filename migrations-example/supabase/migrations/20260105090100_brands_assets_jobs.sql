-- Brands, generated assets, async jobs and reusable templates
-- (from the Mobius runbook, seed 004: 001_initial_schema + 002_add_templates).
--
-- Access model: a brand belongs to an organization; a signed-in user sees the
-- brands of the organization named in their JWT (`org_id` claim). The service
-- role (the job workers) bypasses RLS.

CREATE TABLE public.brands (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL,
  name            text NOT NULL CHECK (length(btrim(name)) > 0),
  website         text,
  guidelines      jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- set by the feedback loop once enough feedback exists
  learning_active boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.jobs (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id        uuid NOT NULL REFERENCES public.brands (id) ON DELETE CASCADE,
  status          text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
  progress        smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  idempotency_key text,
  payload         jsonb NOT NULL DEFAULT '{}'::jsonb,
  error           text,
  expires_at      timestamptz NOT NULL DEFAULT now() + interval '24 hours',
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.assets (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id     uuid NOT NULL REFERENCES public.brands (id) ON DELETE CASCADE,
  job_id       uuid REFERENCES public.jobs (id) ON DELETE SET NULL,
  prompt       text NOT NULL,
  image_url    text NOT NULL,
  compliance_score numeric(5, 2) CHECK (compliance_score BETWEEN 0 AND 100),
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.templates (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- NULL: a global template, offered to every brand
  brand_id    uuid REFERENCES public.brands (id) ON DELETE CASCADE,
  name        text NOT NULL,
  description text,
  config      jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE NULLS NOT DISTINCT (brand_id, name)
);

CREATE INDEX idx_brands_org ON public.brands (organization_id);
CREATE INDEX idx_assets_brand ON public.assets (brand_id);
CREATE INDEX idx_assets_job ON public.assets (job_id);
CREATE INDEX idx_jobs_brand ON public.jobs (brand_id);
CREATE INDEX idx_jobs_status ON public.jobs (status) WHERE status IN ('pending', 'running');
CREATE INDEX idx_jobs_expires ON public.jobs (expires_at);
CREATE UNIQUE INDEX idx_jobs_idempotency ON public.jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX idx_templates_brand ON public.templates (brand_id);

CREATE TRIGGER brands_updated_at
  BEFORE UPDATE ON public.brands
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TRIGGER jobs_updated_at
  BEFORE UPDATE ON public.jobs
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TRIGGER templates_updated_at
  BEFORE UPDATE ON public.templates
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

-- Row Level Security: nothing is visible through the API until a policy allows it.
ALTER TABLE public.brands ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.assets ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.templates ENABLE ROW LEVEL SECURITY;

CREATE POLICY brands_select_own_org ON public.brands
  FOR SELECT TO authenticated
  USING (organization_id = (auth.jwt() ->> 'org_id')::uuid);

CREATE POLICY brands_update_own_org ON public.brands
  FOR UPDATE TO authenticated
  USING (organization_id = (auth.jwt() ->> 'org_id')::uuid)
  WITH CHECK (organization_id = (auth.jwt() ->> 'org_id')::uuid);

CREATE POLICY jobs_select_own_org ON public.jobs
  FOR SELECT TO authenticated
  USING (EXISTS (
    SELECT 1 FROM public.brands b
    WHERE b.id = jobs.brand_id
      AND b.organization_id = (auth.jwt() ->> 'org_id')::uuid
  ));

CREATE POLICY assets_select_own_org ON public.assets
  FOR SELECT TO authenticated
  USING (EXISTS (
    SELECT 1 FROM public.brands b
    WHERE b.id = assets.brand_id
      AND b.organization_id = (auth.jwt() ->> 'org_id')::uuid
  ));

-- Global templates are readable by anyone signed in; brand templates by the brand's org.
CREATE POLICY templates_select ON public.templates
  FOR SELECT TO authenticated
  USING (
    brand_id IS NULL
    OR EXISTS (
      SELECT 1 FROM public.brands b
      WHERE b.id = templates.brand_id
        AND b.organization_id = (auth.jwt() ->> 'org_id')::uuid
    )
  );

GRANT SELECT, UPDATE ON public.brands TO authenticated;
GRANT SELECT ON public.jobs, public.assets, public.templates TO authenticated;
GRANT ALL ON public.brands, public.jobs, public.assets, public.templates TO service_role;

COMMENT ON TABLE public.brands IS 'Brand entities with their guidelines';
COMMENT ON TABLE public.jobs IS 'Async generation jobs; expired rows are cleaned up by idx_jobs_expires';
COMMENT ON TABLE public.assets IS 'Generated assets';
COMMENT ON TABLE public.templates IS 'Reusable generation configurations; brand_id NULL means global';
