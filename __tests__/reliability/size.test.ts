// T41 size: one 50 MB migration is discovered and parsed whole, with exact
// positions at its end. Correctness only: the time and memory it takes are
// measured by the benchmarks (docs/BENCHMARKS.md), not asserted here.
import { discover } from '../../src/source/discover.js'
import { makeWorkspace } from '../support/workspace.js'

test('T41 a 50 MB file: every statement found, the last one at its exact line, nothing refused', async () => {
  const line = "INSERT INTO t VALUES (1, 'héllo; 😀 -- wörld', $$a;b$$);\n"
  const n = Math.ceil(50e6 / Buffer.byteLength(line))
  const text = 'CREATE TABLE t (a int, b text, c text);\n' + line.repeat(n) + 'SELECT count(*) FROM t;\n'
  expect(Buffer.byteLength(text)).toBeGreaterThan(50e6)
  const ws = makeWorkspace({ '001_big.sql': text })
  const r = await discover({ workspace: ws, dir: 'migrations', convention: 'auto' })
  expect(r.problems).toEqual([])
  const st = r.migrations[0]?.up.statements ?? []
  expect(st).toHaveLength(n + 2)
  expect(st[n + 1]?.position).toEqual({ line: n + 2, col: 1 })
  expect(st[n + 1]?.sql).toBe('SELECT count(*) FROM t')
  expect(st[Math.floor(n / 2)]?.sql).toBe(line.trimEnd().slice(0, -1))
}, 240_000)
