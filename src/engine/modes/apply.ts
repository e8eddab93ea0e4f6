// apply: pending migrations in order, each in its own transaction (or statement
// by statement), stopping at the first failure. With test-rollback (a PR check on
// an ephemeral database), the same migrations then go down and up again.
import type { Snapshot } from '../../inspect/snapshot.js'
import { execContext } from '../exec-context.js'
import type { Plan } from '../plan.js'
import { applyPending, skipAll, type ApplyOutcome } from '../steps/apply-pending.js'
import { backupBeforeChanges } from '../steps/backup.js'
import { adoptSupabaseHistory, ensureHistory } from '../steps/ensure-history.js'
import { lintAlongside, type LintAlongside } from '../steps/lint-pending.js'
import { failOnPrelude, planPreludeStep, runPreludes } from '../steps/preludes.js'
import { makeRunDurable } from '../steps/make-durable.js'
import { blockOnRefusals, planPending } from '../steps/plan.js'
import { failOnHook, runHook } from '../steps/run-hooks.js'
import { prepareSupabaseLint, runSupabaseLint } from '../steps/supabase-lint.js'
import { testRollback } from '../steps/test-rollback.js'
import type { ModeContext } from './context.js'

export async function applyMode(ctx: ModeContext): Promise<void> {
  // With a base (the PR check): the base phase, then the PR's own migrations judged alone.
  // (Loaded only then, as the schema snapshot is only with test-rollback: a deploy does not compile either.)
  if (ctx.pr) return (await import('./pr-check.js')).applyPrCheck(ctx)
  const p = planPending(ctx)
  const preludes = planPreludeStep(ctx)
  // lint: warn lints each file while the server runs one; every finding is in the report however the run ends.
  const lint = await lintAlongside(ctx, p)
  try {
    await applySteps(ctx, p, preludes, lint)
  } finally {
    lint?.finish()
  }
}

async function applySteps(ctx: ModeContext, p: Plan, preludes: ReturnType<typeof planPreludeStep>, lint: LintAlongside | undefined): Promise<void> {
  // The backup comes first: when it fails, nothing (not even the history table) has changed.
  if (!p.summary.refusals.length && (p.toRun.length || preludes.length) && !(await backupBeforeChanges(ctx))) return
  await ensureHistory(ctx)
  if (blockOnRefusals(ctx.report, p)) return
  await adoptSupabaseHistory(ctx)
  const exec = execContext(ctx)
  // Preludes first: the Supabase lint's baseline and test-rollback's S0 come after them.
  const preludeFailed = await runPreludes(ctx, exec, preludes)
  if (preludeFailed) {
    skipAll(ctx, p.toRun)
    await makeRunDurable(ctx, 1, "this run's preludes")
    return failOnPrelude(ctx, preludeFailed)
  }
  // The Supabase lint judges only what this run applies: with nothing to run, no baseline is read.
  const sbLint = p.toRun.length ? await prepareSupabaseLint(ctx) : undefined
  // test-rollback compares against the schema before this run's migrations (S0). On such an
  // ephemeral database the report also shows the locks each migration took.
  const s0 = ctx.settings.testRollback ? await (await import('../steps/snapshot.js')).snapshotBefore(ctx, exec) : undefined
  const hookFailed = await runHook(ctx, exec, 'beforeMigrate')
  if (hookFailed) {
    skipAll(ctx, p.toRun)
    return failOnHook(ctx, hookFailed, 'No migration ran.')
  }
  const out = await applyPending(ctx, lint ? { ...exec, whileWaiting: lint.step } : exec, p.toRun)
  ctx.report.pending = p.toRun.map((r) => r.migration.identity).filter((id) => !ctx.report.applied.includes(id))
  const afterFailed = out.failed || out.afterEachFailed ? undefined : await runHook(ctx, exec, 'afterMigrate')
  // One synchronous commit makes this run's migrations and hooks durable before anything is reported.
  const n = ctx.report.applied.length
  const durable = await makeRunDurable(ctx, n + preludes.length, `this run's ${n} migration${n === 1 ? '' : 's'}, preludes and hooks`)
  if (!(await verdict(ctx, p, out, afterFailed, durable, s0))) return
  // Only when this run changed the schema: a no-op deploy has nothing new to lint.
  if (sbLint && !out.failed && ctx.report.applied.length) {
    const ran = new Set(p.toRun.filter((r) => ctx.report.applied.includes(r.migration.identity)).map((r) => r.migration.up.source.file))
    await runSupabaseLint(ctx, sbLint, ran)
  }
}

/** Status and next step, after the rollback test when one was asked for; false when the run stops here (a hook failed, or durability was not confirmed). */
async function verdict(ctx: ModeContext, p: Plan, out: ApplyOutcome, afterFailed: ApplyOutcome['afterEachFailed'], durable: boolean, s0: Snapshot | undefined): Promise<boolean> {
  const { report } = ctx
  const { failed, afterEachFailed } = out
  const n = report.applied.length
  const kept = `The ${n} migration${n === 1 ? '' : 's'} applied by this run stay${n === 1 ? 's' : ''} applied and recorded.`
  if (afterEachFailed) {
    failOnHook(ctx, afterEachFailed, kept)
    return false
  }
  if (afterFailed) {
    failOnHook(ctx, afterFailed, kept)
    return false
  }
  if (!durable && !failed) return false
  if (failed) {
    report.status = 'failed'
    const kept = n ? ` ${n === 1 ? 'The 1 migration before it stays' : `The ${n} migrations before it stay`} applied and recorded.` : ''
    report.nextStep = `${failed.error?.next ?? report.error?.next ?? 'Fix the cause and rerun.'}${kept}`
  } else if (s0 && !(await testRollback(ctx, p.toRun.map((r) => r.migration).filter((m) => report.applied.includes(m.identity)), s0))) {
    report.status = 'failed'
    report.nextStep = 'The migrations applied, but the rollback test failed: fix the down scripts named above so that up, down, up leaves the same schema.'
  } else if (n || report.preludes?.some((x) => x.status === 'ran')) {
    report.status = 'success'
    report.nextStep = `A rerun applies nothing: all migrations${report.preludes?.length ? ' and preludes' : ''} are recorded in ${report.historyTable}.${s0 ? ' The rollback test passed: up, down, up left the same schema.' : ''}`
  } else {
    report.status = 'nothing-to-do'
    report.nextStep = `Nothing to apply: all migrations are recorded in ${report.historyTable}.`
  }
  return true
}
