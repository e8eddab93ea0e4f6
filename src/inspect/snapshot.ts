// A schema snapshot, read from the catalogs in one query (see catalog-sql.ts).
// It is what the up-down-up test, verify's expected-schema comparison and the
// PR report diff. Values hold no OIDs, owners or grantors, so two databases
// built from the same migrations give equal snapshots.
import type pg from 'pg'
import { escapeLiteral } from 'pg'
import { snapshotSql } from './catalog-sql.js'

export interface Snapshot {
  /**
   * key -> normalised definition. Keys: 'schema public', 'table public.users',
   * 'column public.users.email', 'constraint public.users.users_pkey',
   * 'index public.users_email_key', 'view public.v', 'matview public.mv',
   * 'sequence public.s', 'rls public.users', 'policy public.users.p_read',
   * 'trigger public.users.trg', 'function public.f(integer)', 'procedure public.p(text)',
   * 'aggregate public.a(numeric)', 'enum public.mood', 'domain public.email', 'type public.pair',
   * 'extension pgcrypto', 'publication supabase_realtime',
   * 'publication-member supabase_realtime public.hpp_status', 'publication-schema pub public',
   * 'grant public.users authenticated', 'grant column public.users.email anon',
   * 'grant function public.f(integer) PUBLIC', 'grant schema public anon',
   * 'default-privileges postgres public tables anon'.
   * Identifiers are quote_ident'ed (plain names stay bare). The definition is a
   * JSON object of the object's properties, fields in a fixed order (see parseDefinition).
   */
  objects: Record<string, string>
}

export interface SnapshotOptions {
  /** Schemas to leave out, e.g. pgshift's history schema. pg_catalog, information_schema, pg_toast* and pg_temp* are always left out. */
  excludeSchemas?: string[]
  /**
   * pgshift's own tables (history, rollback log) in the schema that holds them. They are
   * always left out; the schema itself only while nothing else lives in it, so a history
   * kept in `public` hides its two tables, not the application's schema.
   */
  bookkeeping?: { schema: string; tables: string[] }
}

/** A definition's fields: a string, or a list (privileges, roles, labels, options...). */
export type Definition = Record<string, string | string[]>

/** The order fields are written in; others follow alphabetically. */
const FIELD_ORDER = [
  'kind',
  'type',
  'nullable',
  'default',
  'generated',
  'identity',
  'collation',
  'definition',
  'valid',
  'enabled',
  'forced',
  'command',
  'as',
  'roles',
  'using',
  'with_check',
  'arguments',
  'returns',
  'language',
  'volatility',
  'security',
  'strict',
  'parallel',
  'leakproof',
  'config',
  'body',
  'labels',
  'constraints',
  'attributes',
  'start',
  'increment',
  'min',
  'max',
  'cache',
  'cycle',
  'owned_by',
  'schema',
  'all_tables',
  'operations',
  'via_root',
  'row_filter',
  'columns',
  'privileges'
]
const RANK = new Map(FIELD_ORDER.map((f, i) => [f, i]))

/** Drop empty fields and write the rest in a fixed order, as compact JSON. */
export function formatDefinition(def: Record<string, unknown>): string {
  const fields = Object.keys(def)
    .filter((k) => {
      const v = def[k]
      return v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)
    })
    .sort((a, b) => (RANK.get(a) ?? Infinity) - (RANK.get(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0))
  const out: Definition = {}
  for (const k of fields) {
    const v = def[k]
    out[k] = Array.isArray(v) ? v.map(String) : String(v)
  }
  return JSON.stringify(out)
}

/** A snapshot value as fields, or undefined when it is not a JSON object (hand-made snapshots may hold plain text). */
export function parseDefinition(value: string): Definition | undefined {
  if (!value.startsWith('{')) return undefined
  try {
    const parsed: unknown = JSON.parse(value)
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined
    const out: Definition = {}
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      out[k] = Array.isArray(v) ? v.map(String) : String(v)
    }
    return out
  } catch {
    return undefined
  }
}

/** The kind of object a key names: 'table', 'column', 'grant', 'publication-member'... */
export function objectKind(key: string): string {
  const i = key.indexOf(' ')
  return i < 0 ? key : key.slice(0, i)
}

/**
 * Read the schema from the catalogs, in two round trips: the session's
 * search_path and the server version, then one simple-protocol batch that sets
 * search_path to '' with SET LOCAL, runs the catalog query and puts the caller's
 * search_path back, again LOCAL. With search_path = '' every name outside
 * pg_catalog comes out schema-qualified, so the text does not depend on the
 * caller's search_path. Outside a transaction the batch is one implicit
 * transaction; inside the caller's, the setting is the caller's again for the
 * rest of it and reverts with it. A failure leaves nothing behind either way.
 * It writes nothing, so it runs in a read-only transaction too.
 */
export async function takeSnapshot(client: pg.Client, opts: SnapshotOptions = {}): Promise<Snapshot> {
  const excluded = [...new Set(opts.excludeSchemas ?? [])]
  const setup = await client.query<{ search_path: string; version: string }>(
    `SELECT current_setting('search_path') AS search_path, current_setting('server_version_num') AS version`
  )
  const { search_path: searchPath, version } = setup.rows[0]
  const list = `ARRAY[${excluded.map((s) => escapeLiteral(s)).join(', ')}]::text[]`
  const own = opts.bookkeeping
  const ownSql = own ? { schema: escapeLiteral(own.schema), tables: `ARRAY[${own.tables.map((t) => escapeLiteral(t)).join(', ')}]::text[]` } : undefined
  const batch = `SET LOCAL search_path = '';
${snapshotSql(Number(version), list, ownSql)};
SELECT set_config('search_path', ${escapeLiteral(searchPath)}, true)`
  // A multi-statement simple query answers with one result per statement.
  const results = (await client.query(batch)) as unknown as pg.QueryResult<{ key: string; def: Record<string, unknown> }>[]
  const rows = results[1].rows

  const grouped = new Map<string, string[]>()
  for (const row of rows) {
    const def = formatDefinition(row.def)
    const list = grouped.get(row.key)
    if (list) list.push(def)
    else grouped.set(row.key, [def])
  }
  const objects: Record<string, string> = {}
  for (const key of [...grouped.keys()].sort(byCodeUnit)) {
    // A key is unique by construction; should two objects ever share one, keep both, in a stable order.
    const defs = grouped.get(key)!.sort(byCodeUnit)
    objects[key] = defs.length === 1 ? defs[0] : JSON.stringify({ duplicates: defs })
  }
  return { objects }
}

export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
