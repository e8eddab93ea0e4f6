// check history (verify, step 1): files against history, the pure plan as one
// check per file and per history row without a file. Applied and matching passes;
// drifted, missing, out of order, pending, partial and changed repeatables fail
// (allow-drift and allow-missing accept drift and missing files, as for apply; with
// allow-out-of-order an out-of-order file is pending, as apply treats it: not applied yet, so it still fails).
import type { ModeContext } from '../modes/context.js'
import type { MigrationResult, VerifyCheck } from '../report.js'
import { planPending } from './plan.js'

/** Files against history: one check per plan row. */
export function historyChecks(results: MigrationResult[], opts: { allowDrift: boolean; allowMissing: boolean; allowOutOfOrder: boolean }): VerifyCheck[] {
  return results.map((r): VerifyCheck => {
    const c = { subject: r.identity, file: r.file }
    const note = r.note ? ` (${r.note})` : ''
    switch (r.status) {
      case 'already-applied':
        return { ...c, ok: true, message: `applied${r.appliedAt ? ` at ${r.appliedAt}` : ''}; the file matches history` }
      case 'drifted':
        return opts.allowDrift
          ? { ...c, ok: true, message: `edited since it was applied${note}` }
          : { ...c, ok: false, message: `drift: the file was edited after it was applied${note}` }
      case 'missing':
        return opts.allowMissing
          ? { ...c, ok: true, message: `recorded in history (from ${r.file}) but no file has this name${note}; accepted by allow-missing` }
          : { ...c, ok: false, message: `missing: recorded in history${r.appliedAt ? ` (applied at ${r.appliedAt})` : ''} from ${r.file}, but no file has this name${note}` }
      case 'out-of-order':
        // Accepted, apply runs it like any pending file: its note says it sorts early and who accepted it.
        if (opts.allowOutOfOrder) return { ...c, ok: false, message: `pending: not applied yet${note}` }
        return { ...c, ok: false, message: `out of order: not applied, and it sorts before the newest applied migration${note}` }
      case 'partial':
        return { ...c, ok: false, message: `partial: an earlier run stopped after statement ${r.statementsDone ?? 0} of ${r.statements}${note}` }
      case 'changed':
        return { ...c, ok: false, message: `changed: this repeatable migration was edited since it last ran; apply runs it again` }
      default:
        return { ...c, ok: false, message: `pending: not applied yet${note}` }
    }
  })
}

/**
 * The log line of a failed verify check: it fails the run, so it says FAILED, and it
 * is plain text. The report holds the check, and the action annotates it from there
 * (one `::error` per finding, src/action/annotations.ts); the CLI prints the report.
 */
export const failedCheckLine = (c: VerifyCheck): string => `${c.subject}: FAILED - ${c.message}`

/** Fills the plan into the report and pushes one check per row onto `checks`. */
export function checkHistory(ctx: ModeContext, checks: VerifyCheck[]): void {
  const { report, settings, log } = ctx
  planPending(ctx)
  report.pending = report.migrations.filter((m) => ['pending', 'out-of-order', 'changed', 'partial'].includes(m.status)).map((m) => m.identity)
  // A failed check fails the run: logged as that, in words (failedCheckLine), not as a warning.
  for (const c of historyChecks(report.migrations, settings)) {
    checks.push(c)
    if (!c.ok) log.info(failedCheckLine(c))
  }
  // The Supabase CLI's history must agree too: a file pgshift applied without the CLI's row is one `supabase db push` would run again.
  for (const m of ctx.supabase?.backfill ?? []) {
    const c: VerifyCheck = { subject: 'verify', file: m.up.source.file, ok: false, message: `${m.identity} is recorded in ${report.historyTable} but not in supabase_migrations.schema_migrations, so \`supabase db push\` would run it again: run pgshift in mode apply to write the Supabase CLI's row.` }
    checks.push(c)
    log.info(failedCheckLine(c))
  }
  const ok = checks.filter((c) => c.ok).length
  log.info(`files against ${report.historyTable}: ${ok} of ${checks.length} match`)
}
