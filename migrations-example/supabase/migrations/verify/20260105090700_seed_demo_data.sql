-- True when the demo rows are present and the trigger has filled hpp_status.
SELECT coalesce(
  (SELECT count(*) FROM public.turbines
    WHERE id IN ('6c1f0a4e-0000-4000-8000-000000000001', '6c1f0a4e-0000-4000-8000-000000000002')) = 2
  AND (SELECT count(*) FROM public.hpp_status
    WHERE turbine_id IN ('6c1f0a4e-0000-4000-8000-000000000001', '6c1f0a4e-0000-4000-8000-000000000002')) = 2
  AND (SELECT status FROM public.hpp_status WHERE turbine_id = '6c1f0a4e-0000-4000-8000-000000000001') = 'running'
  AND EXISTS (SELECT 1 FROM public.brands WHERE id = 'b7a9d2c1-0000-4000-8000-000000000001')
  AND (SELECT count(*) FROM public.templates
    WHERE id IN ('7e3a5f10-0000-4000-8000-000000000001', '7e3a5f10-0000-4000-8000-000000000002',
                 '7e3a5f10-0000-4000-8000-000000000003')) = 3,
  false) AS ok;
