// Column types as the lint compares them: the parse tree's TypeName and the catalog's
// (pg_type.typname + the modifiers format_type prints) in one shape, and the
// ALTER COLUMN ... TYPE changes Postgres makes without rewriting the table.
import { isNode, list, names, unwrap } from './tree.js'
import type { ColumnFacts } from './types.js'

export type ColumnType = Pick<ColumnFacts, 'typname' | 'mods' | 'array'>

// The parser spells SQL-standard names as the catalog does (pg_catalog.int4, varchar,
// bpchar, timestamptz...); serial types are the shorthands it leaves bare. (A quoted
// "char" is the one-byte internal type, not char(n): it is left as it is.)
const ALIASES: Record<string, string> = {
  serial: 'int4',
  serial4: 'int4',
  bigserial: 'int8',
  serial8: 'int8',
  smallserial: 'int2',
  serial2: 'int2'
}

/** The type a TypeName node names; undefined for a type the lint cannot read (a %TYPE reference). */
export function parsedType(typeName: unknown): ColumnType | undefined {
  if (!isNode(typeName) || typeName.pct_type) return undefined
  const parts = names(typeName.names)
  if (parts.length === 0) return undefined
  const last = parts[parts.length - 1].toLowerCase()
  const typname = parts.length === 1 ? (ALIASES[last] ?? last) : parts[0] === 'pg_catalog' ? last : `${parts.slice(0, -1).join('.')}.${last}`
  const mods: number[] = []
  for (const m of list(typeName, 'typmods')) {
    const c = unwrap(m, 'A_Const')
    const ival = c && isNode(c.ival) ? c.ival.ival : undefined
    mods.push(typeof ival === 'number' ? ival : 0)
  }
  // bpchar without a length is char(1); a bare numeric has no modifier.
  if (typname === 'bpchar' && mods.length === 0 && parts[0] === 'pg_catalog') mods.push(1)
  if (typname === 'numeric' && mods.length === 1) mods.push(0)
  return { typname, mods, array: list(typeName, 'arrayBounds').length > 0 }
}

/** format_type output -> its modifiers: 'character varying(20)' -> [20], 'numeric(12,2)[]' -> [12, 2]. */
export function modsOf(formatted: string): number[] {
  const m = /\(([\d, ]+)\)/.exec(formatted)
  return m ? m[1].split(',').map((x) => Number(x.trim())) : []
}

// Types whose length or precision limit can grow (or go) without a rewrite (PostgreSQL 9.2+):
// the value's stored form does not depend on the limit.
const GROWABLE = new Set(['varchar', 'varbit', 'numeric', 'timestamp', 'timestamptz', 'interval'])

/**
 * Whether ALTER COLUMN ... TYPE from `from` to `to` (without USING) leaves the table
 * as it is: no rewrite and no scan. Postgres skips both when the new type is
 * binary-coercible and no stored value can fail the new limit.
 */
export function changeWithoutRewrite(from: ColumnType, to: ColumnType): boolean {
  if (from.array !== to.array) return false
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i])
  if (from.typname === to.typname) {
    if (same(from.mods, to.mods)) return true
    if (!GROWABLE.has(from.typname)) return false
    if (to.mods.length === 0) return true // dropping the limit
    if (from.mods.length === 0) return false // adding one: every value is checked (or rounded)
    if (from.typname === 'numeric') return to.mods[1] === from.mods[1] && to.mods[0] >= from.mods[0]
    return to.mods[0] >= from.mods[0]
  }
  // varchar and text are binary-coercible both ways; only an unlimited varchar takes any text.
  if (from.typname === 'varchar' && to.typname === 'text') return true
  if (from.typname === 'text' && to.typname === 'varchar') return to.mods.length === 0
  if (from.typname === 'cidr' && to.typname === 'inet') return true
  return false
}

/** A readable type name for messages: varchar(20), numeric(12,2), int4[]. */
export function typeText(t: ColumnType): string {
  return `${t.typname}${t.mods.length ? `(${t.mods.join(',')})` : ''}${t.array ? '[]' : ''}`
}
