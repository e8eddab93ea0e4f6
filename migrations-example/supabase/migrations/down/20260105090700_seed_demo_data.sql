-- Reverts 20260105090700_seed_demo_data: removes exactly the seeded rows.
DELETE FROM public.templates
 WHERE id IN ('7e3a5f10-0000-4000-8000-000000000001',
              '7e3a5f10-0000-4000-8000-000000000002',
              '7e3a5f10-0000-4000-8000-000000000003');

DELETE FROM public.brands WHERE id = 'b7a9d2c1-0000-4000-8000-000000000001';

-- telemetry_samples and hpp_status rows go with their turbines (ON DELETE CASCADE).
DELETE FROM public.turbines
 WHERE id IN ('6c1f0a4e-0000-4000-8000-000000000001',
              '6c1f0a4e-0000-4000-8000-000000000002');
