-- Reverts 20260105090200_conversations_messages_feedback (the seed 003 rollbacks, in reverse order).
DROP MATERIALIZED VIEW IF EXISTS public.message_feedback_summary;
DROP TABLE IF EXISTS public.feedback;
DROP TABLE IF EXISTS public.messages;  -- drops trigger_messages_update_conversation
DROP FUNCTION IF EXISTS public.update_conversation_timestamp();
DROP TABLE IF EXISTS public.conversations;
