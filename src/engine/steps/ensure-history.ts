// ensure history: only apply creates pgshift's history table, under the lock (so
// concurrent first runs never race) and after its backup (so a failed backup
// changes nothing); a preview or a rollback leaves no trace of pgshift. Where the
// Supabase CLI's history is kept, its rows and ours are then reconciled.
import { ensureHistoryTable, historyTableName } from '../../db/history.js'
import { supabaseColumns } from '../../db/supabase-history.js'
import type { ModeContext } from '../modes/context.js'
import { reconcileSupabaseHistory } from '../supabase-history.js'

/** History-table failures (privileges, a foreign object with that name) get advice naming the input. */
export async function historyStep<T>(fn: () => Promise<T>, schema: string): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    const table = historyTableName(schema)
    throw Object.assign(e as Error, {
      next: `Nothing was changed. pgshift keeps its history in ${table}: the login user needs CREATE on the database (or an existing schema ${schema} it can write to), or choose another schema with the history-schema input.`
    })
  }
}

export async function ensureHistory(ctx: ModeContext): Promise<void> {
  await historyStep(() => ensureHistoryTable(ctx.client, ctx.settings.historySchema), ctx.settings.historySchema)
}

/** The Supabase CLI's rows and ours agree before the first migration runs (DESIGN 8). */
export async function adoptSupabaseHistory(ctx: ModeContext): Promise<void> {
  if (!ctx.supabase) return
  await reconcileSupabaseHistory(ctx.client, ctx.settings.historySchema, ctx.supabase, ctx.run.meta ?? {})
  ctx.supabase.columns = await supabaseColumns(ctx.client)
}
