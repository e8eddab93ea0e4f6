// apply pending: the planned migrations in order, each in its own log group and
// transaction (or statement by statement), stopping at the first failure. A safety
// copy precedes each script that destroys rows; afterEachMigrate runs after each
// one that applied. What did not run is marked skipped.
import { executeMigration, type ExecContext } from '../executor.js'
import type { ModeContext } from '../modes/context.js'
import type { PlannedRun } from '../plan.js'
import type { MappedError, MigrationResult } from '../report.js'
import { withHeartbeat } from '../heartbeat.js'
import { safetyCopiesBefore } from './backup.js'
import { reconcileLostConnection } from './reconcile-lost-connection.js'
import { adviseAfterRollback } from './rollback-advice.js'
import { runHook } from './run-hooks.js'

export interface ApplyOutcome {
  /** The migration that failed (or the one not started because the lock was lost). */
  failed?: MigrationResult
  /** afterEachMigrate failed: nothing after it ran. */
  afterEachFailed?: MappedError
}

/** Marks every run as skipped (a hook failed before the first one). */
export function skipAll(ctx: ModeContext, runs: PlannedRun[]): void {
  const byIdentity = new Map(ctx.report.migrations.map((r) => [r.identity, r]))
  for (const run of runs) (byIdentity.get(run.migration.identity) as MigrationResult).status = 'skipped'
}

/** quiet: no log group and no progress line per migration (the PR check's base phase is one line). */
export async function applyPending(ctx: ModeContext, exec: ExecContext, runs: PlannedRun[], opts: { quiet?: boolean } = {}): Promise<ApplyOutcome> {
  const { report, log } = ctx
  const byIdentity = new Map(report.migrations.map((r) => [r.identity, r]))
  const total = runs.length
  let failed: MigrationResult | undefined
  let afterEachFailed: MappedError | undefined
  const started = performance.now()
  for (const [k, run] of runs.entries()) {
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
    const one = async () => {
      let o =
        (await safetyCopiesBefore(ctx, identity, run.migration.up, identity)) ??
        (await withHeartbeat(log, identity, run.migration.up.source.file, (cursor) => executeMigration({ ...exec, cursor }, run)))
      if (o.connectionLost && !ctx.isCancelled()) o = await reconcileLostConnection(ctx, exec, run.migration, o, 'up')
      const verb = `${o.ok ? 'applied' : 'FAILED'}${o.retries ? ` after ${o.retries} lock-timeout retries` : ''}`
      if (!opts.quiet || !o.ok) log.progress({ index: k + 1, total, title: identity, ok: o.ok, verb, durationMs: o.durationMs, elapsedMs: performance.now() - started })
      return o
    }
    const outcome = opts.quiet ? await one() : await log.group(`[${k + 1}/${total}] ${identity}`, one)
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
      await adviseAfterRollback(ctx, run.migration, result.error)
      if (ctx.isCancelled() && result.error) result.error.next = `The run was cancelled; ${result.error.next}`
    }
  }
  return { failed, afterEachFailed }
}
