// Where a pgshift process spends its time, from a V8 .cpuprofile (node --cpu-prof).
// Self time per function and per source (the bundle's source map, when beside it,
// names the original file: src/..., node_modules/pg/...), plus the V8 buckets:
// (idle) is time spent waiting, mostly for the server; (garbage collector); (program).
//
//   node bench/profile.mjs <file.cpuprofile> [top]
import { existsSync, readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'

const maps = new Map()
function sourceMapFor(url) {
  if (!url.startsWith('file://')) return undefined
  if (!maps.has(url)) {
    const mapFile = `${fileURLToPath(url)}.map`
    maps.set(url, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : undefined)
  }
  return maps.get(url)
}

/** The original file of a frame, shortened: src/engine/executor.ts, pg, libpg-query, node:net ... */
function sourceOf(cf) {
  const url = cf.url ?? ''
  if (!url) return cf.functionName.startsWith('(') ? cf.functionName : '(native)'
  if (url.startsWith('node:')) return 'node internals'
  if (url.startsWith('wasm://')) return 'libpg-query (wasm)'
  const map = sourceMapFor(url)
  const entry = map?.findEntry(cf.lineNumber, cf.columnNumber)
  const src = entry?.originalSource
  if (!src) return basename(url)
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(src)
  if (nm) return nm[1]
  const i = src.indexOf('src/')
  return i >= 0 ? src.slice(i) : src.replace(/^webpack:\/\/[^/]*\//, '')
}

/** A frame's function name; webpack module factories (numeric names) are a module's top-level code. */
const fname = (cf) => (/^\d+$/.test(cf.functionName) ? '(module init)' : cf.functionName || '(anonymous)')

export function summarizeProfile(file, top = 12) {
  const prof = JSON.parse(readFileSync(file, 'utf8'))
  const byId = new Map(prof.nodes.map((n) => [n.id, n]))
  const self = new Map()
  for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0))
  const total = [...self.values()].reduce((a, b) => a + b, 0)
  const bySource = new Map()
  const byFn = new Map()
  for (const [id, us] of self) {
    const cf = byId.get(id).callFrame
    const src = sourceOf(cf)
    bySource.set(src, (bySource.get(src) ?? 0) + us)
    const fn = `${fname(cf)} ${src}`
    byFn.set(fn, (byFn.get(fn) ?? 0) + us)
  }
  // Inclusive time of pgshift's own functions (each sample counted once per function on its stack): the phases.
  const parent = new Map()
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const keyOf = new Map()
  const inclusive = new Map()
  const stackKeys = (id) => {
    const keys = new Set()
    for (let x = id; x !== undefined; x = parent.get(x)) {
      if (!keyOf.has(x)) {
        const cf = byId.get(x).callFrame
        const src = sourceOf(cf)
        keyOf.set(x, src.startsWith('src/') ? `${fname(cf)} ${src}` : null)
      }
      const k = keyOf.get(x)
      if (k) keys.add(k)
    }
    return keys
  }
  const stackCache = new Map()
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i]
    if (!stackCache.has(id)) stackCache.set(id, stackKeys(id))
    for (const k of stackCache.get(id)) inclusive.set(k, (inclusive.get(k) ?? 0) + (prof.timeDeltas[i] ?? 0))
  }
  const ms = (us) => `${(us / 1000).toFixed(0).padStart(6)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%`
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
  const text = [
    `sampled ${(total / 1000).toFixed(0)} ms; self time by source:`,
    ...sorted(bySource).map(([k, v]) => `  ${ms(v)}  ${k}`),
    'self time by function:',
    ...sorted(byFn).map(([k, v]) => `  ${ms(v)}  ${k}`),
    "inclusive time of pgshift's functions:",
    ...sorted(inclusive).map(([k, v]) => `  ${ms(v)}  ${k}`)
  ].join('\n')
  return { totalMs: total / 1000, bySource: Object.fromEntries([...bySource].map(([k, v]) => [k, v / 1000])), text }
}

/**
 * What is alive at exit, from a V8 .heapprofile (node --heap-prof: sampled allocations
 * not yet collected), by source and by function, so a memory target can name the code
 * that holds the bytes.
 */
export function summarizeHeapProfile(file, top = 12) {
  const prof = JSON.parse(readFileSync(file, 'utf8'))
  const bySource = new Map()
  const byFn = new Map()
  let total = 0
  const walk = (node) => {
    const size = node.selfSize ?? 0
    if (size) {
      total += size
      const cf = node.callFrame
      const src = sourceOf(cf)
      bySource.set(src, (bySource.get(src) ?? 0) + size)
      const k = `${fname(cf)} ${src}`
      byFn.set(k, (byFn.get(k) ?? 0) + size)
    }
    for (const c of node.children ?? []) walk(c)
  }
  walk(prof.head)
  const mb = (b) => `${(b / 1024 / 1024).toFixed(1).padStart(6)} MB ${((100 * b) / total).toFixed(1).padStart(5)}%`
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
  return {
    totalMb: total / 1024 / 1024,
    text: [`sampled heap alive at exit ${(total / 1024 / 1024).toFixed(1)} MB; by source:`, ...sorted(bySource).map(([k, v]) => `  ${mb(v)}  ${k}`), 'by allocating function:', ...sorted(byFn).map(([k, v]) => `  ${mb(v)}  ${k}`)].join('\n')
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!process.argv[2]) {
    console.error('usage: node bench/profile.mjs <file.cpuprofile|file.heapprofile> [top]')
    process.exit(64)
  }
  const top = Number(process.argv[3] ?? 15)
  console.log(process.argv[2].endsWith('.heapprofile') ? summarizeHeapProfile(process.argv[2], top).text : summarizeProfile(process.argv[2], top).text)
}
