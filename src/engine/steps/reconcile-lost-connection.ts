// A transactional migration or down whose connection broke (T12, T13). If it broke
// after the server ran COMMIT, the change and its history write are committed
// although the client saw an error. A new connection reads history to know. Never
// rerun blindly, and never count a committed change as failed: a rollback told
// "failed" would be rerun and roll back one migration too many.
import { readHistory } from '../../db/history.js'
import type { Migration } from '../../source/types.js'
import type { ExecContext, ExecOutcome } from '../executor.js'
import type { ModeContext } from '../modes/context.js'

/**
 * `direction` 'up': committed when history records the migration with its checksum.
 * 'down': committed when history no longer records it. When committed, the run goes
 * on with the new connection (the lock, on its own connection, was never lost).
 */
export async function reconcileLostConnection(ctx: ModeContext, exec: ExecContext, m: Migration, outcome: ExecOutcome, direction: 'up' | 'down'): Promise<ExecOutcome> {
  let fresh
  try {
    fresh = await ctx.connect()
    const row = (await readHistory(fresh, ctx.settings.historySchema)).find((r) => r.identity === m.identity)
    const committed = direction === 'up' ? row?.status === 'applied' && row.checksum === m.checksum : row === undefined
    const what = direction === 'up' ? 'applied' : 'rolled back'
    if (committed) {
      exec.client = fresh
      ctx.client = fresh
      ctx.report.warnings.push({
        file: (direction === 'up' ? m.up : (m.down ?? m.up)).source.file,
        message: `the connection broke at the COMMIT of ${m.identity} (its acknowledgement was lost); history, read on a new connection, shows it committed, so it counts as ${what} and is not run again`
      })
      ctx.log.warn(`connection lost at the COMMIT of ${m.identity}: history shows it committed; going on with a new connection`)
      return { ...outcome, ok: true, error: undefined }
    }
    await fresh.end().catch(() => {})
    if (outcome.error) {
      outcome.error.next =
        direction === 'up'
          ? `The connection was lost while the migration ran. History, read on a new connection, does not record ${m.identity}, so the server rolled it back and nothing of it remains. Rerun pgshift: it starts at ${m.identity}.`
          : `The connection was lost while the down script ran. History, read on a new connection, still records ${m.identity}, so the server rolled the down back and ${m.identity} is intact.`
    }
  } catch {
    if (fresh) await fresh.end().catch(() => {})
  }
  return outcome
}
