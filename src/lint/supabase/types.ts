// Supabase lint of the applied schema: findings read from the catalog after the
// migrations ran (apply), or inside the preview transaction (dry-run).

export interface SupabaseLintFinding {
  /** Our rule id, e.g. 'supabase/rls-disabled-in-public'. */
  rule: string
  /** Supabase's lint name (splinter), e.g. '0013_rls_disabled_in_public', or '' when Supabase has none. */
  supabaseLint: string
  /** Why: Supabase's database linter docs, or the docs page the rule follows. */
  url: string
  /** The object, e.g. 'table public.posts'. */
  object: string
  message: string
  /** The migration file (and line) that created or last changed the object, when known. */
  file?: string
  line?: number
  level: 'warning' | 'error'
}
