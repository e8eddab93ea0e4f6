// base phase (the PR check's phase 1, issue 15): the base branch's migrations that
// history lacks, as they are in the base commit, applied before the PR's own. It is
// one line in the log and the report: no log group per migration, no locks read.
import type { ExecContext } from '../executor.js'
import type { ModeContext } from '../modes/context.js'
import type { Plan, PlannedRun } from '../plan.js'
import type { PrCheckInfo } from '../report.js'
import { applyPending, type ApplyOutcome } from './apply-pending.js'

/** The plan's runs split by phase; base runs carry the base's own text (it may differ under allow-drift). */
export function runsByPhase(ctx: ModeContext, p: Plan): { baseRuns: PlannedRun[]; prRuns: PlannedRun[] } {
  const pr = ctx.pr
  if (!pr) return { baseRuns: [], prRuns: p.toRun }
  const baseVersion = new Map(pr.base.map((m) => [m.identity, m]))
  const baseRuns: PlannedRun[] = []
  const prRuns: PlannedRun[] = []
  for (const run of p.toRun) {
    const b = baseVersion.get(run.migration.identity)
    if (b) baseRuns.push({ ...run, migration: b })
    else if (!pr.baseIds.has(run.migration.identity)) prRuns.push(run)
  }
  return { baseRuns, prRuns }
}

export function prCheckInfo(ctx: ModeContext): PrCheckInfo {
  return ctx.report.prCheck as PrCheckInfo
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** The one log line of the phase, and the report's basePhase figures. */
function record(ctx: ModeContext, runs: PlannedRun[], durationMs: number, failed?: string): void {
  const info = prCheckInfo(ctx)
  info.basePhase.ran = runs.length
  info.basePhase.alreadyApplied = info.basePhase.total - runs.length
  info.basePhase.durationMs = Math.round(durationMs)
  if (failed) info.basePhase.failed = failed
}

export async function applyBasePhase(ctx: ModeContext, exec: ExecContext, runs: PlannedRun[]): Promise<ApplyOutcome> {
  const sha = ctx.pr?.sha.slice(0, 12) ?? ''
  if (!runs.length) {
    record(ctx, runs, 0)
    ctx.log.info(`base phase: nothing to apply (history records the base's ${prCheckInfo(ctx).basePhase.total} migrations)`)
    return {}
  }
  const started = performance.now()
  const out = await ctx.log.group(`base phase: ${runs.length} migration${runs.length === 1 ? '' : 's'} of base ${sha}`, () => applyPending(ctx, exec, runs, { quiet: true }))
  const ms = performance.now() - started
  record(ctx, runs, ms, out.failed?.identity)
  ctx.log.info(`base phase: ${out.failed ? `FAILED at ${out.failed.identity}` : `${runs.length} applied`} in ${seconds(ms)}`)
  return out
}
