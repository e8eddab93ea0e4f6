-- Reverts 20260105090100_brands_assets_jobs: children before parents.
-- Dropping a table drops its indexes, triggers and policies with it.
DROP TABLE IF EXISTS public.templates;
DROP TABLE IF EXISTS public.assets;
DROP TABLE IF EXISTS public.jobs;
DROP TABLE IF EXISTS public.brands;
