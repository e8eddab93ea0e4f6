-- Conversations, messages and feedback for the AI assistant
-- (from the "Migration Execution Guide", seed 003: migrations 003, 004 and 005).
--
-- Every row belongs to a Supabase user (auth.users); the policies let a user
-- see and change only their own rows.

CREATE TABLE public.conversations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL DEFAULT auth.uid() REFERENCES auth.users (id) ON DELETE CASCADE,
  title       text NOT NULL DEFAULT 'New conversation',
  model       text NOT NULL DEFAULT 'claude-sonnet-4-5',
  is_archived boolean NOT NULL DEFAULT false,
  metadata    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.messages (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  conversation_id uuid NOT NULL REFERENCES public.conversations (id) ON DELETE CASCADE,
  role            text NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
  content         text NOT NULL,
  tokens          integer NOT NULL DEFAULT 0 CHECK (tokens >= 0),
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.feedback (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  message_id uuid NOT NULL REFERENCES public.messages (id) ON DELETE CASCADE,
  user_id    uuid NOT NULL DEFAULT auth.uid() REFERENCES auth.users (id) ON DELETE CASCADE,
  rating     smallint NOT NULL CHECK (rating IN (-1, 1)),
  comment    text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (message_id, user_id)
);

-- The conversation list: a user's live conversations, most recent first.
CREATE INDEX idx_conversations_user_updated
  ON public.conversations (user_id, updated_at DESC) WHERE NOT is_archived;
CREATE INDEX idx_messages_conversation_created ON public.messages (conversation_id, created_at);
CREATE INDEX idx_feedback_user ON public.feedback (user_id);

CREATE TRIGGER trigger_conversations_updated_at
  BEFORE UPDATE ON public.conversations
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

-- A new message moves its conversation to the top of the list.
CREATE FUNCTION public.update_conversation_timestamp()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  UPDATE public.conversations
     SET updated_at = NEW.created_at
   WHERE id = NEW.conversation_id
     AND updated_at < NEW.created_at;
  RETURN NULL; -- AFTER trigger: the return value is ignored
END;
$$;

CREATE TRIGGER trigger_messages_update_conversation
  AFTER INSERT ON public.messages
  FOR EACH ROW EXECUTE FUNCTION public.update_conversation_timestamp();

ALTER TABLE public.conversations ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.feedback ENABLE ROW LEVEL SECURITY;

-- conversations: one policy per command, as the runbook expects.
CREATE POLICY conversations_select_own ON public.conversations
  FOR SELECT TO authenticated USING (user_id = auth.uid());
CREATE POLICY conversations_insert_own ON public.conversations
  FOR INSERT TO authenticated WITH CHECK (user_id = auth.uid());
CREATE POLICY conversations_update_own ON public.conversations
  FOR UPDATE TO authenticated USING (user_id = auth.uid()) WITH CHECK (user_id = auth.uid());
CREATE POLICY conversations_delete_own ON public.conversations
  FOR DELETE TO authenticated USING (user_id = auth.uid());

-- messages: visible and insertable within one's own conversations; never edited.
CREATE POLICY messages_select_own ON public.messages
  FOR SELECT TO authenticated
  USING (EXISTS (SELECT 1 FROM public.conversations c
                 WHERE c.id = messages.conversation_id AND c.user_id = auth.uid()));
CREATE POLICY messages_insert_own ON public.messages
  FOR INSERT TO authenticated
  WITH CHECK (EXISTS (SELECT 1 FROM public.conversations c
                      WHERE c.id = messages.conversation_id AND c.user_id = auth.uid()));

CREATE POLICY feedback_select_own ON public.feedback
  FOR SELECT TO authenticated USING (user_id = auth.uid());
CREATE POLICY feedback_insert_own ON public.feedback
  FOR INSERT TO authenticated WITH CHECK (user_id = auth.uid());
CREATE POLICY feedback_update_own ON public.feedback
  FOR UPDATE TO authenticated USING (user_id = auth.uid()) WITH CHECK (user_id = auth.uid());

GRANT SELECT, INSERT, UPDATE, DELETE ON public.conversations TO authenticated;
GRANT SELECT, INSERT ON public.messages TO authenticated;
GRANT SELECT, INSERT, UPDATE ON public.feedback TO authenticated;
GRANT ALL ON public.conversations, public.messages, public.feedback TO service_role;

-- Feedback per message, for the quality dashboard. A materialized view has no
-- RLS, so it is kept away from the API roles and read by the service role only.
CREATE MATERIALIZED VIEW public.message_feedback_summary AS
SELECT
  m.id                                    AS message_id,
  m.conversation_id,
  count(f.id) FILTER (WHERE f.rating = 1)  AS positive,
  count(f.id) FILTER (WHERE f.rating = -1) AS negative,
  coalesce(avg(f.rating), 0)::numeric(4, 2) AS avg_rating
FROM public.messages m
LEFT JOIN public.feedback f ON f.message_id = m.id
WHERE m.role = 'assistant'
GROUP BY m.id, m.conversation_id;

-- A unique index makes REFRESH MATERIALIZED VIEW CONCURRENTLY possible.
CREATE UNIQUE INDEX idx_message_feedback_summary_message
  ON public.message_feedback_summary (message_id);

REVOKE ALL ON public.message_feedback_summary FROM anon, authenticated;
GRANT SELECT ON public.message_feedback_summary TO service_role;

COMMENT ON TABLE public.conversations IS 'Assistant conversations, one owner each';
COMMENT ON TABLE public.messages IS 'Conversation messages; inserting one bumps conversations.updated_at';
COMMENT ON TABLE public.feedback IS 'Thumbs up (1) or down (-1) on a message, once per user';
COMMENT ON MATERIALIZED VIEW public.message_feedback_summary IS 'Refresh with: REFRESH MATERIALIZED VIEW CONCURRENTLY public.message_feedback_summary';
