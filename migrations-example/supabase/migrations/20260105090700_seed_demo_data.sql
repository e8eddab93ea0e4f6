-- Demo data: two turbines with a few telemetry samples, one brand, and the
-- starter templates (in the spirit of the PMOVES seed files, seed 002).
-- Fixed ids, and ON CONFLICT DO NOTHING, so the down migration can remove
-- exactly these rows and a re-seed never duplicates them.

INSERT INTO public.turbines (id, name, turbine_type, rated_power_kw, specs) VALUES
  ('6c1f0a4e-0000-4000-8000-000000000001', 'Unit 1 (Pelton)', DEFAULT,   1250.00, '{"jets": 4, "runner_diameter_m": 1.6}'),
  ('6c1f0a4e-0000-4000-8000-000000000002', 'Unit 2 (Francis)', 'FRANCIS', 3400.00, '{"guide_vanes": 20}')
ON CONFLICT (id) DO NOTHING;

-- Inserting samples fires telemetry_samples_upsert_status, which fills hpp_status.
INSERT INTO public.telemetry_samples (turbine_id, sampled_at, power_kw, flow_m3s, head_m) VALUES
  ('6c1f0a4e-0000-4000-8000-000000000001', '2026-01-05 08:00:00+00', 1180.50, 0.950, 152.30),
  ('6c1f0a4e-0000-4000-8000-000000000001', '2026-01-05 08:01:00+00', 1175.25, 0.948, 152.10),
  ('6c1f0a4e-0000-4000-8000-000000000002', '2026-01-05 08:00:00+00',    0.00, 0.000,  48.70);

INSERT INTO public.brands (id, organization_id, name, website, guidelines) VALUES
  ('b7a9d2c1-0000-4000-8000-000000000001', '0e9c3b1a-0000-4000-8000-000000000001', 'Acme Hydro',
   'https://acme-hydro.example', '{"palette": ["#0B3D91", "#F2F2F2"], "tone": "plain, confident"}')
ON CONFLICT (id) DO NOTHING;

INSERT INTO public.templates (id, brand_id, name, description, config) VALUES
  ('7e3a5f10-0000-4000-8000-000000000001', NULL, 'Social square', 'A 1080x1080 post with logo bottom right',
   '{"width": 1080, "height": 1080, "logo": "bottom-right"}'),
  ('7e3a5f10-0000-4000-8000-000000000002', NULL, 'Banner', 'A 1500x500 header image',
   '{"width": 1500, "height": 500}'),
  ('7e3a5f10-0000-4000-8000-000000000003', 'b7a9d2c1-0000-4000-8000-000000000001', 'Plant status card',
   'Acme''s live status card, fed from hpp_status', '{"width": 1200, "height": 628, "source": "hpp_status"}')
ON CONFLICT (id) DO NOTHING;
