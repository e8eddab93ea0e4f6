// plan: files x history (the pure plan, ../plan.ts), copied into the report.
// Shared by every mode that starts from a plan.
import type { ModeContext } from '../modes/context.js'
import { plan, type Plan } from '../plan.js'
import type { RunReport } from '../report.js'

/** The plan of this run, already in the report. */
export function planPending(ctx: ModeContext): Plan {
  const p = plan(ctx.found.migrations, ctx.history, ctx.settings)
  fillFromPlan(ctx.report, p)
  return p
}

export function fillFromPlan(report: RunReport, p: Plan): void {
  report.plan = p.summary
  report.migrations = p.results
  report.pending = p.toRun.map((r) => r.migration.identity)
}

/** Refused before anything ran. */
export function blockOnRefusals(report: RunReport, p: Plan): boolean {
  if (!p.summary.refusals.length) return false
  report.status = 'blocked'
  report.nextStep = 'Nothing was changed. Resolve the refusals above (or set the named allow-* input), then rerun.'
  return true
}
