// preludes (DESIGN 5, the prelude-dirs input): one-time scripts that run before the
// first migration, each in its own transaction with its history row (a `prelude:`
// identity), in the order of prelude-dirs and then of file names. apply runs those
// history lacks; dry-run previews them in its rolled-back transaction; plan lists
// them. They are never pending, missing or rolled back: rollback and verify never
// see their rows (engine/run.ts keeps them apart from the migrations' history).
import { executeMigration, recordAppliedSql, type ExecContext } from '../executor.js'
import { execContext } from '../exec-context.js'
import type { ModeContext } from '../modes/context.js'
import type { PreviewItem } from '../preview.js'
import type { MappedError, MigrationResult, PreludeResult } from '../report.js'
import { planPreludes, type PreludeRun } from '../../source/preludes.js'
import { ensureParser } from '../../source/parser.js'
import type { DiscoveryResult } from '../../source/types.js'
import type { HistoryRow } from '../../db/history.js'
import { baseResult } from '../plan.js'
import type { Mode } from '../report.js'

/** Parses the preludes that may run, so a syntax error refuses the run before anything changes. */
export async function parsePendingPreludes(found: DiscoveryResult, rows: HistoryRow[], mode: Mode): Promise<void> {
  if (!found.preludes?.length || !['plan', 'dry-run', 'apply'].includes(mode)) return
  const { toRun } = planPreludes(found.preludes, rows)
  if (!toRun.length) return
  await ensureParser()
  for (const r of toRun) void r.migration.up
}

/** The preludes this run would run, and the report's list of every prelude with what happens to it. */
export function planPreludeStep(ctx: ModeContext): PreludeRun[] {
  const preludes = ctx.found.preludes
  if (!preludes?.length) return []
  const { toRun, changed } = planPreludes(preludes, ctx.preludeHistory)
  const pending = new Set(toRun.map((r) => r.migration.identity))
  ctx.report.preludes = preludes.map((p) => ({ file: p.file, status: pending.has(p.identity) ? 'will run' : 'already ran' }))
  for (const p of changed) {
    ctx.report.warnings.push({ file: p.file, message: `the prelude ${p.file} changed since it ran: a prelude runs once, so the change does not run. Put it in a new prelude file (on a new database) or in a migration.` })
  }
  return toRun
}

const resultOf = (ctx: ModeContext, file: string) => ctx.report.preludes?.find((p) => p.file === file) as PreludeResult

/** apply: runs the preludes history lacks, stopping at the first failure (its error, file:line, is returned). */
export async function runPreludes(ctx: ModeContext, exec: ExecContext, runs: PreludeRun[]): Promise<MappedError | undefined> {
  let failed: MappedError | undefined
  for (const [k, run] of runs.entries()) {
    const result = resultOf(ctx, run.migration.file)
    if (failed || ctx.isCancelled()) {
      result.status = 'not run'
      continue
    }
    const o = await ctx.log.group(`prelude [${k + 1}/${runs.length}] ${run.migration.file}`, async () => {
      const r = await executeMigration(exec, run)
      ctx.log.info(`${r.ok ? 'ran' : 'FAILED'} in ${Math.round(r.durationMs)} ms`)
      return r
    })
    result.durationMs = Math.round(o.durationMs)
    if (o.ok) result.status = 'ran'
    else {
      result.status = 'failed'
      failed = o.error ?? { message: `${run.migration.file} failed`, next: '' }
      failed.file ??= run.migration.file
      result.error = failed
      const where = `${failed.file}${failed.position ? `:${failed.position.line}` : ''}`
      failed.next = `The prelude ${where} failed and its own changes were rolled back${o.statementsDone ? ` (statements 1-${o.statementsDone} committed: it runs statement by statement, and a rerun resumes after them)` : ''}; no migration ran. Fix it and rerun: preludes that ran stay recorded and do not run again.`
    }
  }
  return failed
}

/** Marks the run failed by a prelude: nothing after it ran. */
export function failOnPrelude(ctx: ModeContext, error: MappedError): void {
  ctx.report.status = 'failed'
  ctx.report.error = error
  ctx.report.nextStep = error.next
}

/** dry-run: the preludes as preview items, run first inside the preview transaction (rolled back with it). */
export function preludePreviewItems(ctx: ModeContext, runs: PreludeRun[]): PreviewItem[] {
  const exec = execContext(ctx)
  return runs.map(({ migration: m }) => ({ migration: m, script: m.up, result: { ...baseResult(m), file: m.file } as MigrationResult, recordSql: recordAppliedSql(exec, m, {}) }))
}

/** After the preview: each prelude item's outcome in the report's prelude list. */
export function notePreludePreview(ctx: ModeContext, items: PreviewItem[]): void {
  for (const item of items) {
    const result = resultOf(ctx, item.migration.file)
    result.durationMs = item.result.durationMs
    result.status = item.result.status === 'previewed' ? 'previewed' : item.result.status === 'failed' ? 'failed' : 'not run'
    if (item.result.error) result.error = item.result.error
  }
}
