// rollback advice: a migration that fails on "already exists" after a rollback of
// it was recorded (db/rollback-log.ts) is not a case of an object made by hand:
// the down that ran left the object behind. The advice names that down, when it
// ran and in which run, instead of guessing.
import { lastRollback, rollbackLogName } from '../../db/rollback-log.js'
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
  error.next =
    `History records that ${m.identity} was rolled back at ${record.rolledBackAt}${run} by ${record.downScript}, and that down did not drop ${object}, so it is incomplete (recorded in ${rollbackLogName(ctx.settings.historySchema)}). ` +
    `Drop ${object} (or fix ${record.downScript} so that it drops it, and drop it once by hand), then rerun. Nothing of ${error.file ?? m.file} was kept, so a rerun starts again at this file.`
}
