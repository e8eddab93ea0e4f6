// Sequences a rolled-back transaction advanced. nextval() is never rolled back
// (https://www.postgresql.org/docs/current/functions-sequence.html), so a dry-run
// that inserts rows, or calls nextval, leaves those sequences advanced: the only
// trace a preview leaves, and it must say so.
import type pg from 'pg'

/** last_value of every sequence the session may read (null when never used or not readable). */
export async function sequenceValues(c: pg.Client): Promise<Map<string, string | null>> {
  const r = await c.query<{ name: string; v: string | null }>(
    "SELECT pg_catalog.format('%I.%I', schemaname, sequencename) AS name, last_value::text AS v FROM pg_catalog.pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
  )
  return new Map(r.rows.map((x) => [x.name, x.v]))
}

/** Sequences that existed before and moved: `name: before -> after`. */
export function advancedSequences(before: Map<string, string | null>, after: Map<string, string | null>): string[] {
  const out: string[] = []
  for (const [name, v0] of before) {
    const v1 = after.get(name)
    if (v1 !== undefined && v1 !== null && v1 !== v0) out.push(`${name} (${v0 ?? 'unused'} -> ${v1})`)
  }
  return out
}
