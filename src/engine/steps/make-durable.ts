// make durable: one synchronous commit that flushes the run's asynchronous commits
// (see makeDurable in ../executor.ts) before anything is reported as done.
import { makeDurable } from '../executor.js'
import type { ModeContext } from '../modes/context.js'
import type { RunReport } from '../report.js'

/**
 * When the server cannot confirm, the run fails: what is recorded is still
 * consistent, and the next run reads history to see what survived.
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

/** The durability step of a run that changed `count` things (or ran hooks); true when there was nothing to flush. */
export async function makeRunDurable(ctx: ModeContext, count: number, what: string): Promise<boolean> {
  return count || ctx.report.hooks?.length ? confirmDurable(ctx, ctx.report, what) : true
}
