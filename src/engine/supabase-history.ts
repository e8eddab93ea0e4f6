// History compatibility with the Supabase CLI (DESIGN 8), at the engine level:
// when it is on, which file owns which CLI version, what the CLI already applied
// (adopted: counted as applied, baselined in pgshift's own history by apply), and
// which pgshift-applied files still lack the CLI's row (written by apply).
import type pg from 'pg'
import type { HistoryRow } from '../db/history.js'
import { upsertHistorySql } from '../db/history.js'
import { historyWrite } from './executor.js'
import {
  createSupabaseHistorySql,
  insertSupabaseRowSql,
  readSupabaseHistory,
  supabaseColumns,
  supabaseEntryFor,
  supabaseHistoryExists,
  supabaseSchemaExists,
  SUPABASE_TABLE,
  type SupabaseEntry,
  type SupabaseRow
} from '../db/supabase-history.js'
import type { Settings } from '../settings.js'
import type { DiscoveryResult, Migration, SourceWarning } from '../source/types.js'

export interface SupabaseHistory {
  /** Why it is on, for the report. */
  reason: string
  tableExists: boolean
  /** Whether schema supabase_migrations exists (then only the table is created). */
  schemaExists: boolean
  /** The table's columns (all three when pgshift creates it). */
  columns: Set<string>
  rows: SupabaseRow[]
  /** Migration identity -> the row the CLI would write; only the first file of a version owns it. */
  entries: Map<string, SupabaseEntry>
  /** Files the CLI has applied that pgshift's history lacks. */
  adopted: Migration[]
  /** Files pgshift applied that the CLI's table lacks. */
  backfill: Migration[]
  warnings: SourceWarning[]
}

/** Whether the Supabase history is kept: the input, else the table or the directory decide. */
export async function supabaseHistoryReason(settings: Settings, found: DiscoveryResult, client: pg.Client): Promise<string | undefined> {
  if (settings.history === 'native') return undefined
  if (settings.history === 'supabase') return 'history: supabase'
  if (await supabaseHistoryExists(client)) return `history: auto (${SUPABASE_TABLE} exists)`
  if (/(^|\/)supabase\/migrations\/?$/.test(found.dir)) return 'history: auto (the directory is supabase/migrations)'
  return undefined
}

const sameStatements = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i])

export async function loadSupabaseHistory(reason: string, client: pg.Client, found: DiscoveryResult, history: HistoryRow[]): Promise<SupabaseHistory> {
  const tableExists = await supabaseHistoryExists(client)
  const schemaExists = tableExists || (await supabaseSchemaExists(client))
  const columns = tableExists ? await supabaseColumns(client) : new Set(['version', 'statements', 'name'])
  const rows = await readSupabaseHistory(client)
  const byVersion = new Map(rows.map((r) => [r.version, r]))
  const recorded = new Map(history.map((r) => [r.identity, r]))
  const entries = new Map<string, SupabaseEntry>()
  const owner = new Map<string, Migration>()
  const warnings: SourceWarning[] = []
  const adopted: Migration[] = []
  const backfill: Migration[] = []
  for (const m of found.migrations) {
    const file = m.file
    const e = supabaseEntryFor(m)
    if (!e) {
      if (m.kind === 'versioned') {
        warnings.push({ file, message: `the Supabase CLI skips ${file} (its name does not match <digits>_<name>.sql): pgshift applies it and records it in its own history only, so \`supabase migration list\` does not show it. Rename it to <digits>_<name>.sql to make both tools see it.` })
      }
      continue
    }
    const first = owner.get(e.version)
    if (first) {
      warnings.push({ file, message: `${file} has the same Supabase version ${e.version} as ${first.file}: the CLI's history holds one row per version, so pgshift records only the first there. Give it its own version prefix.` })
      continue
    }
    owner.set(e.version, m)
    entries.set(m.identity, e)
    const row = byVersion.get(e.version)
    const ours = recorded.get(m.identity)
    if (row && !ours) {
      adopted.push(m)
      if (row.statements.length && !sameStatements(row.statements, e.statements)) {
        warnings.push({ file, message: `${file} was applied by the Supabase CLI (version ${e.version}), and the statements it recorded differ from the file now: was the file edited after \`supabase db push\`? pgshift adopts it with the file's current checksum.` })
      }
    } else if (!row && ours?.status === 'applied') {
      backfill.push(m)
    }
  }
  return { reason, tableExists, schemaExists, columns, rows, entries, adopted, backfill, warnings }
}

/**
 * pgshift's history with the CLI's view added: an adopted file counts as applied
 * (with the file's checksum: there is no other), and a CLI row that no file and
 * no pgshift row explains counts as a missing migration.
 */
export function mergedHistory(history: HistoryRow[], sb: SupabaseHistory): HistoryRow[] {
  const owned = new Set([...sb.entries.values()].map((e) => e.version))
  const known = new Set(history.map((r) => r.identity))
  const extra: HistoryRow[] = sb.adopted.map((m) => ({
    identity: m.identity,
    version: m.version,
    name: m.name,
    kind: m.kind,
    script: m.up.source.file,
    checksum: m.checksum,
    appliedAt: '',
    durationMs: 0,
    statements: m.up.statements.length,
    status: 'applied',
    statementsDone: null,
    doneHash: null
  }))
  for (const r of sb.rows) {
    const identity = r.name ? `${r.version}_${r.name}` : r.version
    if (owned.has(r.version) || known.has(identity)) continue
    extra.push({ identity, version: r.version, name: r.name, kind: 'versioned', script: `${SUPABASE_TABLE} (version ${r.version})`, checksum: '', appliedAt: '', durationMs: 0, statements: r.statements.length, status: 'applied', statementsDone: null, doneHash: null })
  }
  return [...history, ...extra]
}

/**
 * apply, under the lock and before any migration: create the CLI's table when it
 * is absent, baseline the adopted files in pgshift's history, and give the CLI
 * the rows of files pgshift applied without it. One transaction: all or nothing.
 */
export async function reconcileSupabaseHistory(client: pg.Client, historySchema: string, sb: SupabaseHistory, meta: { actor?: string; runUrl?: string; commitSha?: string }): Promise<void> {
  const sql: string[] = []
  if (!sb.tableExists) sql.push(createSupabaseHistorySql(sb.schemaExists))
  // The baseline is the row apply would have written, without a duration of its own.
  for (const m of sb.adopted) sql.push(upsertHistorySql(historySchema, historyWrite(m, { meta }, { durationMs: 0 })))
  for (const m of sb.backfill) sql.push(insertSupabaseRowSql(sb.entries.get(m.identity) as SupabaseEntry, sb.columns))
  if (!sql.length) return
  // The CLI's own lock_timeout for its history table.
  await client.query(`BEGIN;SET LOCAL lock_timeout = '4s';${sql.join(';\n')};COMMIT`).catch(async (e) => {
    await client.query('ROLLBACK').catch(() => {})
    throw e
  })
  sb.tableExists = true
  sb.schemaExists = true
  // Baselined: from now on they are in pgshift's history like any other.
  sb.adopted = []
  sb.backfill = []
}
