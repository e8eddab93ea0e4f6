// apply: pending migrations in order, each in its own transaction (or statement
// by statement), stopping at the first failure.
import { sessionSettingsSql } from '../../db/connect.js'
import { existingRelations } from '../../db/locks.js'
import { executeMigration, makeDurable, type ExecContext } from '../executor.js'
import { blockOnRefusals, fillFromPlan } from '../plan-report.js'
import { lintPending } from '../lint-pending.js'
import { plan } from '../plan.js'
import { reconcileSupabaseHistory } from '../supabase-history.js'
import { prepareSupabaseLint, runSupabaseLint } from '../supabase-lint.js'
import { supabaseColumns } from '../../db/supabase-history.js'
import type { MappedError, MigrationResult, RunReport } from '../report.js'
import { backupBeforeChanges, safetyCopiesBefore } from '../backup-step.js'
import { failOnHook, runHook } from '../hooks.js'
import type { ModeContext } from './context.js'
import { reconcileLostConnection } from './reconcile.js'
import { snapshotOf, testRollback } from './test-rollback.js'

export function execContext(ctx: ModeContext): ExecContext {
  const { settings, log } = ctx
  return {
    client: ctx.client,
    historySchema: settings.historySchema,
    lockTimeoutMs: settings.lockTimeoutMs,
    lockRetries: settings.lockRetries,
    statementTimeoutMs: settings.statementTimeoutMs,
    sessionSql: ctx.sessionSql ? `${sessionSettingsSql()};${ctx.sessionSql}` : sessionSettingsSql(),
    meta: ctx.run.meta ?? {},
    supabase: ctx.supabase
      ? { entries: ctx.supabase.entries, columns: ctx.supabase.columns, tableExists: ctx.supabase.tableExists, adopted: new Set(ctx.supabase.adopted.map((m) => m.identity)) }
      : undefined,
    isCancelled: ctx.isCancelled,
    onRetry: (attempt, delay, reason) => log.warn(`lock timeout (${reason}); retry ${attempt} of ${settings.lockRetries} in ${(delay / 1000).toFixed(1)}s`)
  }
}

/**
 * Flushes the run's asynchronous commits (see makeDurable) before anything is
 * reported as done. When the server cannot confirm, the run fails: what is recorded
 * is still consistent, and the next run reads history to see what survived.
 */
export async function confirmDurable(ctx: ModeContext, report: RunReport, what: string): Promise<boolean> {
  try {
    await makeDurable(ctx.client, ctx.settings.historySchema)
    return true
  } catch (e) {
    report.status = 'failed'
    // A more specific error (the lost connection that also broke this) stays the one reported.
    report.error ??= {
      message: `the server did not confirm that ${what} reached disk: ${(e as Error).message}`,
      next: `Each migration committed together with its history row, so history and schema agree whatever survived. Rerun pgshift: it reads history and applies only what is not recorded.`
    }
    report.nextStep = report.error.next ?? report.nextStep
    return false
  }
}

export async function applyMode(ctx: ModeContext): Promise<void> {
  const { report, log } = ctx
  const p = plan(ctx.found.migrations, ctx.history, ctx.settings)
  fillFromPlan(report, p)
  await lintPending(ctx, p)
  // The backup comes first: when it fails, nothing (not even the history table) has changed.
  if (!p.summary.refusals.length && p.toRun.length && !(await backupBeforeChanges(ctx))) return
  await ctx.ensureHistory()
  if (blockOnRefusals(report, p)) return
  if (ctx.supabase) {
    await reconcileSupabaseHistory(ctx.client, ctx.settings.historySchema, ctx.supabase, ctx.run.meta ?? {})
    ctx.supabase.columns = await supabaseColumns(ctx.client)
  }
  const sbLint = await prepareSupabaseLint(ctx)
  const exec = execContext(ctx)
  const total = p.toRun.length
  // test-rollback compares against the schema before this run's migrations. On such an
  // ephemeral database the report also shows the locks each migration took.
  const s0 = ctx.settings.testRollback ? await snapshotOf(ctx) : undefined
  if (s0) exec.collectLocks = await existingRelations(ctx.client, ctx.settings.historySchema)
  const byIdentity = new Map(report.migrations.map((r) => [r.identity, r]))
  const hookFailed = await runHook(ctx, exec, 'beforeMigrate')
  if (hookFailed) {
    for (const run of p.toRun) (byIdentity.get(run.migration.identity) as MigrationResult).status = 'skipped'
    return failOnHook(ctx, hookFailed, 'No migration ran.')
  }
  let failed: MigrationResult | undefined
  let afterEachFailed: MappedError | undefined
  const started = performance.now()
  for (const [k, run] of p.toRun.entries()) {
    const result = byIdentity.get(run.migration.identity) as MigrationResult
    if (failed || afterEachFailed || ctx.isCancelled()) {
      result.status = 'skipped'
      continue
    }
    if (ctx.isLockLost()) {
      failed = result
      result.status = 'skipped'
      report.error = { message: 'lost the lock connection: another runner may now start', next: 'Nothing more was run after the lock was lost. Rerun pgshift: it resumes at the first unapplied migration.' }
      continue
    }
    const identity = run.migration.identity
    const outcome = await log.group(`[${k + 1}/${total}] ${identity}`, async () => {
      let o = (await safetyCopiesBefore(ctx, identity, run.migration.up, identity)) ?? (await executeMigration(exec, run))
      if (o.connectionLost && !ctx.isCancelled()) o = await reconcileLostConnection(ctx, exec, run.migration, o, 'up')
      const verb = `${o.ok ? 'applied' : 'FAILED'}${o.retries ? ` after ${o.retries} lock-timeout retries` : ''}`
      log.progress({ index: k + 1, total, title: identity, ok: o.ok, verb, durationMs: o.durationMs, elapsedMs: performance.now() - started })
      return o
    })
    result.durationMs = Math.round(outcome.durationMs)
    if (outcome.retries) result.retries = outcome.retries
    if (outcome.locks) result.locks = outcome.locks
    if (outcome.ok) {
      result.status = 'applied'
      result.statementsDone = undefined
      report.applied.push(run.migration.identity)
      afterEachFailed = await runHook(ctx, exec, 'afterEachMigrate', identity)
    } else {
      failed = result
      result.status = outcome.statementsDone ? 'partial' : 'failed'
      result.statementsDone = outcome.statementsDone
      result.leftovers = outcome.leftovers
      result.error = outcome.error
      if (ctx.isCancelled() && result.error) result.error.next = `The run was cancelled; ${result.error.next}`
    }
  }
  report.pending = p.toRun.map((r) => r.migration.identity).filter((id) => !report.applied.includes(id))
  const n = report.applied.length
  const kept = `The ${n} migration${n === 1 ? '' : 's'} applied by this run stay${n === 1 ? 's' : ''} applied and recorded.`
  const afterFailed = failed || afterEachFailed ? undefined : await runHook(ctx, exec, 'afterMigrate')
  // One synchronous commit makes this run's migrations and hooks durable before anything is reported.
  const durable = n || report.hooks?.length ? await confirmDurable(ctx, report, `this run's ${n} migration${n === 1 ? '' : 's'} and hooks`) : true
  if (afterEachFailed) return failOnHook(ctx, afterEachFailed, kept)
  if (afterFailed) return failOnHook(ctx, afterFailed, kept)
  if (!durable && !failed) return
  if (failed) {
    report.status = 'failed'
    const kept = n ? ` The ${n} migration${n === 1 ? '' : 's'} before it stay applied and recorded.` : ''
    report.nextStep = `${failed.error?.next ?? report.error?.next ?? 'Fix the cause and rerun.'}${kept}`
  } else if (s0 && !(await testRollback(ctx, p.toRun.map((r) => r.migration).filter((m) => report.applied.includes(m.identity)), s0))) {
    report.status = 'failed'
    report.nextStep = 'The migrations applied, but the rollback test failed: fix the down scripts named above so that up, down, up leaves the same schema.'
  } else if (n) {
    report.status = 'success'
    report.nextStep = `A rerun applies nothing: all migrations are recorded in ${report.historyTable}.${s0 ? ' The rollback test passed: up, down, up left the same schema.' : ''}`
  } else {
    report.status = 'nothing-to-do'
    report.nextStep = `Nothing to apply: all migrations are recorded in ${report.historyTable}.`
  }
  // Only when this run changed the schema: a no-op deploy has nothing new to lint.
  if (sbLint && !failed && report.applied.length) {
    const ran = new Set(p.toRun.filter((r) => report.applied.includes(r.migration.identity)).map((r) => r.migration.up.source.file))
    await runSupabaseLint(ctx, sbLint, ran)
  }
}
