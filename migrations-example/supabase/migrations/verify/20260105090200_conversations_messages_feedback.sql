-- True when the tables, RLS, the policies, both triggers and the feedback matview exist.
SELECT coalesce(
  (SELECT count(*) FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
      AND table_name IN ('conversations', 'messages', 'feedback')) = 3
  AND (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relrowsecurity
      AND c.relname IN ('conversations', 'messages', 'feedback')) = 3
  AND (SELECT count(*) FROM pg_policies
    WHERE schemaname = 'public' AND tablename IN ('conversations', 'messages', 'feedback')) = 9
  AND (SELECT count(DISTINCT t.tgname) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal
      AND t.tgname IN ('trigger_conversations_updated_at', 'trigger_messages_update_conversation')) = 2
  AND EXISTS (SELECT 1 FROM pg_matviews
    WHERE schemaname = 'public' AND matviewname = 'message_feedback_summary')
  AND EXISTS (SELECT 1 FROM pg_indexes
    WHERE schemaname = 'public' AND indexname = 'idx_messages_conversation_created'),
  false) AS ok;
