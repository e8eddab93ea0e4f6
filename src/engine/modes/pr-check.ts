// The PR check's apply (issue 15): the base branch's migrations first (one line),
// then S0, then the PR's own migrations, judged alone: lint against the tables of
// S0, the locks they take on relations of S0, the schema diff S0 -> S1, the rollback
// test over the PR's migrations only, and the Supabase lint of what they made.
import { execContext } from '../exec-context.js'
import type { Plan } from '../plan.js'
import { markOrigins } from '../pr-split.js'
import type { ApplyOutcome } from '../steps/apply-pending.js'
import { applyPending, skipAll } from '../steps/apply-pending.js'
import { backupBeforeChanges } from '../steps/backup.js'
import { applyBasePhase, prCheckInfo, runsByPhase } from '../steps/base-phase.js'
import { adoptSupabaseHistory, ensureHistory } from '../steps/ensure-history.js'
import { lintThese } from '../steps/lint-pending.js'
import { makeRunDurable } from '../steps/make-durable.js'
import { notePartialPreview } from '../steps/partial-preview.js'
import { blockOnRefusals, planPending } from '../steps/plan.js'
import { failOnHook, runHook } from '../steps/run-hooks.js'
import { schemaChangesSince, snapshotBefore, snapshotOf } from '../steps/snapshot.js'
import { prepareSupabaseLint, runSupabaseLint, supabaseLintFailed, type SupabaseLintState } from '../steps/supabase-lint.js'
import { previewInTransaction } from '../preview.js'
import { previewItems } from '../steps/preview-pending.js'
import { hookOf } from '../steps/run-hooks.js'
import { testRollback } from '../steps/test-rollback.js'
import { failOnPrelude, notePreludePreview, planPreludeStep, preludePreviewItems, runPreludes } from '../steps/preludes.js'
import type { ModeContext } from './context.js'
import type { Snapshot } from '../../inspect/snapshot.js'

export async function applyPrCheck(ctx: ModeContext): Promise<void> {
  const { report } = ctx
  const p = planPending(ctx)
  const preludes = planPreludeStep(ctx)
  markOrigins(report, ctx.pr!)
  const { baseRuns, prRuns } = runsByPhase(ctx, p)
  if (!p.summary.refusals.length && (p.toRun.length || preludes.length) && !(await backupBeforeChanges(ctx))) return
  await ensureHistory(ctx)
  if (blockOnRefusals(report, p)) return
  await adoptSupabaseHistory(ctx)
  const exec = execContext(ctx)
  // Preludes before the base phase: they are neither the base's nor the PR's.
  const preludeFailed = await runPreludes(ctx, exec, preludes)
  if (preludeFailed) {
    skipAll(ctx, p.toRun)
    await makeRunDurable(ctx, 1, "this run's preludes")
    return failOnPrelude(ctx, preludeFailed)
  }
  const hookFailed = await runHook(ctx, exec, 'beforeMigrate')
  if (hookFailed) {
    skipAll(ctx, p.toRun)
    return failOnHook(ctx, hookFailed, 'No migration ran.')
  }
  const base = await applyBasePhase(ctx, exec, baseRuns)
  if (base.failed || base.afterEachFailed) {
    skipAll(ctx, prRuns)
    await verdict(ctx, p, base, undefined, await durable(ctx), undefined)
    return
  }
  const s0 = await snapshotBefore(ctx, exec)
  const lintRefusal = await lintThese(ctx, prRuns.map((r) => r.migration))
  if (lintRefusal) {
    p.summary.refusals.push(lintRefusal)
    skipAll(ctx, prRuns)
    await durable(ctx)
    report.status = 'blocked'
    report.nextStep = `The base phase applied; the PR's migrations did not run. ${lintRefusal}`
    return
  }
  const sbLint = await prepareSupabaseLint(ctx)
  const out = await applyPending(ctx, exec, prRuns)
  report.pending = p.toRun.map((r) => r.migration.identity).filter((id) => !report.applied.includes(id))
  const afterFailed = out.failed || out.afterEachFailed ? undefined : await runHook(ctx, exec, 'afterMigrate')
  const ok = await durable(ctx)
  if (!(await verdict(ctx, p, out, afterFailed, ok, s0))) return
  if (sbLint && !out.failed) {
    const ran = new Set(prRuns.filter((r) => report.applied.includes(r.migration.identity)).map((r) => r.migration.up.source.file))
    if (ran.size) await runSupabaseLint(ctx, sbLint, ran)
  }
}

function durable(ctx: ModeContext): Promise<boolean> {
  const n = ctx.report.applied.length
  const preludes = ctx.report.preludes?.filter((x) => x.status === 'ran').length ?? 0
  return makeRunDurable(ctx, n + preludes, `this run's ${n} migration${n === 1 ? '' : 's'}, preludes and hooks`)
}

const plural = (n: number, one: string) => `${n} ${n === 1 ? one : `${one}s`}`

/** Status and next step; false when the run stops here (a hook failed, or durability was not confirmed). */
async function verdict(ctx: ModeContext, p: Plan, out: ApplyOutcome, afterFailed: ApplyOutcome['afterEachFailed'], durable: boolean, s0: Snapshot | undefined): Promise<boolean> {
  const { report, settings } = ctx
  const info = prCheckInfo(ctx)
  const n = report.applied.length
  const kept = `The ${plural(n, 'migration')} applied by this run stay${n === 1 ? 's' : ''} applied and recorded.`
  const hook = out.afterEachFailed ?? afterFailed
  if (hook) {
    failOnHook(ctx, hook, kept)
    return false
  }
  if (!durable && !out.failed) return false
  const prApplied = p.toRun.map((r) => r.migration).filter((m) => report.applied.includes(m.identity) && !ctx.pr?.baseIds.has(m.identity))
  if (out.failed) {
    report.status = 'failed'
    const where = info.basePhase.failed ? `The base branch's own migration ${info.basePhase.failed} failed, so the PR's migrations did not run: the base does not apply on this database. ` : ''
    report.nextStep = `${where}${out.failed.error?.next ?? report.error?.next ?? 'Fix the cause and rerun.'}`
    return true
  }
  if (s0) {
    if (settings.testRollback) {
      const passed = await testRollback(ctx, prApplied, s0)
      info.rollback = prApplied.length ? (passed ? 'passed' : 'failed') : 'not run'
      if (!passed) {
        report.status = 'failed'
        report.nextStep = "The PR's migrations applied, but the rollback test failed: fix the down scripts named above so that up, down, up leaves the same schema."
        return true
      }
    } else {
      info.rollback = 'not run'
      await schemaChangesSince(ctx, s0)
    }
  }
  const prCount = prApplied.length
  report.status = n ? 'success' : 'nothing-to-do'
  const basePart = info.basePhase.ran ? `The base's ${plural(info.basePhase.ran, 'migration')} applied, then ` : ''
  report.nextStep = prCount
    ? `${basePart}${basePart ? 'the' : 'The'} PR's ${plural(prCount, 'migration')} applied${settings.testRollback ? ' and passed the rollback test (up, down, up left the same schema)' : ''}. Lint, locks and schema changes above are the PR's alone.`
    : `${basePart}${basePart ? 'this' : 'This'} PR adds no migration${info.prMigrations.length ? ' that history lacks' : ''}: nothing of its own to check.`
  return true
}

/**
 * The PR check's dry-run: both phases inside the one transaction that is rolled
 * back. S0 is taken inside it, after the base phase; everything reported is about
 * the PR's migrations. A lock mode the base phase already took on a table it
 * created is held by the same transaction, so it cannot show again (apply with
 * test-rollback, on a service container, reads each migration's locks exactly).
 */
export async function dryRunPrCheck(ctx: ModeContext): Promise<void> {
  const { report } = ctx
  report.preview = true
  const p = planPending(ctx)
  markOrigins(report, ctx.pr!)
  if (blockOnRefusals(report, p)) return
  const { baseRuns, prRuns } = runsByPhase(ctx, p)
  const preludes = preludePreviewItems(ctx, planPreludeStep(ctx))
  const items = previewItems(ctx, { ...p, toRun: [...baseRuns, ...prRuns] })
  const info = prCheckInfo(ctx)
  info.basePhase.ran = baseRuns.length
  info.basePhase.alreadyApplied = info.basePhase.total - baseRuns.length
  if (!items.length && !preludes.length) {
    report.status = 'nothing-to-do'
    report.nextStep = `Nothing to preview: history records the base's migrations, and this PR adds none.`
    return
  }
  ctx.log.info(`previewing ${plural(baseRuns.length, 'base migration')}, then ${plural(prRuns.length, 'migration')} of this PR, inside one transaction that is rolled back`)
  let s0: Snapshot | undefined
  let sbLint: SupabaseLintState | undefined
  const prFiles = new Set(prRuns.map((r) => r.migration.up.source.file))
  // Preludes first, then the base phase, then the PR's own: one rolled-back transaction.
  const out = await previewInTransaction(ctx, [...preludes, ...items], {
    before: hookOf(ctx, 'beforeMigrate'),
    afterEach: hookOf(ctx, 'afterEachMigrate'),
    after: hookOf(ctx, 'afterMigrate'),
    phases: {
      baseCount: preludes.length + baseRuns.length,
      atS0: async () => {
              s0 = await snapshotOf(ctx)
        const refusal = await lintThese(ctx, prRuns.map((r) => r.migration))
        sbLint = await prepareSupabaseLint(ctx)
        return refusal
      }
    },
    beforeRollback: async () => {
      if (s0) await schemaChangesSince(ctx, s0)
      if (sbLint && prFiles.size) await runSupabaseLint(ctx, sbLint, prFiles)
    }
  })
  if (baseRuns.length && prRuns.length) {
    report.warnings.push({
      file: '',
      message: `Locks: the base phase ran in the same transaction, so a lock mode it already holds on a table it created (CREATE TABLE takes ACCESS EXCLUSIVE and SHARE) cannot show again for the PR's migrations. For the exact locks, run the PR check as mode: apply with test-rollback: true on the service container.`
    })
  }
  notePreludePreview(ctx, preludes)
  notePartialPreview(ctx, [...preludes, ...items], out)
  const baseItems = items.slice(0, baseRuns.length)
  info.basePhase.durationMs = baseItems.reduce((t, i) => t + (i.result.durationMs ?? 0), 0)
  info.basePhase.failed = baseItems.find((i) => i.result.status === 'failed')?.migration.identity
  info.rollback = 'not run'
  const previewed = items.filter((i) => i.result.status === 'previewed' && !ctx.pr?.baseIds.has(i.migration.identity)).length
  if (out.hookFailed) {
    report.status = 'failed'
    report.error = out.hookFailed
    report.nextStep = out.hookFailed.next
  } else if (out.failed) {
    report.status = 'failed'
    report.nextStep = info.basePhase.failed
      ? `The base branch's own migration ${info.basePhase.failed} would fail on this database, so the PR's migrations were not previewed. Nothing was kept.`
      : `${out.failed.identity} would fail: fix it before merging. Nothing was kept; ${plural(previewed, 'migration')} of this PR before it previewed cleanly.`
  } else if (out.refused) {
    p.summary.refusals.push(out.refused)
    report.status = 'blocked'
    report.nextStep = `Nothing was kept. ${out.refused}`
  } else if (supabaseLintFailed(ctx)) {
    // The Supabase lint failed the preview (lint: error); its next step stands.
  } else {
    report.status = 'success'
    const stop = out.stoppedAt ? ` ${out.stoppedAt.identity} cannot be previewed (${out.stoppedAt.notDryRunnable}); the preview stopped before it.` : ''
    report.nextStep = `Nothing was kept. ${baseRuns.length ? `The base's ${plural(baseRuns.length, 'migration')} previewed first; ` : ''}${plural(previewed, 'migration')} of this PR previewed cleanly.${stop}`
  }
}
