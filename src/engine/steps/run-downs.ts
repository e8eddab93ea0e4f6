// run downs: the range's down scripts, newest first, each committing together with
// the deletion of its history row, stopping at the first failure. A safety copy
// precedes each down that destroys rows.
import type { Migration } from '../../source/types.js'
import { executeDown, type ExecContext } from '../executor.js'
import type { ModeContext } from '../modes/context.js'
import type { MigrationResult } from '../report.js'
import { withHeartbeat } from '../heartbeat.js'
import { safetyCopiesBefore } from './backup.js'
import { reconcileLostConnection } from './reconcile-lost-connection.js'

/** Fills report.rolledBack; the result of the down that failed, if one did. */
export async function runDowns(ctx: ModeContext, exec: ExecContext, range: Migration[]): Promise<MigrationResult | undefined> {
  const { report } = ctx
  const byIdentity = new Map(report.migrations.map((r) => [r.identity, r]))
  report.rolledBack = []
  let failed: MigrationResult | undefined
  const started = performance.now()
  for (const [k, m] of range.entries()) {
    const result = byIdentity.get(m.identity) as MigrationResult
    if (failed || ctx.isCancelled() || ctx.isLockLost()) {
      result.note = 'not rolled back: the rollback stopped before it'
      continue
    }
    const down = m.down as NonNullable<Migration['down']>
    const o = await ctx.log.group(`[${k + 1}/${range.length}] rollback ${m.identity}`, async () => {
      let r =
        (await safetyCopiesBefore(ctx, m.identity, down, `${m.identity}.down`)) ??
        (await withHeartbeat(ctx.log, `rollback ${m.identity}`, down.source.file, (cursor) => executeDown({ ...exec, cursor }, m)))
      if (r.connectionLost && !ctx.isCancelled()) r = await reconcileLostConnection(ctx, exec, m, r, 'down')
      ctx.log.progress({ index: k + 1, total: range.length, title: `rollback ${m.identity}`, ok: r.ok, verb: r.ok ? 'rolled back' : 'FAILED', durationMs: r.durationMs, elapsedMs: performance.now() - started })
      return r
    })
    result.durationMs = Math.round(o.durationMs)
    if (o.ok) {
      result.status = 'rolled-back'
      report.rolledBack.push(m.identity)
    } else {
      failed = result
      result.status = 'failed'
      result.error = o.error
    }
  }
  report.pending = [...report.rolledBack].reverse()
  return failed
}
