// apply: pending migrations in order, each in its own transaction (or statement
// by statement), stopping at the first failure.
import { sessionSettingsSql } from '../../db/connect.js'
import { existingRelations } from '../../db/locks.js'
import { executeMigration, type ExecContext } from '../executor.js'
import { blockOnRefusals, fillFromPlan } from '../plan-report.js'
import { lintPending } from '../lint-pending.js'
import { plan } from '../plan.js'
import type { MigrationResult } from '../report.js'
import type { ModeContext } from './context.js'
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
    isCancelled: ctx.isCancelled,
    onRetry: (attempt, delay, reason) => log.warn(`lock timeout (${reason}); retry ${attempt} of ${settings.lockRetries} in ${(delay / 1000).toFixed(1)}s`)
  }
}

export async function applyMode(ctx: ModeContext): Promise<void> {
  const { report, log } = ctx
  const p = plan(ctx.found.migrations, ctx.history, ctx.settings)
  fillFromPlan(report, p)
  await lintPending(ctx, p)
  if (blockOnRefusals(report, p)) return
  const exec = execContext(ctx)
  const total = p.toRun.length
  // test-rollback compares against the schema before this run's migrations. On such an
  // ephemeral database the report also shows the locks each migration took.
  const s0 = ctx.settings.testRollback ? await snapshotOf(ctx) : undefined
  if (s0) exec.collectLocks = await existingRelations(ctx.client, ctx.settings.historySchema)
  const byIdentity = new Map(report.migrations.map((r) => [r.identity, r]))
  let failed: MigrationResult | undefined
  for (const [k, run] of p.toRun.entries()) {
    const result = byIdentity.get(run.migration.identity) as MigrationResult
    if (failed || ctx.isCancelled()) {
      result.status = 'skipped'
      continue
    }
    if (ctx.isLockLost()) {
      failed = result
      result.status = 'skipped'
      report.error = { message: 'lost the lock connection: another runner may now start', next: 'Nothing more was run after the lock was lost. Rerun pgshift: it resumes at the first unapplied migration.' }
      continue
    }
    const outcome = await log.group(`[${k + 1}/${total}] ${run.migration.identity}`, async () => {
      const o = await executeMigration(exec, run)
      log.info(`${o.ok ? 'applied' : 'FAILED'} in ${Math.round(o.durationMs)} ms${o.retries ? ` after ${o.retries} lock-timeout retries` : ''}`)
      return o
    })
    result.durationMs = Math.round(outcome.durationMs)
    if (outcome.retries) result.retries = outcome.retries
    if (outcome.locks) result.locks = outcome.locks
    if (outcome.ok) {
      result.status = 'applied'
      result.statementsDone = undefined
      report.applied.push(run.migration.identity)
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
}
