// What a no-op `plan` must do, and nothing more: list and read the files, hash the
// ups (BOM and CRLF rules aside), connect, read history, compare. A lower bound for
// pgshift's no-op run once it stops parsing applied files; phases go to stderr.
//   node bench/probes/noop-floor.mjs <migrations-dir> <database-url>
const t0 = performance.now()
const { default: pg } = await import('pg')
const { createHash } = await import('node:crypto')
const { readdirSync, readFileSync } = await import('node:fs')
const t1 = performance.now()
const [dir, url] = process.argv.slice(2)
const names = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()
const sums = new Map()
for (const f of names) {
  if (f.endsWith('.down.sql')) continue
  const text = readFileSync(`${dir}/${f}`, 'utf8')
  sums.set(f.slice(0, -4), createHash('sha256').update(text.replace(/\r\n?/g, '\n')).digest('hex'))
}
const t2 = performance.now()
const c = new pg.Client({ connectionString: url })
await c.connect()
const r = await c.query('SELECT identity, checksum FROM pgshift.schema_history ORDER BY applied_at, identity')
await c.end()
const t3 = performance.now()
const same = r.rows.filter((row) => sums.get(row.identity) === row.checksum).length
console.log(`${same} of ${sums.size} files match history`)
console.error(`node start ${t0.toFixed(0)} ms, imports ${(t1 - t0).toFixed(0)} ms, read + hash ${(t2 - t1).toFixed(0)} ms, connect + history ${(t3 - t2).toFixed(0)} ms`)
