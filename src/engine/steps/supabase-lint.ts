// When and how the Supabase lint runs (src/lint/supabase): only where Supabase's
// API roles exist, never with lint: off, on the schema as the run left it. With
// lint: error a finding fails the run (a PR check goes red); with warn it is
// reported and annotated.
import { anonGrants, lintAppliedSchema, looksLikeSupabase } from '../../lint/supabase/index.js'
import type { ModeContext } from '../modes/context.js'

export interface SupabaseLintState {
  anonBefore: Set<string>
}

/** Before the run's migrations: is there anything to lint, and what anon may already do. */
export async function prepareSupabaseLint(ctx: ModeContext): Promise<SupabaseLintState | undefined> {
  if (ctx.settings.lint === 'off') return undefined
  if (!(await looksLikeSupabase(ctx.client))) return undefined
  return { anonBefore: await anonGrants(ctx.client, [ctx.settings.historySchema]) }
}

/**
 * After the migrations (inside dry-run's transaction): findings into the report.
 * `ranFiles` are the files this run applied or previewed (the PR check: the PR's
 * own). Only findings on objects one of them made or changed are reported (issue
 * 15): an object shipped long ago was judged by the run that made it, so a deploy
 * never reports it again. With lint: error each is an error (the run fails).
 */
export async function runSupabaseLint(ctx: ModeContext, state: SupabaseLintState, ranFiles: ReadonlySet<string>): Promise<void> {
  const { report, settings } = ctx
  try {
    const found = await lintAppliedSchema(ctx.client, { migrations: ctx.found.migrations, anonBefore: state.anonBefore, skipSchemas: [settings.historySchema], level: 'warning' })
    // A new grant to anon is this run's by definition.
    const ours = found.filter((f) => f.rule === 'supabase/new-anon-grant' || (f.file !== undefined && ranFiles.has(f.file)))
    if (settings.lint === 'error') for (const f of ours) f.level = 'error'
    report.supabaseLint = ours
  } catch (e) {
    report.warnings.push({ file: '', message: `the Supabase lint could not read the catalog: ${(e as Error).message}` })
    return
  }
  const n = report.supabaseLint.length
  if (n) ctx.log.warn(`Supabase lint: ${n} finding${n === 1 ? '' : 's'} on the applied schema`)
  const errors = report.supabaseLint.filter((f) => f.level === 'error').length
  if (errors) {
    report.status = 'failed'
    report.nextStep = `Supabase lint found ${errors} problem${errors === 1 ? '' : 's'} in what this run's migrations made (lint: error): fix each as its message says (the link gives the reason), or set lint: warn. ${report.nextStep}`
  }
}

/** True when the Supabase lint failed the run (lint: error and a finding on this run's objects). */
export const supabaseLintFailed = (ctx: ModeContext) => (ctx.report.supabaseLint ?? []).some((f) => f.level === 'error')
