// The locks a migration takes, read from pg_locks inside its transaction, and
// what each mode blocks, in words a reviewer can act on.
import type pg from 'pg'
import type { LockTaken } from '../engine/report.js'
import { HISTORY_TABLE } from './history.js'
import { SUPABASE_SCHEMA } from './supabase-history.js'

/** What a table lock of each mode blocks for other sessions. */
export const LOCK_BLOCKS: Record<string, string> = {
  AccessShareLock: 'blocks only ACCESS EXCLUSIVE (DROP, most ALTER TABLE); reads and writes continue',
  RowShareLock: 'blocks EXCLUSIVE and ACCESS EXCLUSIVE; reads and writes continue',
  RowExclusiveLock: 'blocks CREATE INDEX (non-concurrent) and schema changes; reads and writes continue',
  ShareUpdateExclusiveLock: 'blocks schema changes, VACUUM and CREATE INDEX CONCURRENTLY; reads and writes continue',
  ShareLock: 'blocks writes (INSERT, UPDATE, DELETE); reads continue',
  ShareRowExclusiveLock: 'blocks writes and other SHARE ROW EXCLUSIVE locks; reads continue',
  ExclusiveLock: 'blocks writes and SELECT ... FOR UPDATE; plain reads continue',
  AccessExclusiveLock: 'blocks reads and writes'
}

const SQL_MODE: Record<string, string> = {
  AccessShareLock: 'ACCESS SHARE',
  RowShareLock: 'ROW SHARE',
  RowExclusiveLock: 'ROW EXCLUSIVE',
  ShareUpdateExclusiveLock: 'SHARE UPDATE EXCLUSIVE',
  ShareLock: 'SHARE',
  ShareRowExclusiveLock: 'SHARE ROW EXCLUSIVE',
  ExclusiveLock: 'EXCLUSIVE',
  AccessExclusiveLock: 'ACCESS EXCLUSIVE'
}

/**
 * Tables, views and materialized views that exist now, by oid (index locks follow
 * their table's and would only repeat it). Locks on relations created later block nobody,
 * so they are left out; names are kept because a dropped relation vanishes from
 * pg_class inside the transaction that drops it.
 *
 * pgshift's own bookkeeping is left out too: the ROW EXCLUSIVE its history write takes
 * on `<history-schema>.schema_history`, and on the Supabase CLI's
 * `supabase_migrations.schema_migrations` when that history is kept, is pgshift's lock,
 * not the migration's (issue 19 item 8). Only the history table is left out of the
 * history schema, so `history-schema: public` still reports locks on the app's tables.
 */
export async function existingRelations(client: pg.Client, historySchema: string): Promise<Map<number, string>> {
  const r = await client.query<{ oid: number; name: string }>(
    `SELECT c.oid::int AS oid, n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'm', 'v', 'f')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema', $2) AND n.nspname NOT LIKE 'pg\\_toast%'
        AND NOT (n.nspname = $1 AND c.relname = $3)`,
    [historySchema, SUPABASE_SCHEMA, HISTORY_TABLE]
  )
  return new Map(r.rows.map((x) => [x.oid, x.name]))
}

export interface HeldLock {
  oid: number
  relation: string
  mode: string
}

/** The table-level locks this backend holds, as (oid, mode) rows. */
export const HELD_LOCKS_SQL = `SELECT relation::int AS oid, mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted`

/** Table-level locks this backend holds on relations that existed before the preview. */
export async function heldLocks(client: pg.Client, existing: Map<number, string>): Promise<HeldLock[]> {
  const r = await client.query<{ oid: number; mode: string }>(HELD_LOCKS_SQL)
  return r.rows.filter((x) => existing.has(x.oid)).map((x) => ({ oid: x.oid, relation: existing.get(x.oid) as string, mode: x.mode }))
}

/** The locks in HELD_LOCKS_SQL's array rows that fall on `existing` relations, in words. */
export function locksOn(existing: Map<number, string>, rows: [number, string][]): LockTaken[] {
  const held = rows.filter(([oid]) => existing.has(oid)).map(([oid, mode]) => ({ oid, relation: existing.get(oid) as string, mode }))
  return newLocks([], held)
}

/** Locks held after a migration that were not held before it: the strongest per relation, strongest first, in words. */
export function newLocks(before: HeldLock[], after: HeldLock[]): LockTaken[] {
  const had = new Set(before.map((l) => `${l.oid}:${l.mode}`))
  const order = Object.keys(LOCK_BLOCKS)
  const strongest = new Map<number, HeldLock>()
  for (const l of after) {
    if (had.has(`${l.oid}:${l.mode}`)) continue
    const cur = strongest.get(l.oid)
    if (!cur || order.indexOf(l.mode) > order.indexOf(cur.mode)) strongest.set(l.oid, l)
  }
  return [...strongest.values()]
    .sort((a, b) => order.indexOf(b.mode) - order.indexOf(a.mode) || (a.relation < b.relation ? -1 : a.relation > b.relation ? 1 : 0))
    .map((l) => ({ relation: l.relation, mode: SQL_MODE[l.mode] ?? l.mode, blocks: LOCK_BLOCKS[l.mode] ?? 'see the Postgres lock conflict table' }))
}
