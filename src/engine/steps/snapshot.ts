// snapshot: the schema as the catalogs describe it, without pgshift's and the
// Supabase CLI's bookkeeping. S0 before a run's migrations, S1 after them.
import { existingRelations } from '../../db/locks.js'
import { SUPABASE_SCHEMA } from '../../db/supabase-history.js'
import { diffSnapshots } from '../../inspect/diff.js'
import { takeSnapshot, type Snapshot } from '../../inspect/snapshot.js'
import type { ExecContext } from '../executor.js'
import type { ModeContext } from '../modes/context.js'

export async function snapshotOf(ctx: ModeContext): Promise<Snapshot> {
  return takeSnapshot(ctx.client, { excludeSchemas: [ctx.settings.historySchema, SUPABASE_SCHEMA] })
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

/**
 * Row estimates at S0 for the lint (issue 16 reads pg_class.reltuples): a table the base
 * phase filled has never been analyzed (reltuples -1). Only tables holding data and never
 * analyzed, so a kept database's statistics are left alone. Runs inside dry-run's transaction too.
 */
export async function analyzeNewTables(ctx: ModeContext): Promise<void> {
  const r = await ctx.client.query<{ t: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND c.reltuples < 0 AND n.nspname NOT IN ('pg_catalog', 'information_schema', $1)
        AND n.nspname NOT LIKE 'pg\\_%' AND pg_relation_size(c.oid) > 0`,
    [ctx.settings.historySchema]
  )
  if (r.rows.length) await ctx.client.query(`ANALYZE ${r.rows.map((x) => x.t).join(', ')}`)
}
