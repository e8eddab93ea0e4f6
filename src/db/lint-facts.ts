// Reads what the lint needs from a database at hand (issue 16): the existing tables
// with their row estimates, the columns and NOT NULL checks of the tables the
// migrations alter, the volatility of the functions they call, the tables of the
// indexes they drop. Catalog and statistics reads only: no table is opened, so no
// lock is taken or waited for (pg_relation_size would wait behind an ACCESS EXCLUSIVE).
import type pg from 'pg'
import { modsOf } from '../lint/column-types.js'
import type { ColumnFacts, LintFacts, TableFacts } from '../lint/types.js'
import type { FactsWanted } from '../lint/wanted.js'

const USER_TABLES = `c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'`
const KEY = `lower(n.nspname || '.' || c.relname)`

export interface LintFactsOptions {
  /**
   * Whether the database's row counts stand for the one the migrations will change:
   * true for a kept database (dry-run against staging or production), false for the
   * PR check's service container, whose tables are empty whatever production holds.
   */
  rows: boolean
}

export async function readLintFacts(client: pg.Client, wanted: FactsWanted, opts: LintFactsOptions): Promise<{ existingTables: Set<string>; facts: LintFacts }> {
  const tables = new Map<string, TableFacts>()
  const r = await client.query<{ t: string; relkind: string; reltuples: number; relpages: number; live: number }>(
    `SELECT ${KEY} AS t, c.relkind::text AS relkind, c.reltuples::float8 AS reltuples, c.relpages::int AS relpages,
            pg_stat_get_live_tuples(c.oid)::float8 AS live
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_TABLES}`
  )
  for (const row of r.rows) tables.set(row.t, opts.rows ? { rows: rowEstimate(row) } : {})
  const facts: LintFacts = { tables, functions: new Map(), indexes: new Map() }

  const altered = wanted.tables.filter((t) => tables.has(t))
  if (altered.length) {
    const cols = await client.query<{ t: string; attname: string; typname: string; arr: boolean; fmt: string; attnotnull: boolean }>(
      `SELECT ${KEY} AS t, a.attname, COALESCE(et.typname, ty.typname)::text AS typname, et.oid IS NOT NULL AS arr,
              format_type(a.atttypid, a.atttypmod) AS fmt, a.attnotnull
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_type ty ON ty.oid = a.atttypid LEFT JOIN pg_type et ON et.oid = ty.typelem AND ty.typcategory = 'A'
        WHERE a.attnum > 0 AND NOT a.attisdropped AND ${KEY} = ANY($1::text[])`,
      [altered]
    )
    const checks = await client.query<{ t: string; conname: string; convalidated: boolean; expr: string }>(
      `SELECT ${KEY} AS t, co.conname, co.convalidated, pg_get_expr(co.conbin, co.conrelid) AS expr
         FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE co.contype = 'c' AND ${KEY} = ANY($1::text[])`,
      [altered]
    )
    for (const t of altered) {
      const f = tables.get(t)!
      f.columns = new Map<string, ColumnFacts>()
      f.notNullChecks = new Map()
    }
    for (const c of cols.rows) {
      tables.get(c.t)!.columns!.set(c.attname, { typname: c.typname, mods: modsOf(c.fmt), array: c.arr, notNull: c.attnotnull })
    }
    for (const c of checks.rows) {
      const column = notNullColumn(c.expr)
      if (column) tables.get(c.t)!.notNullChecks!.set(c.conname, { column, validated: c.convalidated })
    }
  }
  if (wanted.functions.length) {
    const fns = await client.query<{ proname: string; v: string }>(
      `SELECT proname::text AS proname, string_agg(DISTINCT provolatile::text, '') AS v FROM pg_proc WHERE proname = ANY($1::text[]) GROUP BY proname`,
      [wanted.functions]
    )
    for (const f of fns.rows) facts.functions!.set(f.proname.toLowerCase(), f.v.includes('v') ? 'v' : f.v.includes('s') ? 's' : 'i')
  }
  if (wanted.indexes.length) {
    const idx = await client.query<{ idx: string; tbl: string }>(
      `SELECT lower(ns.nspname || '.' || ic.relname) AS idx, lower(n.nspname || '.' || c.relname) AS tbl
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace ns ON ns.oid = ic.relnamespace
         JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE lower(ns.nspname || '.' || ic.relname) = ANY($1::text[])`,
      [wanted.indexes]
    )
    for (const x of idx.rows) facts.indexes!.set(x.idx, x.tbl)
  }
  return { existingTables: new Set(tables.keys()), facts }
}

/**
 * The planner's estimate (reltuples, set by VACUUM, ANALYZE and CREATE INDEX), else the
 * statistics' live tuples; 0 only when all three say the table is empty; undefined when
 * it has pages but no estimate. Partitioned tables hold no rows themselves: unknown.
 */
function rowEstimate(row: { relkind: string; reltuples: number; relpages: number; live: number }): number | undefined {
  if (row.relkind !== 'r') return undefined
  if (row.reltuples > 0) return row.reltuples
  if (row.live > 0) return row.live
  return row.relpages === 0 ? 0 : undefined
}

/** pg_get_expr of a CHECK: `(status IS NOT NULL)` -> 'status'; `("Mixed Case" IS NOT NULL)` -> 'Mixed Case'. */
export function notNullColumn(expr: string): string | undefined {
  const m = /^\(*\s*(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*))\s+IS\s+NOT\s+NULL\s*\)*$/.exec(expr.trim())
  if (!m) return undefined
  return m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]
}
