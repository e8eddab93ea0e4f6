// Peak RSS and time of parsing every .sql file of a directory with libpg-query's
// WASM parser, as discovery does. On Node 24, V8 tiers the parser's huge functions up
// to TurboFan after a few hundred parses, which costs hundreds of MB; compare:
//   node_modules/node/bin/node bench/probes/wasm-tierup.mjs <dir>
//   node_modules/node/bin/node --liftoff-only bench/probes/wasm-tierup.mjs <dir>
//   V8_FLAGS=--liftoff-only node_modules/node/bin/node bench/probes/wasm-tierup.mjs <dir>   (set at runtime: no effect)
import v8 from 'node:v8'
import { readdirSync, readFileSync } from 'node:fs'
import { loadModule, parseSync } from 'libpg-query'

if (process.env.V8_FLAGS) v8.setFlagsFromString(process.env.V8_FLAGS)
const dir = process.argv[2]
await loadModule()
const t = performance.now()
let files = 0
for (const f of readdirSync(dir)) {
  if (!f.endsWith('.sql')) continue
  parseSync(readFileSync(`${dir}/${f}`, 'utf8'))
  files++
}
console.log(`${process.version} ${process.execArgv.join(' ') || '(no flags)'}${process.env.V8_FLAGS ? ` runtime ${process.env.V8_FLAGS}` : ''}: parsed ${files} files in ${(performance.now() - t).toFixed(0)} ms; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
