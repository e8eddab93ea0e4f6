// Reading every file of a migrations directory: fs/promises readFile with 32
// workers against readFileSync in a loop (src/source/files.ts readFiles), and readFileSync
// as utf8 text (readTexts, what discovery reads migrations with).
//   node bench/probes/read-files.mjs <dir>
import { readdirSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'

const dir = process.argv[2]
const names = readdirSync(dir).filter((f) => f.endsWith('.sql'))
for (let round = 0; round < 2; round++) {
  let t = performance.now()
  const out = new Array(names.length)
  let next = 0
  const worker = async () => {
    while (next < names.length) {
      const i = next++
      out[i] = await readFile(`${dir}/${names[i]}`)
    }
  }
  await Promise.all(Array.from({ length: 32 }, worker))
  const async32 = performance.now() - t
  t = performance.now()
  for (const f of names) readFileSync(`${dir}/${f}`)
  const sync = performance.now() - t
  // As text (src/source/files.ts readTexts): Node decodes UTF-8 in the same call, no Buffer per file.
  t = performance.now()
  for (const f of names) readFileSync(`${dir}/${f}`, 'utf8')
  const text = performance.now() - t
  console.log(`${names.length} files: fs/promises x32 ${async32.toFixed(0)} ms, readFileSync ${sync.toFixed(0)} ms, readFileSync as utf8 ${text.toFixed(0)} ms`)
}
