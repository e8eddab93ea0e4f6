// When and how the Supabase lint runs (src/lint/supabase): only where Supabase's
// API roles exist, never with lint: off, on the schema as the run left it. With
// lint: error a finding fails the run (a PR check goes red); with warn it is
// reported and annotated.
import { anonGrants, lintAppliedSchema, looksLikeSupabase } from '../lint/supabase/index.js'
import type { ModeContext } from './modes/context.js'

export interface SupabaseLintState {
  anonBefore: Set<string>
}

/** Before the run's migrations: is there anything to lint, and what anon may already do. */
export async function prepareSupabaseLint(ctx: ModeContext): Promise<SupabaseLintState | undefined> {
  if (ctx.settings.lint === 'off') return undefined
  if (!(await looksLikeSupabase(ctx.client))) return undefined
  return { anonBefore: await anonGrants(ctx.client, [ctx.settings.historySchema]) }
}

/** After the migrations (inside dry-run's transaction): findings into the report. */
export async function runSupabaseLint(ctx: ModeContext, state: SupabaseLintState): Promise<void> {
  const { report, settings } = ctx
  const level = settings.lint === 'error' ? 'error' : 'warning'
  try {
    report.supabaseLint = await lintAppliedSchema(ctx.client, { migrations: ctx.found.migrations, anonBefore: state.anonBefore, skipSchemas: [settings.historySchema], level })
  } catch (e) {
    report.warnings.push({ file: '', message: `the Supabase lint could not read the catalog: ${(e as Error).message}` })
    return
  }
  const n = report.supabaseLint.length
  if (n) ctx.log.warn(`Supabase lint: ${n} finding${n === 1 ? '' : 's'} on the applied schema`)
  if (n && level === 'error') {
    report.status = 'failed'
    report.nextStep = `Supabase lint found ${n} problem${n === 1 ? '' : 's'} in the applied schema (lint: error): fix each as its message says (the link gives the reason), or set lint: warn. ${report.nextStep}`
  }
}
