// pgshift's own history table. One row per migration identity; the row is
// written in the same transaction as the migration (DESIGN 2), so history never
// disagrees with the schema. Identifiers are always quoted: the schema name is
// an input.
import type pg from 'pg'
import { escapeIdentifier, escapeLiteral } from 'pg'

export const HISTORY_TABLE = 'schema_history'

export interface HistoryRow {
  identity: string
  version: string
  name: string
  kind: 'versioned' | 'repeatable'
  script: string
  checksum: string
  appliedAt: string
  durationMs: number
  statements: number
  /** 'applied', or 'partial' for a statement-by-statement file that stopped midway. */
  status: 'applied' | 'partial'
  /** For 'partial': how many statements committed, and a hash of their text. */
  statementsDone: number | null
  doneHash: string | null
}

/** What the executor records; run metadata is optional (GitHub fills it). */
export interface HistoryWrite {
  identity: string
  version: string
  name: string
  kind: 'versioned' | 'repeatable'
  script: string
  checksum: string
  /** null: measured by the server as the time since the transaction began (the row is written in it). */
  durationMs: number | null
  statements: number
  status: 'applied' | 'partial'
  statementsDone?: number
  doneHash?: string
  actor?: string
  runUrl?: string
  commitSha?: string
}

export function historyTableName(schema: string): string {
  return `${escapeIdentifier(schema)}.${escapeIdentifier(HISTORY_TABLE)}`
}

/** What of the history exists: read from the catalogs, which every role may read (no USAGE on the schema needed). */
export interface HistoryState {
  schema: boolean
  table: boolean
  /** The login role and the database, for advice that pastes as typed. */
  user?: string
  database?: string
}

export async function historyState(client: pg.Client, schema: string): Promise<HistoryState> {
  const r = await client.query<{ schema: boolean; table: boolean; user: string; database: string }>(
    `SELECT current_user AS user, current_database() AS database, EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = $1) AS schema,
            EXISTS (SELECT FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')) AS table`,
    [schema, HISTORY_TABLE]
  )
  const row = r.rows[0]
  return { schema: Boolean(row?.schema), table: Boolean(row?.table), user: row?.user, database: row?.database }
}

/**
 * The DDL for what is missing; empty when the table exists. Only what is missing
 * is sent: `CREATE SCHEMA IF NOT EXISTS` checks the CREATE privilege on the
 * database before it checks existence (and CREATE TABLE IF NOT EXISTS the CREATE
 * privilege on the schema), so a least-privilege role that owns an existing
 * schema would be refused by a statement that has nothing to do. Run only while
 * holding the advisory lock, so concurrent runners never race on it.
 */
export function createHistorySql(schema: string, state: HistoryState = { schema: false, table: false }): string {
  if (state.table) return ''
  const t = historyTableName(schema)
  return `${state.schema ? '' : `CREATE SCHEMA IF NOT EXISTS ${escapeIdentifier(schema)};\n`}CREATE TABLE IF NOT EXISTS ${t} (
  identity text PRIMARY KEY,
  version text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('versioned', 'repeatable')),
  script text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  duration_ms integer NOT NULL,
  statements integer NOT NULL,
  status text NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'partial')),
  statements_done integer,
  done_hash text,
  actor text,
  run_url text,
  commit_sha text
);`
}

/**
 * Creates what is missing of the history; the state it found (a failure carries it,
 * so the advice can name the privilege). inTransaction: inside the caller's
 * transaction (the preview), whose own timeouts stay as they are. guardSql: the
 * run guard (engine/executor.ts runGuardSql), run inside the creating transaction
 * so a lost lock or a transaction pooler stops it before it commits, like a
 * migration's.
 */
export async function ensureHistoryTable(client: pg.Client, schema: string, opts: { inTransaction?: boolean; guardSql?: string } = {}): Promise<HistoryState> {
  const state = await historyState(client, schema)
  const ddl = createHistorySql(schema, state)
  if (!ddl) return state
  const fail = (e: unknown) => Promise.reject(Object.assign(e as Error, { historyState: state }))
  if (opts.inTransaction) {
    await client.query(ddl).catch(fail)
    return state
  }
  // lock_timeout keeps us from queueing behind a long transaction on our own table.
  await client.query(`BEGIN;SET LOCAL lock_timeout = '10s';${opts.guardSql ? `${opts.guardSql};` : ''}${ddl}COMMIT`).catch(async (e) => {
    await client.query('ROLLBACK').catch(() => {})
    return fail(e)
  })
  return state
}

/**
 * What the login role may do with a history that exists, read from the catalogs by
 * oid (a lookup by name would itself need USAGE on the schema). Asked only after a
 * read was refused, so a run that may read pays nothing for it.
 */
export interface HistoryAccess {
  user: string
  database: string
  /** USAGE on the history schema. */
  usage: boolean
  /** The table's rights the role lacks of SELECT, INSERT, UPDATE, DELETE; null: no table. */
  missing: string[] | null
}

export async function historyAccess(client: pg.Client, schema: string): Promise<HistoryAccess> {
  const r = await client.query<HistoryAccess>(
    `SELECT current_user AS user, current_database() AS database,
            coalesce((SELECT has_schema_privilege(n.oid, 'USAGE') FROM pg_catalog.pg_namespace n WHERE n.nspname = $1), false) AS usage,
            (SELECT array_remove(ARRAY[p.s, p.i, p.u, p.d], NULL)
               FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace,
                    LATERAL (SELECT CASE WHEN has_table_privilege(c.oid, 'SELECT') THEN NULL ELSE 'SELECT' END AS s,
                                    CASE WHEN has_table_privilege(c.oid, 'INSERT') THEN NULL ELSE 'INSERT' END AS i,
                                    CASE WHEN has_table_privilege(c.oid, 'UPDATE') THEN NULL ELSE 'UPDATE' END AS u,
                                    CASE WHEN has_table_privilege(c.oid, 'DELETE') THEN NULL ELSE 'DELETE' END AS d) p
              WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')) AS missing`,
    [schema, HISTORY_TABLE]
  )
  const row = r.rows[0]
  return { user: row?.user ?? '', database: row?.database ?? '', usage: Boolean(row?.usage), missing: row?.missing ?? null }
}

/**
 * Reads history; a missing table means "nothing applied yet". A refused read
 * (42501: no USAGE on the schema, no SELECT on the table) carries what the role
 * lacks, so the advice can name the GRANT (engine/steps/ensure-history.ts).
 */
export async function readHistory(client: pg.Client, schema: string): Promise<HistoryRow[]> {
  const refused = async (e: unknown): Promise<never> => {
    const err = e as Error & { code?: string }
    if (err.code === '42501') Object.assign(err, { historyAccess: await historyAccess(client, schema).catch(() => undefined) })
    throw err
  }
  const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [historyTableName(schema)]).catch(refused)
  if (!exists.rows[0]?.t) return []
  const res = await client
    .query(
      `SELECT identity, version, name, kind, script, checksum, applied_at, duration_ms, statements, status, statements_done, done_hash
       FROM ${historyTableName(schema)} ORDER BY applied_at, identity`
    )
    .catch(refused)
  return res.rows.map((r) => ({
    identity: r.identity,
    version: r.version,
    name: r.name,
    kind: r.kind,
    script: r.script,
    checksum: r.checksum,
    appliedAt: new Date(r.applied_at).toISOString(),
    durationMs: r.duration_ms,
    statements: r.statements,
    status: r.status,
    statementsDone: r.statements_done,
    doneHash: r.done_hash
  }))
}

/**
 * The row a write replaces, when one must exist: a 'partial' row with this many
 * statements done (a statement-by-statement file, resumed or progressing), or an
 * applied repeatable with another checksum. Absent: no row may exist.
 */
export type PriorRow = { partialDone: number } | { otherChecksum: string }

const lit = (v: string | number | undefined | null): string =>
  v === undefined || v === null ? 'NULL' : typeof v === 'number' ? String(Math.trunc(v)) : escapeLiteral(v)

function valuesSql(schema: string, w: HistoryWrite): string {
  return `INSERT INTO ${historyTableName(schema)}
  (identity, version, name, kind, script, checksum, applied_at, duration_ms, statements, status, statements_done, done_hash, actor, run_url, commit_sha)
VALUES (${lit(w.identity)}, ${lit(w.version)}, ${lit(w.name)}, ${lit(w.kind)}, ${lit(w.script)}, ${lit(w.checksum)}, clock_timestamp(),
  ${w.durationMs === null ? '(extract(epoch FROM clock_timestamp() - now()) * 1000)::integer' : lit(w.durationMs)}, ${lit(w.statements)}, ${lit(w.status)}, ${lit(w.statementsDone)}, ${lit(w.doneHash)}, ${lit(w.actor)}, ${lit(w.runUrl)}, ${lit(w.commitSha)})`
}

/**
 * The history row of a migration that commits: a plain INSERT, so the primary key
 * is the commit guard. Two runners that both ran a migration cannot both commit it:
 * the second INSERT waits for the first transaction and then fails with 23505 (or
 * fails at once if the first committed), rolling its copy of the migration back.
 */
export function insertHistorySql(schema: string, w: HistoryWrite): string {
  return valuesSql(schema, w)
}

/**
 * Removes the row that `insertHistorySql` replaces, in the same transaction and
 * before it: only the row this run saw. If another runner replaced it meanwhile,
 * nothing is deleted (READ COMMITTED re-checks the condition on the newest version
 * of the row) and the INSERT that follows fails on the primary key.
 */
export function deletePriorRowSql(schema: string, identity: string, prior: PriorRow): string {
  const which =
    'partialDone' in prior
      ? `status = 'partial' AND coalesce(statements_done, 0) = ${lit(prior.partialDone)}`
      : `status = 'applied' AND checksum <> ${lit(prior.otherChecksum)}`
  return `DELETE FROM ${historyTableName(schema)} WHERE identity = ${lit(identity)} AND ${which}`
}

/**
 * The upsert, for writes that are rolled back (the dry-run's preview) or that
 * baseline rows applied by another tool; migrations that commit use
 * insertHistorySql. As literal SQL, so it can travel in the same simple-query message as
 * the migration and its COMMIT (one round trip per migration). Values are escaped
 * with pg's escapeLiteral.
 */
export function upsertHistorySql(schema: string, w: HistoryWrite): string {
  return `${valuesSql(schema, w)}
ON CONFLICT (identity) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, kind = EXCLUDED.kind,
  script = EXCLUDED.script, checksum = EXCLUDED.checksum, applied_at = EXCLUDED.applied_at, duration_ms = EXCLUDED.duration_ms,
  statements = EXCLUDED.statements, status = EXCLUDED.status, statements_done = EXCLUDED.statements_done,
  done_hash = EXCLUDED.done_hash, actor = EXCLUDED.actor, run_url = EXCLUDED.run_url, commit_sha = EXCLUDED.commit_sha`
}
