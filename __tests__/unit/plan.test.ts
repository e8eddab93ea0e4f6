import type { HistoryRow } from '../../src/db/history.js'
import { doneHash, plan } from '../../src/engine/plan.js'
import type { Migration, Statement } from '../../src/source/types.js'

function mig(identity: string, checksum = `sum-${identity}`, opts: Partial<Migration> = {}, statements = ['SELECT 1']): Migration {
  const stmts: Statement[] = statements.map((sql, index) => ({ index, sql, offset: 0, position: { line: index + 1, col: 1 }, kind: 'SelectStmt', node: {} }))
  return {
    identity,
    version: identity.split('_')[0] ?? '',
    name: identity,
    kind: 'versioned',
    orderKey: { group: 0, parts: [identity] },
    checksum,
    convention: 'numbered',
    file: `m/${identity}.sql`,
    scriptFiles: {},
    up: { source: { file: `m/${identity}.sql`, fileText: '', offset: 0, text: '' }, statements: stmts, runMode: 'transaction', nonTransactionalReasons: [], hasTransactionBlocks: false, sendText: '' },
    ...opts
  }
}

function row(identity: string, checksum = `sum-${identity}`, extra: Partial<HistoryRow> = {}): HistoryRow {
  return { identity, version: '', name: identity, kind: 'versioned', script: `m/${identity}.sql`, checksum, appliedAt: '2026-01-01T00:00:00.000Z', durationMs: 1, statements: 1, status: 'applied', statementsDone: null, doneHash: null, ...extra }
}

const strict = { allowOutOfOrder: false, allowDrift: false, allowMissing: false }

test('pending files after the applied ones run in order', () => {
  const p = plan([mig('001_a'), mig('002_b'), mig('003_c')], [row('001_a')], strict)
  expect(p.summary.applied).toEqual(['001_a'])
  expect(p.summary.pending).toEqual(['002_b', '003_c'])
  expect(p.toRun.map((r) => r.migration.identity)).toEqual(['002_b', '003_c'])
  expect(p.summary.refusals).toEqual([])
})

test('an edited applied file is drift and refuses the run, naming the file and the input', () => {
  const p = plan([mig('001_a', 'new'), mig('002_b')], [row('001_a', 'old')], strict)
  expect(p.summary.drifted).toEqual(['001_a'])
  expect(p.toRun).toEqual([])
  expect(p.summary.refusals[0]).toMatch(/001_a.*allow-drift: true/)
  expect(plan([mig('001_a', 'new'), mig('002_b')], [row('001_a', 'old')], { ...strict, allowDrift: true }).toRun.map((r) => r.migration.identity)).toEqual(['002_b'])
})

test('a history row without a file is missing; a same-content new file is flagged as a rename', () => {
  const p = plan([mig('002_renamed', 'sum-001_a')], [row('001_a')], strict)
  expect(p.summary.missing).toEqual(['001_a'])
  expect(p.summary.refusals[0]).toMatch(/001_a.*allow-missing/)
  expect(p.results.find((r) => r.identity === '002_renamed')?.note).toMatch(/same content as 001_a/)
  expect(p.results.find((r) => r.identity === '001_a')?.note).toMatch(/renamed to 002_renamed/)
})

test('a pending file that sorts before the newest applied one is out of order', () => {
  const p = plan([mig('001_a'), mig('002_b'), mig('003_c')], [row('001_a'), row('003_c')], strict)
  expect(p.summary.outOfOrder).toEqual(['002_b'])
  expect(p.summary.refusals[0]).toMatch(/002_b.*003_c|003_c.*002_b/)
  expect(plan([mig('001_a'), mig('002_b'), mig('003_c')], [row('001_a'), row('003_c')], { ...strict, allowOutOfOrder: true }).toRun.map((r) => r.migration.identity)).toEqual(['002_b'])
})

test('a repeatable runs again when its checksum changes, and not otherwise', () => {
  const r = mig('R__views', 'v2', { kind: 'repeatable' })
  expect(plan([r], [row('R__views', 'v2', { kind: 'repeatable' })], strict).toRun).toEqual([])
  const p = plan([r], [row('R__views', 'v1', { kind: 'repeatable' })], strict)
  expect(p.summary.changedRepeatables).toEqual(['R__views'])
  expect(p.toRun.map((x) => x.migration.identity)).toEqual(['R__views'])
})

test('a partial statement-by-statement file resumes after its committed statements, unless they changed', () => {
  const m = mig('002_idx', 'x', {}, ['CREATE INDEX CONCURRENTLY a ON t(a)', 'CREATE INDEX CONCURRENTLY b ON t(b)'])
  const ok = plan([m], [row('002_idx', 'x', { status: 'partial', statementsDone: 1, doneHash: doneHash(m, 1) })], strict)
  expect(ok.toRun).toEqual([{ migration: m, resumeFrom: 1, resumed: true }])
  expect(ok.results[0]?.note).toMatch(/resumes at statement 2 of 2/)
  const changed = plan([m], [row('002_idx', 'x', { status: 'partial', statementsDone: 1, doneHash: 'other' })], strict)
  expect(changed.toRun).toEqual([])
  expect(changed.summary.refusals[0]).toMatch(/002_idx stopped after statement 1/)
})
