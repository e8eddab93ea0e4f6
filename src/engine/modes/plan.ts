// plan: read-only. Files x history, the resolved order, and what apply would run.
import { lintPending } from '../steps/lint-pending.js'
import { planPending } from '../steps/plan.js'
import { planPreludeStep } from '../steps/preludes.js'
import type { ModeContext } from './context.js'
import { markOrigins } from '../pr-split.js'

export async function planMode(ctx: ModeContext): Promise<void> {
  const { report, found } = ctx
  const p = planPending(ctx)
  const preludes = planPreludeStep(ctx).map((r) => r.migration.file)
  if (ctx.pr) markOrigins(report, ctx.pr)
  await lintPending(ctx, p)
  const runs = p.toRun.map((r) => r.migration.identity)
  const first = preludes.length ? `the prelude${preludes.length === 1 ? '' : 's'} ${preludes.join(', ')}, then ` : ''
  if (p.summary.refusals.length) {
    report.status = 'blocked'
    report.nextStep = 'apply would refuse to run: resolve the refusals above (or set the named allow-* input).'
  } else if (runs.length || preludes.length) {
    report.status = 'success'
    report.nextStep = `apply would run ${first}${runs.length} migration${runs.length === 1 ? '' : 's'}${runs.length ? `, in this order: ${runs.join(', ')}` : ''}.`
  } else {
    report.status = 'nothing-to-do'
    report.nextStep = `Nothing to apply: all ${found.migrations.length} migrations are recorded in ${report.historyTable}.`
  }
}
