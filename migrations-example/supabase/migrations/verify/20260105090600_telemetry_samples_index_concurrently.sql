-- True when the index exists and is valid (a failed concurrent build leaves it INVALID).
SELECT coalesce(
  (SELECT i.indisvalid AND i.indisready
     FROM pg_index i
    WHERE i.indexrelid = to_regclass('public.idx_telemetry_samples_turbine_time')),
  false) AS ok;
