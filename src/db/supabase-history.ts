// The Supabase CLI's migration history, supabase_migrations.schema_migrations
// (DESIGN 8). pgshift writes the row the CLI writes, in the migration's own
// transaction, so `supabase migration list` and `supabase db push` agree with it.
// The table is the CLI's: pgshift creates it as the CLI does when it is absent,
// inserts and deletes rows, and never alters it.
import type pg from 'pg'
import { escapeLiteral } from 'pg'
import { defineLazy } from '../source/lazy.js'
import { scanSql } from '../source/parser.js'
import type { Migration } from '../source/types.js'

export const SUPABASE_SCHEMA = 'supabase_migrations'
export const SUPABASE_TABLE = `${SUPABASE_SCHEMA}.schema_migrations`

/** The CLI's file-name rule: other files in supabase/migrations are skipped by it, with a warning. */
export const SUPABASE_FILE_RE = /^([0-9]+)_(.*)\.sql$/

/** A row as the CLI reads it. */
export interface SupabaseRow {
  version: string
  name: string
  statements: string[]
}

/** What the CLI would record for a migration file: undefined when it skips the file. */
export interface SupabaseEntry {
  version: string
  name: string
  statements: string[]
}

/** The CLI's version and name for a file name, or undefined when the CLI skips the file. */
export function supabaseVersionOf(fileName: string): { version: string; name: string } | undefined {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1)
  const m = SUPABASE_FILE_RE.exec(base)
  return m ? { version: m[1] as string, name: m[2] as string } : undefined
}

/**
 * The file split as the CLI splits it: at every top-level `;`, each piece
 * trimmed, empty pieces dropped. Comments stay with the statement that follows
 * them, and text after the last `;` (a trailing comment) is its own element, as
 * the CLI stores it. The boundaries come from libpg-query: a `;` inside a
 * statement the parser found (a BEGIN ATOMIC body) is not a boundary, and the
 * scanner never yields a `;` token inside a string or a dollar-quoted body.
 */
export function splitLikeSupabase(text: string, statementSpans: Array<{ start: number; end: number }>): string[] {
  const inside = (i: number) => statementSpans.some((s) => i > s.start && i < s.end)
  const cuts = scanSql(text)
    .filter((t) => t.text === ';' && !inside(t.start))
    .map((t) => t.start)
  const out: string[] = []
  let from = 0
  for (const cut of [...cuts, text.length]) {
    const piece = text.slice(from, cut).trim()
    if (piece) out.push(piece)
    from = cut + 1
  }
  return out
}

/** The CLI row for a migration; undefined when the CLI would skip its file. */
export function supabaseEntryFor(m: Migration): SupabaseEntry | undefined {
  const v = supabaseVersionOf(m.file)
  if (!v) return undefined
  const entry = { ...v } as SupabaseEntry
  // Split (so the file is parsed) only when a row is written or compared: applied files stay unparsed.
  defineLazy(entry, 'statements', () => {
    const src = m.up.source
    // Whole-file text: the CLI stores the file as written (a BEGIN/COMMIT wrapper included).
    const spans = m.up.statements.map((s) => ({ start: s.offset - src.offset, end: s.offset - src.offset + s.sql.length }))
    return splitLikeSupabase(src.text, spans)
  })
  return entry
}

/**
 * Creates the table as the CLI leaves it (same columns, same order), only when
 * absent; the schema only when it is missing too (`CREATE SCHEMA IF NOT EXISTS`
 * needs CREATE on the database even when the schema exists).
 */
export function createSupabaseHistorySql(schemaExists: boolean): string {
  return `${schemaExists ? '' : `CREATE SCHEMA IF NOT EXISTS ${SUPABASE_SCHEMA};\n`}CREATE TABLE IF NOT EXISTS ${SUPABASE_TABLE} (version text NOT NULL PRIMARY KEY, statements text[], name text)`
}

/** Whether the CLI's schema exists, from the catalog (no USAGE needed). */
export async function supabaseSchemaExists(client: pg.Client): Promise<boolean> {
  const r = await client.query<{ e: boolean }>(`SELECT EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = '${SUPABASE_SCHEMA}') AS e`)
  return Boolean(r.rows[0]?.e)
}

export async function supabaseHistoryExists(client: pg.Client): Promise<boolean> {
  const r = await client.query<{ t: string | null }>(`SELECT to_regclass('${SUPABASE_TABLE}') AS t`)
  return Boolean(r.rows[0]?.t)
}

/** The table's columns: an old CLI's table may lack `statements` or `name`, and pgshift never adds them. */
export async function supabaseColumns(client: pg.Client): Promise<Set<string>> {
  const r = await client.query<{ attname: string }>(
    `SELECT attname FROM pg_attribute WHERE attrelid = to_regclass('${SUPABASE_TABLE}') AND attnum > 0 AND NOT attisdropped`
  )
  return new Set(r.rows.map((x) => x.attname))
}

/** Reads the CLI's history as the CLI does; a missing table means "no migrations". */
export async function readSupabaseHistory(client: pg.Client): Promise<SupabaseRow[]> {
  if (!(await supabaseHistoryExists(client))) return []
  const cols = await supabaseColumns(client)
  const r = await client.query<{ version: string; name: string; statements: string[] | null }>(
    `SELECT version, ${cols.has('name') ? "coalesce(name, '')" : "''"} AS name, ${cols.has('statements') ? 'statements' : 'NULL::text[]'} AS statements
       FROM ${SUPABASE_TABLE} ORDER BY version`
  )
  return r.rows.map((x) => ({ version: x.version, name: x.name, statements: x.statements ?? [] }))
}

const textArray = (xs: string[]) => (xs.length ? `ARRAY[${xs.map(escapeLiteral).join(', ')}]::text[]` : `'{}'::text[]`)

/** The CLI's insert, as literal SQL (it travels in the migration's own simple-query message). */
export function insertSupabaseRowSql(e: SupabaseEntry, columns: Set<string>): string {
  const cols: Array<[string, string]> = [['version', escapeLiteral(e.version)]]
  if (columns.has('name')) cols.push(['name', escapeLiteral(e.name)])
  if (columns.has('statements')) cols.push(['statements', textArray(e.statements)])
  return `INSERT INTO ${SUPABASE_TABLE} (${cols.map((c) => c[0]).join(', ')}) VALUES (${cols.map((c) => c[1]).join(', ')})`
}

export function deleteSupabaseRowSql(version: string): string {
  return `DELETE FROM ${SUPABASE_TABLE} WHERE version = ${escapeLiteral(version)}`
}
