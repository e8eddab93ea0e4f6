// verify (DESIGN 12): is the database what the files say? Read-only: it never
// takes the run lock, never creates the history table, and runs every query of
// its own on the target inside a READ ONLY transaction that it rolls back.
import type { MigrationResult, RunReport, VerifyCheck } from '../report.js'
import { checkHistory, failedCheckLine } from '../steps/check-history.js'
import { compareWithExpected } from '../steps/compare-expected-schema.js'
import { runVerifyScripts } from '../steps/run-verify-scripts.js'
import type { ModeContext } from './context.js'

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`

export async function verifyMode(ctx: ModeContext): Promise<void> {
  const { report, settings, log } = ctx
  const checks: VerifyCheck[] = []
  const scriptChecks = new Set<VerifyCheck>()
  report.checks = checks
  checkHistory(ctx, checks)
  await runVerifyScripts(ctx, checks, scriptChecks)
  if (settings.expectedDatabaseUrl && !ctx.isCancelled()) {
    const schemaChecks = await compareWithExpected(ctx, settings.expectedDatabaseUrl)
    checks.push(...schemaChecks)
    for (const c of schemaChecks) log.info(c.ok ? `schema: ${c.message}` : failedCheckLine(c))
  }
  report.status = checks.every((c) => c.ok) ? 'success' : 'failed'
  report.nextStep = nextStepFor(report, checks, scriptChecks)
}

function nextStepFor(report: RunReport, checks: VerifyCheck[], scriptChecks: ReadonlySet<VerifyCheck>): string {
  const failed = checks.filter((c) => !c.ok)
  if (!failed.length) {
    return `All ${plural(checks.length, 'check')} passed (${plural(scriptChecks.size, 'verify script')}${report.schemaDiff ? ', schema comparison' : ''}). verify changed nothing.`
  }
  const ids = (status: MigrationResult['status'][]) => report.migrations.filter((m) => status.includes(m.status)).map((m) => m.identity)
  const failedIds = new Set(failed.filter((c) => !scriptChecks.has(c)).map((c) => c.subject))
  const pick = (status: MigrationResult['status'][]) => ids(status).filter((id) => failedIds.has(id))
  const parts: string[] = []
  const drifted = pick(['drifted'])
  if (drifted.length) parts.push(`Edited after they were applied: ${drifted.join(', ')}. Revert the edits and put the change in a new migration, or accept them with allow-drift: true.`)
  const missing = pick(['missing'])
  if (missing.length) parts.push(`In history without a file: ${missing.join(', ')}. Restore the files (a rename counts as delete + new file), or accept with allow-missing: true.`)
  // Out of order and not accepted: apply refuses them, so running apply is not the next step.
  const early = new Set(report.migrations.filter((m) => m.status === 'out-of-order' && !m.accepted).map((m) => m.identity))
  const outOfOrder = pick(['out-of-order']).filter((id) => early.has(id))
  if (outOfOrder.length) {
    const newest = report.migrations.filter((m) => m.kind === 'versioned' && ['already-applied', 'drifted', 'partial'].includes(m.status)).at(-1)?.identity
    parts.push(`Sort before the newest applied migration${newest ? ` (${newest})` : ''}: ${outOfOrder.join(', ')}. apply refuses them: rename them to sort after it, or set allow-out-of-order: true.`)
  }
  const notApplied = pick(['pending', 'out-of-order', 'changed', 'partial']).filter((id) => !early.has(id))
  if (notApplied.length) parts.push(`Not applied: ${notApplied.join(', ')}. Run mode apply (mode plan shows what it would run).`)
  const scripts = failed.filter((c) => scriptChecks.has(c))
  if (scripts.length) {
    parts.push(
      `Verify scripts failed: ${scripts.map((c) => `${c.file}:${c.line ?? 1}`).join(', ')}. Each check says which statement and row; fix the database, or the script if it is wrong.`
    )
  }
  const schema = failed.filter((c) => c.subject === 'schema')
  const nDiff = report.schemaDiff?.reduce((n, d) => n + d.differences.length, 0) ?? 0
  if (nDiff) {
    parts.push(
      `The live schema differs from the schema the files build (${plural(nDiff, 'difference')}): a hand-made change in production? Write a migration that makes it, or revert it by hand.`
    )
  } else if (schema.length) {
    parts.push(`The schema comparison could not run: ${schema[0]?.message}`)
  }
  const other = failed.filter((c) => c.subject === 'verify')
  if (other.length) parts.push(other.map((c) => c.message).join(' '))
  return `${plural(failed.length, 'check')} of ${checks.length} failed. ${parts.join(' ')} verify changed nothing.`
}
