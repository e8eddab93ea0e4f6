// make durable: one synchronous commit that flushes the run's asynchronous commits
// (see makeDurable in ../executor.ts) before anything is reported as done.
import { connectionLost } from '../../db/connect.js'
import { readHistory } from '../../db/history.js'
import { makeDurable } from '../executor.js'
import type { ModeContext } from '../modes/context.js'
import type { RunReport } from '../report.js'

/**
 * When the server cannot confirm, the run fails: what is recorded is still
 * consistent, and the next run reads history to see what survived. The report
 * then lists as applied only what history holds on a new connection: a crash
 * can lose the last asynchronous commits, and a migration the server lost must
 * never appear in the `applied` output. A connection that the server closed (a
 * restart or shutdown, 57P01) is reported as that, not as a durability failure.
 */
export async function confirmDurable(ctx: ModeContext, report: RunReport, what: string): Promise<boolean> {
  try {
    await makeDurable(ctx.client, ctx.settings.historySchema)
    return true
  } catch (e) {
    report.status = 'failed'
    const lost = connectionLost(ctx.client)
    const survived = await historyOnNewConnection(ctx)
    const claimed = report.applied
    report.applied = survived ? claimed.filter((id) => survived.has(id)) : []
    const gone = claimed.filter((id) => !report.applied.includes(id))
    for (const r of report.migrations) {
      if (!gone.includes(r.identity)) continue
      r.status = 'pending'
      r.note = survived
        ? 'it committed, but the server lost it before it reached disk (asynchronous commit, then a crash): history, read on a new connection, does not record it, so a rerun applies it'
        : 'it committed, but whether it reached disk is unknown: the server could not be reached again to read history'
    }
    if (report.mode === 'apply') report.pending = [...new Set([...gone, ...report.pending])]
    // A rollback: a down counts as done only when history, read again, no longer records it.
    if (report.rolledBack) report.rolledBack = survived ? report.rolledBack.filter((id) => !survived.has(id)) : []
    const kept = survived
      ? `History, read on a new connection, records ${report.applied.length ? report.applied.join(', ') : 'none of this run\'s migrations'}${gone.length ? `; lost by the server: ${gone.join(', ')}` : ''}.`
      : `The server could not be reached again, so whether ${claimed.join(', ')} reached disk is unknown.`
    const next = `Each migration committed together with its history row, so history and schema agree whatever survived. ${kept} Rerun pgshift: it reads history and applies only what is not recorded.`
    const cause = serverEnded(report)
    if (cause) {
      // A restart or shutdown (57P01), a pooler dropping the database (08P01): the cause, not its consequence.
      report.error ??= { message: `the server ended the connection: ${cause.message} (SQLSTATE ${cause.sqlstate}): ${ENDED[cause.sqlstate] ?? ''}`, sqlstate: cause.sqlstate, next }
    } else if (lost) {
      report.error ??= { message: `${lost.message} ${lost.next}`, sqlstate: lost.sqlstate, next }
    } else {
      report.error ??= { message: `the server did not confirm that ${what} reached disk: ${(e as Error).message}`, next }
    }
    report.nextStep = report.error.next ?? report.nextStep
    return false
  }
}

const ENDED: Record<string, string> = {
  '57P01': 'the server was restarted or shut down, or an administrator ended the session (pg_terminate_backend)',
  '57P02': 'the server crashed (another backend failed) and restarted',
  '57P03': 'the server is starting up or shutting down',
  '08P01': "the pooler dropped the connection (PgBouncer's 'database removed')"
}

/** The error a migration or hook of this run got when the server ended its connection, if one did. */
function serverEnded(report: RunReport): { message: string; sqlstate: string } | undefined {
  const errors = [...report.migrations.map((m) => m.error), ...(report.hooks ?? []).map((h) => h.error)]
  for (const e of errors) if (e?.sqlstate && e.sqlstate in ENDED) return { message: e.message, sqlstate: e.sqlstate }
  return undefined
}

/** The identities history holds, read on a new connection; undefined when the server cannot be reached. */
async function historyOnNewConnection(ctx: ModeContext): Promise<Set<string> | undefined> {
  let fresh
  try {
    fresh = await ctx.connect()
    return new Set((await readHistory(fresh, ctx.settings.historySchema)).filter((r) => r.status === 'applied').map((r) => r.identity))
  } catch {
    return undefined
  } finally {
    await fresh?.end().catch(() => {})
  }
}

/** The durability step of a run that changed `count` things (or ran hooks); true when there was nothing to flush. */
export async function makeRunDurable(ctx: ModeContext, count: number, what: string): Promise<boolean> {
  return count || ctx.report.hooks?.length ? confirmDurable(ctx, ctx.report, what) : true
}
