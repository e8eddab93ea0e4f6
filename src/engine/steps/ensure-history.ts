// ensure history: only apply creates pgshift's history table, under the lock (so
// concurrent first runs never race) and after its backup (so a failed backup
// changes nothing); a preview or a rollback leaves no trace of pgshift. Where the
// Supabase CLI's history is kept, its rows and ours are then reconciled.
import { escapeIdentifier } from 'pg'
import { ensureHistoryTable, historyTableName, type HistoryAccess, type HistoryState } from '../../db/history.js'
import { supabaseColumns } from '../../db/supabase-history.js'
import { transactionPoolerError } from '../../db/url.js'
import { BACKEND_MOVED_SQLSTATE, LOCK_LOST_SQLSTATE, runGuardSql } from '../executor.js'
import type { ModeContext } from '../modes/context.js'
import { reconcileSupabaseHistory } from '../supabase-history.js'

/** History-table failures (privileges, a foreign object with that name) get advice naming the input. */
export async function historyStep<T>(fn: () => Promise<T>, schema: string): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    const err = e as Error & { code?: string; next?: string; historyState?: HistoryState; historyAccess?: HistoryAccess }
    if (err.code === '42501' && err.historyState) throw Object.assign(err, privilegeAdvice(err, schema, err.historyState))
    const access = err.code === '42501' ? err.historyAccess : undefined
    if (access && (!access.usage || access.missing?.includes('SELECT'))) throw Object.assign(err, accessAdvice(err, schema, access))
    const table = historyTableName(schema)
    throw Object.assign(err, {
      next: `Nothing was changed. pgshift keeps its history in ${table}: the login user needs CREATE on the database (or an existing schema ${schema} it can write to), or choose another schema with the history-schema input.`
    })
  }
}

/**
 * The privilege the missing piece needs, and the one-time fix: an existing schema
 * is never created again, so a role without CREATE on the database works once the
 * schema is there (DESIGN 8: our metadata in our own schema).
 */
function privilegeAdvice(err: Error, schema: string, state: HistoryState): { message: string; next: string } {
  const s = escapeIdentifier(schema)
  const role = state.user ? escapeIdentifier(state.user) : '<login role>'
  const db = state.database ? escapeIdentifier(state.database) : '<database>'
  if (!state.schema) {
    return {
      message: `${err.message}: the history schema ${s} does not exist, and creating it needs the CREATE privilege on the database, which the login role ${role} lacks`,
      next: `Nothing was changed. Create the schema once, as the database owner or a superuser: \`CREATE SCHEMA ${s} AUTHORIZATION ${role};\` (pgshift never creates a schema that exists, so the role needs no CREATE on the database), or \`GRANT CREATE ON DATABASE ${db} TO ${role};\`, or set history-schema to a schema the role owns.`
    }
  }
  return {
    message: `${err.message}: the history table ${historyTableName(schema)} does not exist, and creating it needs the CREATE privilege on schema ${s}, which the login role ${role} lacks`,
    next: `Nothing was changed. Let the login role create tables there, as the schema's owner: \`GRANT USAGE, CREATE ON SCHEMA ${s} TO ${role};\` (or \`ALTER SCHEMA ${s} OWNER TO ${role};\`), or set history-schema to a schema the role owns.`
  }
}

/**
 * A history that exists but that the login role may not read: the schema without
 * USAGE, or the table without SELECT. Names the schema, the role and the GRANTs
 * that let it read and write history (apply, rollback and the dry-run's preview write it).
 */
function accessAdvice(err: Error, schema: string, access: HistoryAccess): { message: string; next: string } {
  const s = escapeIdentifier(schema)
  const table = historyTableName(schema)
  const role = access.user ? escapeIdentifier(access.user) : '<login role>'
  const grants: string[] = []
  // No table yet: apply creates it, which needs CREATE on the schema too.
  if (!access.usage) grants.push(`\`GRANT USAGE${access.missing ? '' : ', CREATE'} ON SCHEMA ${s} TO ${role};\``)
  if (access.missing?.length) grants.push(`\`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${role};\``)
  const why = !access.usage
    ? `the login role ${role} may not use the history schema ${s} (no USAGE privilege)`
    : `the login role ${role} may not read the history table ${table} (no SELECT privilege)`
  return {
    message: `${err.message}: ${why}, so pgshift cannot read which migrations were applied`,
    next: `Nothing was changed. As the owner of schema ${s} or a superuser, grant the login role what reading and writing history needs: ${grants.join(' and ')}; or set history-schema to a schema the role owns.`
  }
}

export async function ensureHistory(ctx: ModeContext): Promise<void> {
  // Rows were read from it under the lock: the table is there (a no-op deploy saves a round trip).
  if (ctx.historyTableExists) return
  const schema = ctx.settings.historySchema
  // The first commit of a run is guarded like every migration's: a transaction pooler
  // the connect-time probe missed leaves no history table behind (db/pooler.ts).
  await historyStep(() => ensureHistoryTable(ctx.client, schema, { guardSql: runGuardSql(ctx) }), schema).catch((e) => {
    throw guardStop(ctx, e) ?? e
  })
}

/** The run guard's stop before the history table's COMMIT, as the error the user reads. */
function guardStop(ctx: ModeContext, e: unknown): Error | undefined {
  const code = (e as { code?: string }).code
  if (code === BACKEND_MOVED_SQLSTATE) return transactionPoolerError(ctx.target, `${(e as Error).message}, seen before the history table was created`)
  if (code === LOCK_LOST_SQLSTATE) {
    return Object.assign(new Error((e as Error).message), {
      code,
      next: 'Nothing was changed: the run lock was lost (its connection was closed or terminated) before the history table was created. Rerun pgshift.'
    })
  }
  return undefined
}

/** The Supabase CLI's rows and ours agree before the first migration runs (DESIGN 8). */
export async function adoptSupabaseHistory(ctx: ModeContext): Promise<void> {
  if (!ctx.supabase) return
  await reconcileSupabaseHistory(ctx.client, ctx.settings.historySchema, ctx.supabase, ctx.run.meta ?? {})
  ctx.supabase.columns = await supabaseColumns(ctx.client)
}
