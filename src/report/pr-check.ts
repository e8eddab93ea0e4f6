// The PR check's part of the report (issue 15): a heading that says what the PR
// does (its migrations, apply, rollback, lint), the base phase as one line, and
// the PR's own migrations with the locks they take on existing tables. Plain
// facts here; markdown.ts and text.ts escape and lay them out.
import type { MigrationResult, RunReport } from '../engine/report.js'
import { formatDuration } from './text.js'
import { thousands } from './thousands.js'

const plural = (n: number, one: string, many = `${one}s`) => `${thousands(n)} ${n === 1 ? one : many}`

/** Problems that are the PR's history mistakes (or a base that could not be read). */
export const isHistoryProblem = (code: string) => code.startsWith('pr-') || code === 'base-unavailable'

/** The PR's own rows, in run order. */
export function prRows(r: RunReport): MigrationResult[] {
  return r.migrations.filter((m) => m.origin === 'pr')
}

/** `pgshift PR check (ephemeral database): 2 migrations in this PR ✅ apply ✅ rollback ⚠️ 1 lint warning`. */
export function prCheckHeading(r: RunReport): string {
  const info = r.prCheck
  if (!info) return ''
  const n = info.prMigrations.length
  const parts = [`${plural(n, 'migration')} in this PR`]
  const history = r.problems.filter((p) => isHistoryProblem(p.code)).length
  const verb = r.mode === 'dry-run' ? 'dry-run' : r.mode
  const rows = prRows(r)
  if (history) parts.push(`❌ ${plural(history, 'history problem')}`)
  else if (r.problems.length) parts.push(`❌ ${plural(r.problems.length, 'problem')}`)
  else if (info.basePhase.failed) parts.push('❌ base phase')
  else if (r.mode !== 'plan') {
    if (rows.some((m) => m.status === 'failed' || m.status === 'partial') || (r.status === 'failed' && r.error && !rows.length)) parts.push(`❌ ${verb}`)
    else if (r.status === 'blocked') parts.push('⛔ blocked')
    else if (r.partialPreview) parts.push(`⚠️ previewed ${thousands(r.partialPreview.previewed)} of ${plural(r.partialPreview.total, 'migration')}`)
    else if (n && rows.every((m) => ['applied', 'previewed', 'already-applied'].includes(m.status))) parts.push(`✅ ${verb}`)
    else if (!n && r.status !== 'failed') parts.push(`✅ base ${verb}`)
  }
  if (info.rollback === 'passed') parts.push('✅ rollback')
  else if (info.rollback === 'failed') parts.push('❌ rollback')
  const open = (r.lint ?? []).filter((f) => !f.suppressed)
  const sb = r.supabaseLint ?? []
  const errors = open.filter((f) => f.severity === 'error').length + sb.filter((f) => f.level === 'error').length
  const warnings = open.length + sb.length - errors
  if (errors) parts.push(`❌ ${plural(errors, 'lint error')}`)
  if (warnings) parts.push(`⚠️ ${plural(warnings, 'lint warning')}`)
  if (!errors && !warnings && r.lint !== undefined) parts.push('✅ lint')
  return `pgshift PR check (${info.database} database): ${parts.join(' ')}`
}

/** The base phase in one line: `12 migrations of base 1a2b3c4d5e6f applied in 1.2 s (from git)`. */
export function basePhaseLine(r: RunReport): string {
  const info = r.prCheck
  if (!info) return ''
  const b = info.basePhase
  const base = `base ${info.base.slice(0, 12)}`
  const preview = r.mode === 'dry-run'
  const verb = preview ? 'previewed' : 'applied'
  const already = b.alreadyApplied && r.mode !== 'plan' ? `; ${thousands(b.alreadyApplied)} already recorded in history` : ''
  let what: string
  if (r.mode === 'plan') what = `${plural(b.total, 'migration')} of ${base}`
  else if (b.failed) what = `${plural(b.ran, 'migration')} of ${base}: ${b.failed} FAILED, so the base itself does not apply here`
  else if (b.ran) what = `${plural(b.ran, 'migration')} of ${base} ${verb} in ${formatDuration(b.durationMs) || '0 ms'}`
  else what = `nothing to ${preview ? 'preview' : 'apply'} from ${base}`
  return `${what}${already} (files from ${info.from})`
}

/** The rollback verdict in words, or undefined when the test did not run. */
export function rollbackLine(r: RunReport): string | undefined {
  const v = r.prCheck?.rollback
  if (v === 'passed') return "✅ passed: up, down, up over the PR's migrations left the same schema (the base's migrations are not tested)"
  if (v === 'failed') return "❌ failed: see the checks below (only the PR's migrations are tested)"
  return undefined
}
