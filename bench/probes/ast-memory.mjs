// Heap and RSS of keeping every parse tree of a directory (as discovery keeps each
// statement's `node`) against keeping only the statement count.
//   node --expose-gc bench/probes/ast-memory.mjs <dir> keep|drop
import { readdirSync, readFileSync } from 'node:fs'
import { loadModule, parseSync } from 'libpg-query'

const [dir, what] = process.argv.slice(2)
await loadModule()
const kept = []
for (const f of readdirSync(dir)) {
  if (!f.endsWith('.sql')) continue
  const r = parseSync(readFileSync(`${dir}/${f}`, 'utf8'))
  kept.push(what === 'keep' ? r : r.stmts.length)
}
globalThis.gc?.()
const m = process.memoryUsage()
console.log(`${kept.length} files, ${what === 'keep' ? 'keeping' : 'dropping'} the trees: heap used ${(m.heapUsed / 1048576).toFixed(0)} MB, RSS ${(m.rss / 1048576).toFixed(0)} MB, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
