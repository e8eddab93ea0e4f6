-- afterMigrate.sql: a pgshift hook (Flyway's callback name), not a migration.
-- It runs after every apply that ran all its migrations cleanly, in its own
-- transaction, and writes no history row. The runbook's last steps: bring the
-- materialized views up to date with the data, then refresh the planner's
-- statistics, so the first queries after a deploy get good plans.

REFRESH MATERIALIZED VIEW public.message_feedback_summary;
REFRESH MATERIALIZED VIEW public.monthly_usage_summary;
REFRESH MATERIALIZED VIEW public.electricity_readings_mv;

ANALYZE public.brands, public.jobs, public.assets, public.templates,
        public.conversations, public.messages, public.feedback,
        public.usage_metrics, public.recalculation_batches, public.token_events,
        public.turbines, public.telemetry_samples, public.physics_results,
        public.telemetry_history_cache, public.hpp_status,
        public.message_feedback_summary, public.monthly_usage_summary, public.electricity_readings_mv;
