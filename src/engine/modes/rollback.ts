// rollback (DESIGN 11): down scripts, newest first, by `steps` or down to
// `to-version` (which stays applied). The whole range is checked before anything
// runs; each down commits together with the deletion of its history row.
import { ensureRollbackLog } from '../../db/rollback-log.js'
import { execContext } from '../exec-context.js'
import type { MappedError, MigrationResult } from '../report.js'
import { backupBeforeChanges } from '../steps/backup.js'
import { makeRunDurable } from '../steps/make-durable.js'
import { previewDowns } from '../steps/preview-downs.js'
import { chooseRollbackRange } from '../steps/rollback-range.js'
import { runDowns } from '../steps/run-downs.js'
import { failOnHook, runHook } from '../steps/run-hooks.js'
import type { ModeContext } from './context.js'

export async function rollbackMode(ctx: ModeContext): Promise<void> {
  const range = await chooseRollbackRange(ctx)
  if (!range) return
  const exec = execContext(ctx)
  if (ctx.settings.dryRun) return previewDowns(ctx, exec, range)
  if (!(await backupBeforeChanges(ctx))) return
  // History's record of each down (db/rollback-log.ts): created here, under the run lock, when missing and allowed.
  exec.rollbackLog = await ensureRollbackLog(ctx.client, ctx.settings.historySchema)
  const failed = await runDowns(ctx, exec, range)
  const hookFailed = failed ? undefined : await runHook(ctx, exec, 'afterRollback')
  // One synchronous commit makes this run's downs and hook durable before anything is reported.
  const done = ctx.report.rolledBack?.length ?? 0
  const durable = await makeRunDurable(ctx, done, `this run's ${done} rollback${done === 1 ? '' : 's'} and hooks`)
  verdict(ctx, range.length, failed, hookFailed, durable)
}

function verdict(ctx: ModeContext, total: number, failed: MigrationResult | undefined, hookFailed: MappedError | undefined, durable: boolean): void {
  const { report, settings } = ctx
  const done = report.rolledBack?.length ?? 0
  if (failed) {
    report.status = 'failed'
    const left = total - done
    report.nextStep = `${failed.error?.next ?? 'Fix the down script.'} ${done} migration${done === 1 ? ' was' : 's were'} rolled back and removed from history; ${failed.identity} is intact and still applied. To finish, rerun with steps: ${left}${settings.toVersion ? ` (or the same to-version: ${settings.toVersion})` : ''}.`
  } else if (hookFailed) {
    failOnHook(ctx, hookFailed, `The ${done} down script${done === 1 ? '' : 's'} ran and their history rows are gone.`)
  } else if (durable) {
    report.status = 'success'
    report.nextStep = `Rolled back ${done} migration${done === 1 ? '' : 's'}. A rerun of apply would apply them again: ${report.pending.join(', ')}.`
  }
}
