// snapshot: the schema as the catalogs describe it, without pgshift's and the
// Supabase CLI's bookkeeping. S0 before a run's migrations, S1 after them.
import { HISTORY_TABLE } from '../../db/history.js'
import { existingRelations } from '../../db/locks.js'
import { ROLLBACK_LOG_TABLE } from '../../db/rollback-log.js'
import { SUPABASE_SCHEMA } from '../../db/supabase-history.js'
import { diffSnapshots } from '../../inspect/diff.js'
import { takeSnapshot, type Snapshot, type SnapshotOptions } from '../../inspect/snapshot.js'
import type { ExecContext } from '../executor.js'
import type { ModeContext } from '../modes/context.js'

/**
 * What a snapshot leaves out: the Supabase CLI's schema, and pgshift's own tables in the
 * history schema (the schema too while nothing else lives in it: `history-schema: public`
 * must not hide the application's tables).
 */
export function bookkeepingOf(historySchema: string): SnapshotOptions {
  return { excludeSchemas: [SUPABASE_SCHEMA], bookkeeping: { schema: historySchema, tables: [HISTORY_TABLE, ROLLBACK_LOG_TABLE] } }
}

export async function snapshotOf(ctx: ModeContext): Promise<Snapshot> {
  return takeSnapshot(ctx.client, bookkeepingOf(ctx.settings.historySchema))
}

/**
 * S0, before the run's migrations, on an ephemeral database (test-rollback). The
 * executor then also reads the locks each migration takes on the relations that
 * exist now: those are the ones live traffic would wait on.
 */
export async function snapshotBefore(ctx: ModeContext, exec: ExecContext): Promise<Snapshot> {
  const s0 = await snapshotOf(ctx)
  exec.collectLocks = await existingRelations(ctx.client, ctx.settings.historySchema)
  return s0
}

/** S0 -> S1: what the run's migrations changed, for the reviewer (report.schemaChanges). */
export async function schemaChangesSince(ctx: ModeContext, s0: Snapshot): Promise<void> {
  ctx.report.schemaChanges = diffSnapshots(s0, await snapshotOf(ctx))
}

