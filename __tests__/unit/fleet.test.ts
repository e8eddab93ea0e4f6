// Fleets without a database: the targets file's schema and its errors, the
// per-wave matrices, the merge of leg files, and the report's size at 1,000 targets.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GITHUB_COMMENT_LIMIT, commentMarker } from '../../src/action/comment-body.js'
import { notRun, type FleetLeg } from '../../src/fleet/leg.js'
import { renderFleetMarkdown } from '../../src/fleet/markdown.js'
import { fleetPlan } from '../../src/fleet/matrix.js'
import { mergeFleet } from '../../src/fleet/report.js'
import type { TargetSummary } from '../../src/fleet/summary.js'
import { loadTargets, TargetsError, validateTargets, type Fleet } from '../../src/fleet/targets.js'
import { parseSettings } from '../../src/settings.js'

const errorOf = (raw: unknown): string => {
  try {
    validateTargets(raw, 'pgshift.targets.yml')
  } catch (e) {
    expect(e).toBeInstanceOf(TargetsError)
    return (e as Error).message
  }
  throw new Error('expected a TargetsError')
}

describe('the targets file', () => {
  test('a database per target and a tenant-schema set, with defaults', () => {
    const fleet = validateTargets(
      {
        targets: [
          { name: 'canary', secret: 'DB_CANARY', wave: 0, labels: { region: 'eu', plan: 'pro' } },
          { name: 'acme', env: 'ACME_URL' },
          { name: 'tenants', secret: 'TENANTS_DB', schemas: { query: 'SELECT nspname FROM pg_namespace' } }
        ]
      },
      'f.yml'
    )
    expect(fleet.targets.map((t) => [t.name, t.wave])).toEqual([
      ['canary', 0],
      ['acme', 1],
      ['tenants', 1]
    ])
    expect(fleet.targets[2]?.schemas).toEqual({ query: 'SELECT nspname FROM pg_namespace', concurrency: 4, 'fail-fast': true, 'search-path': ['{schema}'] })
  })

  test('errors name the target and the field', () => {
    const msg = errorOf({
      targets: [
        { name: 'canary', secret: 'DB', wave: 0 },
        { name: 'eu-west', secret: 'postgres://u:p@h/db', wave: 1 },
        { name: 'tenants', secret: 'T', wave: 1, schemas: { list: ['a'], concurrency: 0 } },
        { name: 'both', secret: 'A', env: 'B' },
        { name: 'x', secret: 'X', colour: 'red' }
      ]
    })
    expect(msg).toMatch(/targets\[1\] \(eu-west\): secret: expected the name of a repository or environment secret/)
    expect(msg).toMatch(/targets\[2\] \(tenants\): schemas\.concurrency: expected a whole number from 1 to 32/)
    expect(msg).toMatch(/targets\[3\] \(both\): give either secret or env/)
    expect(msg).toMatch(/targets\[4\] \(x\): unknown field colour/)
    // The URL is never echoed back.
    expect(msg).not.toMatch(/u:p@h/)
  })

  test('duplicate names, a missing canary wave and a gap between waves are refused', () => {
    expect(errorOf({ targets: [{ name: 'a', secret: 'A', wave: 0 }, { name: 'A', secret: 'B', wave: 0 }] })).toMatch(/targets\[1\] \(A\): name: already used by targets\[0\]/)
    expect(errorOf({ targets: [{ name: 'a', secret: 'A' }] })).toMatch(/no target is in wave 0, the canaries/)
    expect(errorOf({ targets: [{ name: 'a', secret: 'A', wave: 0 }, { name: 'b', secret: 'B', wave: 2 }] })).toMatch(/no target is in wave 1, but wave 2 has targets/)
    expect(errorOf({ targets: [{ name: 't', secret: 'T', wave: 0, schemas: { list: ['a'], query: 'SELECT 1' } }] })).toMatch(/targets\[0\] \(t\): schemas: give either query or list/)
  })

  test('a YAML file: loaded, and its syntax errors carry the line', () => {
    const ws = mkdtempSync(join(tmpdir(), 'pgshift-fleet-'))
    writeFileSync(join(ws, 'pgshift.targets.yml'), 'targets:\n  - name: canary\n    secret: DB\n    wave: 0\n')
    expect(loadTargets(ws, 'pgshift.targets.yml').targets).toHaveLength(1)
    writeFileSync(join(ws, 'bad.yml'), 'targets:\n  - name: canary\n   secret: DB\n')
    expect(() => loadTargets(ws, 'bad.yml')).toThrow(/^bad\.yml: line \d+/)
    expect(() => loadTargets(ws, 'missing.yml')).toThrow(/missing\.yml: not found/)
  })
})

describe('fleet-plan', () => {
  test('one matrix per wave, entries the legs read with secrets[matrix.secret]', () => {
    const plan = fleetPlan(
      validateTargets(
        {
          targets: [
            { name: 'canary', secret: 'DB_CANARY', wave: 0 },
            { name: 'acme', env: 'ACME_URL', labels: { region: 'us' } },
            { name: 'tenants', secret: 'TENANTS_DB', schemas: { list: ['t1'] } }
          ]
        },
        'f.yml'
      )
    )
    expect(plan.waves).toEqual([0, 1])
    expect(plan.matrix['0']).toEqual({ include: [{ target: 'canary', secret: 'DB_CANARY', env: '', wave: 0, kind: 'database', labels: {} }] })
    expect(plan.matrix['1']?.include.map((e) => [e.target, e.secret, e.env, e.kind])).toEqual([
      ['acme', '', 'ACME_URL', 'database'],
      ['tenants', 'TENANTS_DB', '', 'schemas']
    ])
  })

  test("a wave above GitHub's 256 jobs per matrix is refused", () => {
    const targets = [{ name: 'c', secret: 'C', wave: 0 }, ...Array.from({ length: 257 }, (_, i) => ({ name: `db${i}`, secret: 'S' }))]
    expect(() => fleetPlan(validateTargets({ targets }, 'f.yml'))).toThrow(/wave 1 has 257 targets, and GitHub runs at most 256 jobs per matrix/)
  })

  test('the fleet inputs go through the settings schema', () => {
    const s = parseSettings({ mode: 'fleet-report', 'fleet-wave': '0', 'fleet-reports-dir': 'legs' }, '/tmp')
    expect(s).toMatchObject({ mode: 'fleet-report', fleetWave: 0, fleetReportsDir: 'legs', targetsFile: 'pgshift.targets.yml' })
    expect(() => parseSettings({ 'fleet-wave': 'canary' }, '/tmp')).toThrow(/fleet-wave: 'canary' is not a wave number/)
    expect(() => parseSettings({ 'fleet-target': '../etc' }, '/tmp')).toThrow(/fleet-target: '..\/etc' is not a target name/)
    expect(parseSettings({ 'search-path': 'tenant_1, "Public"' }, '/tmp').searchPath).toEqual(['tenant_1', 'Public'])
  })
})

// ---- the merged report --------------------------------------------------------

const HEAD = '0005_e'
const ok = (over: Partial<TargetSummary> = {}): TargetSummary => ({ status: 'success', at: HEAD, head: HEAD, behind: 0, applied: ['0004_d', HEAD], drifted: [], durationMs: 40, ...over })
function leg(target: string, wave: number, summary: TargetSummary): FleetLeg {
  return { pgshiftFleetLeg: 1, target, wave, kind: 'database', labels: {}, mode: 'apply', status: summary.status === 'not-run' ? 'failed' : summary.status, startedAt: '2026-12-03T09:00:00.000Z', durationMs: 50, results: [{ name: target, summary }] }
}
function fleetOf(n: number): Fleet {
  return { file: 'f.yml', targets: Array.from({ length: n }, (_, i) => ({ name: `db-${String(i).padStart(4, '0')}`, secret: 'S', wave: i < 5 ? 0 : 1, labels: {} })) }
}

test('merge: failed first, a target without a leg is "not run", the skew groups targets by version', () => {
  const fleet = fleetOf(8)
  const legs = [
    leg('db-0000', 0, ok()),
    leg('db-0001', 0, ok({ status: 'failed', at: '0003_c', behind: 2, applied: [], firstError: 'migrations/0004_d.sql:3:1 42P01 relation "x" does not exist' })),
    leg('db-0002', 0, ok({ status: 'nothing-to-do', applied: [] })),
    leg('db-0003', 0, ok()),
    leg('db-0004', 0, ok({ at: '0003_c', behind: 2, status: 'nothing-to-do', applied: [] })),
    leg('db-0005', 1, ok({ status: 'success', drifted: ['0002_b'] }))
  ]
  const r = mergeFleet(fleet, legs)
  expect(r.rows.slice(0, 3).map((x) => [x.name, x.summary.status])).toEqual([
    ['db-0001', 'failed'],
    ['db-0006', 'not-run'],
    ['db-0007', 'not-run']
  ])
  expect(r.rows.slice(3).map((x) => x.summary.status)).toEqual(['success', 'success', 'success', 'nothing-to-do', 'nothing-to-do'])
  expect(r.failed).toBe(true)
  expect(r.counts).toEqual({ failed: 1, blocked: 0, 'not-run': 2, success: 3, 'nothing-to-do': 2 })
  expect(r.skew).toEqual([
    { at: '0003_c', behind: 2, rows: ['db-0001', 'db-0004'] },
    { at: HEAD, behind: 0, rows: expect.arrayContaining(['db-0000', 'db-0002', 'db-0003', 'db-0005']) },
    { at: undefined, behind: undefined, rows: ['db-0006', 'db-0007'] }
  ])
  const md = renderFleetMarkdown(r)
  expect(md).toMatch(/^## pgshift fleet apply: ❌ 1 target failed/)
  expect(md).toContain('| `0003_c` | 2 migrations | 2 | `db-0001`, `db-0004` |')
  expect(md).toContain('| unknown (no report) | ? | 2 | `db-0006`, `db-0007` |')
  // Five short columns; the first error (and what ran, the drift) in a list below the table.
  expect(md).toContain('| Target | Wave | Status | At | Behind |')
  expect(md).toContain('| ❌ `db-0001` | 0 | failed | `0003_c` | 2 |')
  expect(md).toContain('- ❌ `db-0001`: migrations/0004_d.sql:3:1 42P01 relation "x" does not exist')
  expect(md).toContain('- ✅ `db-0005`: applied 2: `0005_e`; drift: `0002_b`')
  // The canary wave alone: its five targets, and the gate says stop.
  const canaries = mergeFleet(fleet, legs, { wave: 0 })
  expect(canaries.rows).toHaveLength(5)
  expect(renderFleetMarkdown(canaries)).toMatch(/wave 0, the canaries.*\n[\s\S]*Do not start the next wave/)
})

test('a fleet at one version passes', () => {
  const fleet = fleetOf(3)
  const r = mergeFleet(fleet, fleet.targets.map((t) => leg(t.name, t.wave, ok())))
  expect(r.failed).toBe(false)
  const md = renderFleetMarkdown(r)
  expect(md).toMatch(/every target succeeded/)
  expect(md).not.toMatch(/Needs attention/)
  expect(md).toMatch(/The other 3 targets\*\* are at the head/)
})

test('one target left at the head is one target, in the singular', () => {
  const fleet = fleetOf(2)
  const [a, b] = fleet.targets
  const md = renderFleetMarkdown(mergeFleet(fleet, [leg(a!.name, a!.wave, ok({ status: 'failed', at: '0003_c', behind: 2, applied: [], firstError: 'boom' })), leg(b!.name, b!.wave, ok())]))
  expect(md).toMatch(/The other target\*\* is at the head/)
  expect(md).not.toMatch(/The other 1 target/)
})

test('at 1,000 targets the comment stays within GitHub limit, with every status counted', () => {
  const fleet = fleetOf(1000)
  const legs: FleetLeg[] = []
  fleet.targets.forEach((t, i) => {
    // 317 failures with long errors, about 60 behind at many versions, 50 without a leg, the rest at head.
    if (i % 3 === 0 && i < 950) legs.push(leg(t.name, t.wave, ok({ status: 'failed', at: `0004_v${i % 7}`, behind: 1 + (i % 7), applied: [], firstError: `migrations/0005_e.sql:12:5 23505 ${'duplicate key value violates unique constraint '.repeat(6)}` })))
    else if (i % 10 === 1 && i < 950) legs.push(leg(t.name, t.wave, ok({ status: 'nothing-to-do', at: `0002_v${i % 30}`, behind: 3 + (i % 30), applied: [] })))
    else if (i < 950) legs.push(leg(t.name, t.wave, ok()))
  })
  const r = mergeFleet(fleet, legs)
  expect(r.rows).toHaveLength(1000)
  expect(r.counts['not-run']).toBe(50)
  const md = renderFleetMarkdown(r)
  const body = `${commentMarker('Fleet deploy/report')}\n${md}`
  expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT)
  expect(md).toMatch(/…and \d+ more rows \(/)
  expect(md).toMatch(/1000 targets\*\* \(950 legs reported\): 317 failed · 50 not run/)
  // Failed rows come before the others in the table.
  const table = md.slice(md.indexOf('### Needs attention'), md.indexOf('### Version skew'))
  expect(table.indexOf('| failed |')).toBeLessThan(table.indexOf('| not run |') === -1 ? Infinity : table.indexOf('| not run |'))
  process.stdout.write(`fleet report at 1,000 targets: ${body.length} characters\n`)
})

test('notRun rows say why', () => {
  expect(notRun('x')).toMatchObject({ status: 'not-run', firstError: 'x' })
})
