// Safety copies (issue 9): before a script that drops a table or a column, or
// truncates, runs, the rows it destroys are copied to CSV with COPY ... TO STDOUT.
// Taken on the migration connection, under the run lock, just before the
// script's transaction: the rows as they are when the migration starts.
import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type pg from 'pg'
import { escapeIdentifier } from 'pg'
import type { SafetyCopy } from '../engine/report.js'
import { destroyedBy } from '../source/destroys.js'
import type { ParsedScript } from '../source/types.js'

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120)

/** The table's primary-key columns, in key order ([] without a key). */
async function keyColumns(client: pg.Client, regclass: string): Promise<string[]> {
  const r = await client.query<{ attname: string }>(
    `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [regclass]
  )
  return r.rows.map((x) => x.attname)
}

/** COPY (query) TO STDOUT as CSV with a header into `file`; the number of rows. */
export async function copyToCsv(client: pg.Client, query: string, file: string): Promise<number> {
  // Imported here: only a run that copies rows loads it (a no-op run never does).
  const { to: copyTo } = await import('pg-copy-streams')
  const stream = client.query(copyTo(`COPY (${query}) TO STDOUT WITH (FORMAT csv, HEADER)`))
  await pipeline(stream, createWriteStream(file, { mode: 0o600 }))
  return stream.rowCount
}

/**
 * Copies what `script` would destroy into `dir`. Objects the script itself creates
 * first (absent now) hold nothing yet and are skipped; so are empty tables and columns.
 */
export async function takeSafetyCopies(client: pg.Client, dir: string, migration: string, script: ParsedScript, label = migration): Promise<SafetyCopy[]> {
  const copies: SafetyCopy[] = []
  for (const s of script.statements) {
    for (const d of destroyedBy(s)) {
      const reg = await client.query<{ t: string; display: string }>(
        `SELECT c.oid::regclass::text AS t, n.nspname || '.' || c.relname AS display
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'p')`,
        [d.table]
      )
      const row = reg.rows[0]
      if (!row) continue
      let query = `SELECT * FROM ${row.t}`
      if (d.column) {
        const col = await client.query('SELECT 1 FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2 AND attnum > 0 AND NOT attisdropped', [row.t, d.column])
        if (!col.rowCount) continue
        const keys = (await keyColumns(client, row.t)).filter((k) => k !== d.column)
        // The key says which row each value belongs to; without a key, the whole row does.
        const cols = keys.length ? [...keys, d.column].map((c) => escapeIdentifier(c)).join(', ') : '*'
        query = `SELECT ${cols} FROM ${row.t} WHERE ${escapeIdentifier(d.column)} IS NOT NULL`
      }
      const what = d.column ? `column ${row.display}.${d.column}` : `table ${row.display}`
      const file = join(dir, `${safeName(label)}-line${s.position.line}-${safeName(row.display)}${d.column ? `.${safeName(d.column)}` : ''}.csv`)
      const rows = await copyToCsv(client, query, file)
      copies.push({ migration, what, file, rows, statement: `${script.source.file}:${s.position.line} ${d.how}` })
    }
  }
  return copies
}
