// test-rollback, for PR checks on an ephemeral database: after apply, roll the
// same migrations back and compare the schema with the one before (S0), then
// apply them again and compare with the one after (S1). Every difference means a
// down script is not the inverse of its up.
import { diffSnapshots } from '../../inspect/diff.js'
import type { Snapshot } from '../../inspect/snapshot.js'
import type { Migration } from '../../source/types.js'
import { executeDown, executeMigration } from '../executor.js'
import type { SchemaDifference, VerifyCheck } from '../report.js'
import { execContext } from '../exec-context.js'
import type { ModeContext } from '../modes/context.js'
import { snapshotOf } from './snapshot.js'

/**
 * Runs after apply applied `applied` (in order) starting from snapshot `s0`.
 * Fills report.checks and report.schemaDiff; returns false when the test failed.
 */
export async function testRollback(ctx: ModeContext, applied: Migration[], s0: Snapshot): Promise<boolean> {
  const { report, log } = ctx
  const checks: VerifyCheck[] = (report.checks ??= [])
  if (!applied.length) return true
  const s1 = await snapshotOf(ctx)
  // What the run's migrations change, for the reviewer: S0 -> S1.
  ctx.report.schemaChanges = diffSnapshots(s0, s1)
  const noDown = applied.filter((m) => !m.down)
  if (noDown.length) {
    for (const m of noDown) checks.push({ subject: m.identity, file: m.up.source.file, ok: false, message: `no down script, so its rollback cannot be tested: ${downAdvice(m)}` })
    return false
  }
  const exec = execContext(ctx)
  const downs = [...applied].reverse()
  for (const m of downs) {
    const o = await log.group(`test-rollback: down ${m.identity}`, () => executeDown(exec, m))
    if (!o.ok) {
      checks.push({ subject: m.identity, file: m.down?.source.file, line: o.error?.position?.line, ok: false, message: `the down script failed: ${o.error?.message ?? 'unknown error'}`, error: o.error })
      return false
    }
  }
  const afterDown = diffSnapshots(s0, await snapshotOf(ctx))
  record(ctx, checks, 'schema after down vs before up', afterDown, downs)
  for (const m of applied) {
    const o = await log.group(`test-rollback: up again ${m.identity}`, () => executeMigration(exec, { migration: m, resumeFrom: 0 }))
    if (!o.ok) {
      checks.push({ subject: m.identity, file: m.up.source.file, line: o.error?.position?.line, ok: false, message: `applying again after the down failed: ${o.error?.message ?? 'unknown error'}`, error: o.error })
      return false
    }
  }
  const afterUp = diffSnapshots(s1, await snapshotOf(ctx))
  record(ctx, checks, 'schema after up-down-up vs after up', afterUp, applied)
  return afterDown.length === 0 && afterUp.length === 0
}

/** Where a down script goes in `m`'s convention, so the tool that owns the directory never runs it as a migration. */
export function downAdvice(m: Migration): string {
  const dir = m.file.includes('/') ? m.file.slice(0, m.file.lastIndexOf('/')) : '.'
  switch (m.convention) {
    case 'supabase':
      return `add ${dir}/down/${m.identity}.sql (the Supabase CLI applies every ${dir}/<version>_<name>.sql, a ${m.identity}.down.sql there included, but not files in a subfolder)`
    case 'dbmate':
      return 'add a -- migrate:down section to the file'
    case 'goose':
      return 'add a -- +goose Down section to the file'
    case 'golang-migrate':
      return `add ${dir}/${m.identity}.down.sql next to its .up.sql`
    case 'flyway':
      return `add ${dir}/U${m.version}__${m.name}.sql (Flyway's undo naming)`
    default:
      return `add ${dir}/${m.identity}.down.sql (or a down section)`
  }
}

function record(ctx: ModeContext, checks: VerifyCheck[], title: string, differences: SchemaDifference[], scope: Migration[]): void {
  const names = scope.map((m) => m.identity).join(', ')
  if (!differences.length) {
    checks.push({ subject: 'test-rollback', ok: true, message: `${title}: identical (${names})` })
    return
  }
  ;(ctx.report.schemaDiff ??= []).push({ title: `test-rollback: ${title}`, differences })
  checks.push({
    subject: 'test-rollback',
    ok: false,
    message: `down is not the inverse of up (${names}): ${differences.length} difference${differences.length === 1 ? '' : 's'}: ${differences
      .slice(0, 5)
      .map((d) => `${d.object} ${d.change}${d.detail ? ` (${d.detail})` : ''}`)
      .join('; ')}${differences.length > 5 ? '; …' : ''}`
  })
}
