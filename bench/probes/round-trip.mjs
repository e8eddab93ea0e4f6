// The cost of one round trip to the server with node-postgres (simple query), and of
// a SAVEPOINT + RELEASE pair inside a transaction, as dry-run sends them.
//   node bench/probes/round-trip.mjs <database-url>
import pg from 'pg'

const c = new pg.Client({ connectionString: process.argv[2] })
await c.connect()
const n = 5000
let t = performance.now()
for (let i = 0; i < n; i++) await c.query('SELECT 1')
console.log(`SELECT 1: ${(((performance.now() - t) / n) * 1000).toFixed(0)} µs per round trip`)
await c.query('BEGIN')
t = performance.now()
for (let i = 0; i < n; i++) {
  await c.query('SAVEPOINT p')
  await c.query('RELEASE SAVEPOINT p')
}
console.log(`SAVEPOINT + RELEASE: ${(((performance.now() - t) / n) * 1000).toFixed(0)} µs per pair`)
await c.query('ROLLBACK')
await c.end()
