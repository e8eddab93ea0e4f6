// The bare Node client the issue measures pgshift against: connect with `pg`, read
// one table (pgshift's history), and, given SQL files, run them in one transaction.
// No parsing, no bookkeeping: what any Node migration tool must at least do.
//   node bench/peers/bare-pg.mjs <database-url> [--no-read] [file.sql ...]
import { readFileSync } from 'node:fs'
import pg from 'pg'

const [url, ...rest] = process.argv.slice(2)
const read = rest[0] !== '--no-read'
const files = read ? rest : rest.slice(1)
const client = new pg.Client({ connectionString: url })
await client.connect()
const rows = read ? (await client.query('SELECT * FROM pgshift.schema_history')).rows : []
if (files.length) await client.query(`BEGIN;\n${files.map((f) => readFileSync(f, 'utf8')).join('\n;\n')}\n;COMMIT`)
await client.end()
console.log(`bare pg: read ${rows.length} history rows${files.length ? `, ran ${files.length} files` : ''}`)
