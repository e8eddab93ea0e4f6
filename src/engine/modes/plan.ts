// plan: read-only. Files x history, the resolved order, and what apply would run.
import { lintPending } from '../steps/lint-pending.js'
import { planPending } from '../steps/plan.js'
import type { ModeContext } from './context.js'
import { markOrigins } from '../pr-split.js'

export async function planMode(ctx: ModeContext): Promise<void> {
  const { report, found } = ctx
  const p = planPending(ctx)
  if (ctx.pr) markOrigins(report, ctx.pr)
  await lintPending(ctx, p)
  const runs = p.toRun.map((r) => r.migration.identity)
  if (p.summary.refusals.length) {
    report.status = 'blocked'
    report.nextStep = 'apply would refuse to run: resolve the refusals above (or set the named allow-* input).'
  } else if (runs.length) {
    report.status = 'success'
    report.nextStep = `apply would run ${runs.length} migration${runs.length === 1 ? '' : 's'}, in this order: ${runs.join(', ')}.`
  } else {
    report.status = 'nothing-to-do'
    report.nextStep = `Nothing to apply: all ${found.migrations.length} migrations are recorded in ${report.historyTable}.`
  }
}
