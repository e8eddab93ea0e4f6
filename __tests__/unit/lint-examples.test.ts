// The whole linter over real-shaped migrations: migrations-example/ (ups only, in
// order) and fixtures shaped like the five seed runbooks. The goal is zero false
// positives; every finding pinned here is a true positive, explained beside it.
import { lintMigrations } from '../../src/lint/index.js'
import type { LintContext, LintFinding } from '../../src/lint/index.js'
import { discover } from '../../src/source/discover.js'
import { ensureParser } from '../../src/source/parser.js'
import type { Migration } from '../../src/source/types.js'
import { fixture, listSql } from '../fixtures/lint/helpers.js'

let example: Migration[]

beforeAll(async () => {
  await ensureParser()
  const r = await discover({ workspace: process.cwd(), dir: 'migrations-example/supabase/migrations', convention: 'auto' })
  expect(r.problems).toEqual([])
  example = r.migrations
})

const brief = (fs: LintFinding[]) => fs.map((f) => `${f.file.replace('__tests__/fixtures/lint/seeds/', '')}:${f.line}:${f.col} ${f.rule}`)

/** Tables a migration creates (what the snapshot would hold after it). */
function createdBy(m: Migration): string[] {
  const out: string[] = []
  for (const s of m.up.statements) {
    const rel = (s.kind === 'CreateStmt' ? s.node.relation : s.kind === 'CreateTableAsStmt' ? (s.node.into as { rel?: unknown } | undefined)?.rel : undefined) as
      | { schemaname?: string; relname: string }
      | undefined
    if (rel) out.push(`${rel.schemaname ?? 'public'}.${rel.relname}`.toLowerCase())
  }
  return out
}

describe('migrations-example', () => {
  test('the set is what the README lists, all eight ups', () => {
    expect(example.map((m) => m.identity)).toHaveLength(8)
  })

  test('the whole set with an empty snapshot: no finding', () => {
    expect(lintMigrations(example, { existingTables: new Set() })).toEqual([])
  })

  test('the whole set assuming every table it does not create exists (auth.users...): no finding', () => {
    expect(lintMigrations(example, { existingTables: new Set(), unknownTablesExist: true })).toEqual([])
  })

  test('each migration as its own PR, with the tables of the earlier ones (and auth.users) in the snapshot: no finding', () => {
    const existing = new Set(['auth.users'])
    for (const m of example) {
      const ctx: LintContext = { existingTables: new Set(existing) }
      expect({ identity: m.identity, findings: lintMigrations([m], ctx) }).toEqual({ identity: m.identity, findings: [] })
      for (const t of createdBy(m)) existing.add(t)
    }
    expect(existing.has('public.telemetry_samples')).toBe(true)
  })
})

describe('seed-shaped fixtures', () => {
  const group = (dir: string) => Promise.all(listSql(`seeds/${dir}`).map(fixture))
  const only = async (rel: string) => [await fixture(`seeds/${rel}`)]

  test('000 sovereign memory: the migration (in BEGIN ... COMMIT, ADD COLUMN with a constant default on assets) is clean', async () => {
    const [up] = await group('000')
    expect(lintMigrations([up], { existingTables: new Set(['public.assets']) })).toEqual([])
    expect(lintMigrations([up], { existingTables: new Set(), unknownTablesExist: true })).toEqual([])
  })

  test('000 backout, run as a later migration: each DROP TABLE ... CASCADE is destructive (true positives)', async () => {
    const [up, backout] = await group('000')
    const ctx = { existingTables: new Set(['public.assets', ...createdBy(up)]) }
    expect(brief(lintMigrations([backout], ctx))).toEqual([3, 4, 5, 6, 7].map((l) => `000/20260123000100_sovereign_memory_backout.sql:${l}:1 destructive`))
    // In the same set as the migration that created them, the tables are new: nothing to lose.
    expect(lintMigrations([up, backout], { existingTables: new Set(['public.assets']) })).toEqual([])
  })

  test('001 event sourcing: scripts 01-03 and the phase-2 rollback (DELETE with WHERE, REFRESH CONCURRENTLY) are clean', async () => {
    const ms = await group('001')
    expect(lintMigrations(ms.slice(0, 3), { existingTables: new Set(['auth.users']) })).toEqual([])
    expect(lintMigrations(ms.slice(0, 3), { existingTables: new Set(), unknownTablesExist: true })).toEqual([])
    const rollback = ms[3]
    expect(lintMigrations([rollback], { existingTables: new Set(['public.token_events', 'public.electricity_readings_mv']) })).toEqual([])
  })

  test('002 PMOVES: the roles fix creates three server-wide roles (warned at its DO block); the "WRONG" uuid_generate_v4() example is flagged (true positive)', async () => {
    const ms = await group('002')
    const forward = ms.slice(0, 3)
    const expected = [
      '002/20250115000100_roles.sql:1:1 server-wide-change',
      '002/20250115000100_roles.sql:1:1 server-wide-change',
      '002/20250115000100_roles.sql:1:1 server-wide-change',
      '002/20250115000200_geometry_bus.sql:4:31 prefer-gen-random-uuid'
    ]
    expect(brief(lintMigrations(forward, { existingTables: new Set() }))).toEqual(expected)
    expect(brief(lintMigrations(forward, { existingTables: new Set(), unknownTablesExist: true }))).toEqual(expected)
    const roles = lintMigrations(forward, { existingTables: new Set() }).filter((f) => f.rule === 'server-wide-change')
    expect(roles.map((f) => f.message.split(' changes ')[0])).toEqual([
      'CREATE ROLE anon (in a DO block)',
      'CREATE ROLE authenticated (in a DO block)',
      'CREATE ROLE service_role (in a DO block)'
    ])
    expect(roles.every((f) => f.severity === 'warning')).toBe(true)
  })

  test('002 schema rollback as a later migration: DROP TABLE and DROP COLUMN are destructive; DELETE ... WHERE is not', async () => {
    const ctx = { existingTables: new Set(['public.new_feature', 'public.existing_table', 'public.schema_migrations']) }
    expect(brief(lintMigrations(await only('002/20250115000300_rollback_feature.sql'), ctx))).toEqual([
      '002/20250115000300_rollback_feature.sql:4:1 destructive',
      '002/20250115000300_rollback_feature.sql:7:1 destructive'
    ])
  })

  test('003 AI platform: migrations 003-006 are clean; the troubleshooting REINDEX run as a migration is flagged (true positives)', async () => {
    const ms = await group('003')
    expect(lintMigrations(ms.slice(0, 4), { existingTables: new Set(['auth.users']) })).toEqual([])
    expect(lintMigrations(ms.slice(0, 4), { existingTables: new Set(), unknownTablesExist: true })).toEqual([])
    const ctx = { existingTables: new Set(ms.slice(0, 4).flatMap(createdBy)) }
    expect(brief(lintMigrations([ms[4]], ctx))).toEqual(['003/007_rebuild_indexes.sql:2:1 blocking-maintenance', '003/007_rebuild_indexes.sql:3:1 blocking-maintenance'])
  })

  test('004 Mobius: 001-003 are clean; 005 indexes the existing brands without CONCURRENTLY, while its ADD COLUMN still holds ACCESS EXCLUSIVE (true positives)', async () => {
    const ms = await group('004')
    expect(lintMigrations(ms.slice(0, 3), { existingTables: new Set() })).toEqual([])
    expect(lintMigrations(ms, { existingTables: new Set() })).toEqual([]) // brands is new in the same set
    const ctx = { existingTables: new Set(ms.slice(0, 3).flatMap(createdBy)) }
    // The ADD COLUMN at line 2 takes ACCESS EXCLUSIVE on brands and holds it until COMMIT, so
    // reads of brands wait for the whole index build too, not only writes.
    expect(brief(lintMigrations([ms[3]], ctx))).toEqual(['004/005_add_compressed_twin.sql:4:1 require-concurrent-index', '004/005_add_compressed_twin.sql:4:1 lock-held-until-commit'])
  })
})
