// rollback advice: a migration that fails on "already exists" after a rollback of
// it was recorded (db/rollback-log.ts) is not a case of an object made by hand:
// the down that ran left the object behind. The advice names that down, when it
// ran and in which run, and whether the down in this commit is still that one
// (the record's checksum), instead of guessing.
import { lastRollback, rollbackLogName } from '../../db/rollback-log.js'
import { checksum } from '../../source/checksum.js'
import type { Migration } from '../../source/types.js'
import type { ModeContext } from '../modes/context.js'
import type { MappedError } from '../report.js'

/** duplicate_table, duplicate_object, duplicate_function. */
const ALREADY_EXISTS = new Set(['42P07', '42710', '42723'])

/** `relation "audit_log"` out of `relation "audit_log" already exists`; undefined when the message has another form. */
export function objectInMessage(message: string): string | undefined {
  const m = /^(.*?) already exists\b/.exec(message)
  return m?.[1]?.trim() || undefined
}

/** Replaces error.next when history records a rollback of `m`. */
export async function adviseAfterRollback(ctx: ModeContext, m: Migration, error: MappedError | undefined): Promise<void> {
  if (!error?.sqlstate || !ALREADY_EXISTS.has(error.sqlstate)) return
  const record = await lastRollback(ctx.client, ctx.settings.historySchema, m.identity)
  if (!record) return
  const object = objectInMessage(error.message) ?? 'the object named above'
  const run = record.runUrl ? ` (${record.runUrl})` : record.actor ? ` (by ${record.actor})` : ''
  const down = downNow(m, record.downChecksum)
  const fix =
    down.state === 'unchanged'
      ? `${down.file} is unchanged since that rollback (its checksum is the one recorded), so it still does not drop ${object}. Drop ${object} (or fix ${down.file} so that it drops it, and drop it once by hand), then rerun.`
      : down.state === 'changed'
        ? `${down.file} has changed since that rollback (its checksum is not the one recorded): the down that ran is not the one in this commit, so check that this one drops ${object}. Drop ${object} once by hand, then rerun.`
        : `${m.identity} has no down script in this commit any more, so nothing will drop ${object} on a rollback. Drop ${object} once by hand, then rerun.`
  error.next =
    `History records that ${m.identity} was rolled back at ${record.rolledBackAt}${run} by ${record.downScript}, and that down did not drop ${object}, so it is incomplete (recorded in ${rollbackLogName(ctx.settings.historySchema)}). ` +
    `${fix} Nothing of ${error.file ?? m.file} was kept, so a rerun starts again at this file.`
}

/**
 * The down script in this commit against the one the rollback ran: the record holds
 * its checksum (computed as the executor does, over the down's own text: a file, or
 * a dbmate/goose section). Read on this failure only; the parser is loaded (the up ran).
 */
function downNow(m: Migration, recorded: string): { state: 'unchanged' | 'changed'; file: string } | { state: 'none' } {
  let down
  try {
    down = m.down
  } catch {
    down = undefined
  }
  if (!down) return { state: 'none' }
  return { state: checksum(down.source.text) === recorded ? 'unchanged' : 'changed', file: down.source.file }
}
