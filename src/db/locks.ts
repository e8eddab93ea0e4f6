// The locks a migration takes, read from pg_locks inside its transaction, and
// what each mode blocks, in words a reviewer can act on.
import type pg from 'pg'
import type { LockTaken } from '../engine/report.js'

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
 * Relations that exist now, by oid. Locks on relations created later block nobody,
 * so they are left out; names are kept because a dropped relation vanishes from
 * pg_class inside the transaction that drops it.
 */
export async function existingRelations(client: pg.Client, historySchema: string): Promise<Map<number, string>> {
  const r = await client.query<{ oid: number; name: string }>(
    `SELECT c.oid::int AS oid, n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', $1) AND n.nspname NOT LIKE 'pg\\_toast%'`,
    [historySchema]
  )
  return new Map(r.rows.map((x) => [x.oid, x.name]))
}

export interface HeldLock {
  oid: number
  relation: string
  mode: string
}

/** Table-level locks this backend holds on relations that existed before the preview. */
export async function heldLocks(client: pg.Client, existing: Map<number, string>): Promise<HeldLock[]> {
  const r = await client.query<{ oid: number; mode: string }>(
    `SELECT relation::int AS oid, mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted`
  )
  return r.rows.filter((x) => existing.has(x.oid)).map((x) => ({ oid: x.oid, relation: existing.get(x.oid) as string, mode: x.mode }))
}

/** Locks held after a migration that were not held before it, strongest first, in words. */
export function newLocks(before: HeldLock[], after: HeldLock[]): LockTaken[] {
  const had = new Set(before.map((l) => `${l.oid}:${l.mode}`))
  const order = Object.keys(LOCK_BLOCKS)
  return after
    .filter((l) => !had.has(`${l.oid}:${l.mode}`))
    .sort((a, b) => order.indexOf(b.mode) - order.indexOf(a.mode) || a.relation.localeCompare(b.relation))
    .map((l) => ({ relation: l.relation, mode: SQL_MODE[l.mode] ?? l.mode, blocks: LOCK_BLOCKS[l.mode] ?? 'see the Postgres lock conflict table' }))
}
