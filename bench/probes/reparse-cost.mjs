// CPU of parsing the up files of a set once per file, against parsing each statement
// again from its own text (what reading a released tree costs: source/script.ts).
//   node bench/probes/reparse-cost.mjs <migrations dir>
import v8 from 'node:v8'
import { readdirSync, readFileSync } from 'node:fs'
v8.setFlagsFromString('--no-wasm-tier-up')
v8.setFlagsFromString('--no-wasm-dynamic-tiering')
const lib = await import('libpg-query')
await lib.loadModule()
const dir = process.argv[2]
const texts = readdirSync(dir).filter((f) => f.endsWith('.sql') && !f.endsWith('.down.sql')).map((f) => readFileSync(`${dir}/${f}`, 'utf8'))
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000 }
let t = cpu()
const stmts = []
for (const text of texts) {
  const r = lib.parseSync(text)
  const b = Buffer.from(text)
  for (const s of r.stmts) stmts.push(b.subarray(s.stmt_location ?? 0, (s.stmt_location ?? 0) + (s.stmt_len || b.length)).toString())
}
const perFile = cpu() - t
t = cpu()
for (const s of stmts) lib.parseSync(s)
const perStatement = cpu() - t
console.log(`${texts.length} files: ${perFile.toFixed(0)} ms CPU parsed per file; ${stmts.length} statements parsed one by one: ${perStatement.toFixed(0)} ms`)
