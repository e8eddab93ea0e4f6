// History's record of rollbacks. A rollback deletes the migration's history row
// (history lists what is applied, nothing else), so without this log nothing would
// remember that a migration was applied and then rolled back. The log is a
// separate table next to history, `<history-schema>.schema_history_rollbacks`:
// one row per down that committed, written in the same transaction as the down
// and the history DELETE. Nothing reads it as history: plan, verify and apply
// read `schema_history` only; the log serves advice (a re-apply that fails on
// "already exists" names the rolled-back down, engine/steps/rollback-advice.ts).
//
// It is best effort by design: a rollback never fails for want of its record.
// The log is created at a rollback, under the run lock, only when missing and
// only when the login role may create tables in the history schema (a
// least-privilege role whose history table an administrator prepared has no
// CREATE anywhere); it is written only when the role may INSERT into it.
import type pg from 'pg'
import { escapeIdentifier, escapeLiteral } from 'pg'

export const ROLLBACK_LOG_TABLE = 'schema_history_rollbacks'

export function rollbackLogName(schema: string): string {
  return `${escapeIdentifier(schema)}.${escapeIdentifier(ROLLBACK_LOG_TABLE)}`
}

export function createRollbackLogSql(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${rollbackLogName(schema)} (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  identity text NOT NULL,
  version text NOT NULL,
  script text NOT NULL,
  checksum text NOT NULL,
  down_script text NOT NULL,
  down_checksum text NOT NULL,
  rolled_back_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor text,
  run_url text,
  commit_sha text
)`
}

/**
 * Makes the log writable when it can be: true when it exists (or was just
 * created) and the login role may INSERT into it. Run under the run lock,
 * outside a transaction. Never throws: the record is advice, not a guard.
 */
export async function ensureRollbackLog(client: pg.Client, schema: string): Promise<boolean> {
  try {
    const t = rollbackLogName(schema)
    const state = await client.query<{ exists: boolean; create: boolean }>(
      `SELECT to_regclass($1) IS NOT NULL AS exists,
              CASE WHEN EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = $2) THEN pg_catalog.has_schema_privilege($2, 'CREATE') ELSE false END AS create`,
      [t, schema]
    )
    const row = state.rows[0]
    if (!row?.exists) {
      if (!row?.create) return false
      await client.query(`SET lock_timeout = '10s'; ${createRollbackLogSql(schema)}; RESET lock_timeout;`)
    }
    const can = await client.query<{ insert: boolean }>(`SELECT pg_catalog.has_table_privilege($1, 'INSERT') AS insert`, [t])
    return Boolean(can.rows[0]?.insert)
  } catch {
    await client.query('RESET lock_timeout').catch(() => {})
    return false
  }
}

/** What a rollback records of the down that committed. */
export interface RollbackWrite {
  identity: string
  version: string
  script: string
  checksum: string
  downScript: string
  downChecksum: string
  actor?: string
  runUrl?: string
  commitSha?: string
}

const lit = (v: string | undefined): string => (v === undefined ? 'NULL' : escapeLiteral(v))

/** One statement, sent with the down and the history DELETE (literal SQL: it travels in the same simple-query message). */
export function insertRollbackSql(schema: string, w: RollbackWrite): string {
  return `INSERT INTO ${rollbackLogName(schema)} (identity, version, script, checksum, down_script, down_checksum, actor, run_url, commit_sha)
VALUES (${lit(w.identity)}, ${lit(w.version)}, ${lit(w.script)}, ${lit(w.checksum)}, ${lit(w.downScript)}, ${lit(w.downChecksum)}, ${lit(w.actor)}, ${lit(w.runUrl)}, ${lit(w.commitSha)})`
}

export interface RollbackRecord {
  identity: string
  downScript: string
  downChecksum: string
  rolledBackAt: string
  actor?: string
  runUrl?: string
}

/** The newest rollback of `identity`, when the log exists and may be read; undefined otherwise (never throws). */
export async function lastRollback(client: pg.Client, schema: string, identity: string): Promise<RollbackRecord | undefined> {
  try {
    const t = rollbackLogName(schema)
    const ok = await client.query<{ ok: boolean }>(`SELECT CASE WHEN to_regclass($1) IS NULL THEN false ELSE pg_catalog.has_table_privilege($1, 'SELECT') END AS ok`, [t])
    if (!ok.rows[0]?.ok) return undefined
    const r = await client.query<{ identity: string; down_script: string; down_checksum: string; rolled_back_at: Date; actor: string | null; run_url: string | null }>(
      `SELECT identity, down_script, down_checksum, rolled_back_at, actor, run_url FROM ${t} WHERE identity = $1 ORDER BY rolled_back_at DESC, id DESC LIMIT 1`,
      [identity]
    )
    const row = r.rows[0]
    if (!row) return undefined
    return {
      identity: row.identity,
      downScript: row.down_script,
      downChecksum: row.down_checksum,
      rolledBackAt: new Date(row.rolled_back_at).toISOString(),
      actor: row.actor ?? undefined,
      runUrl: row.run_url ?? undefined
    }
  } catch {
    return undefined
  }
}
