// Errors and warnings as annotations on the exact file:line:col. GitHub shows
// only 10 of each type per step, so the most important come first; the summary
// lists everything. workflow-commands.ts escapes the message and the properties (file names
// included) of every command it writes, so no untrusted text can start a
// workflow command of its own.
import * as core from './workflow-commands.js'
import type { MappedError, RunReport } from '../engine/report.js'

export const MAX_ANNOTATIONS = 10
/** The title of the run-level error's annotation. */
const RUN_ERROR_TITLE = 'pgshift'

export interface Annotation {
  message: string
  title: string
  file?: string
  line?: number
  col?: number
}

/** `message [SQLSTATE]`, DETAIL, HINT and the next step, one per line. */
function errorText(e: MappedError): string {
  const parts = [e.sqlstate ? `${e.message} [${e.sqlstate}]` : e.message, e.detail && `DETAIL: ${e.detail}`, e.hint && `HINT: ${e.hint}`, e.next]
  return parts.filter(Boolean).join('\n')
}

/**
 * Errors in the order a reviewer needs them: the failed migrations, the failing
 * verify checks that name a file, source problems, refusals, drift, one line for the
 * schema differences (the summary lists them), then the run-level error. In verify,
 * each failed check instead: those with a file first, those without in place of
 * the refusals, drift and schema lines, which would say them a second time.
 */
export function collectAnnotations(report: RunReport): { errors: Annotation[]; warnings: Annotation[] } {
  const errors: Annotation[] = []
  for (const m of report.migrations) {
    if (!m.error) continue
    const e = m.error
    errors.push({ title: `pgshift: ${m.identity} failed`, message: errorText(e), file: e.file ?? m.file, line: e.position?.line, col: e.position?.col })
  }
  // verify's failed checks are its findings, one error each (docs/pr-report.md, Annotations): drift,
  // missing files and schema differences are checks there, so their refusals and summary lines would repeat them.
  const verify = report.mode === 'verify' && report.checks !== undefined
  const accepted: Annotation[] = []
  const missing = new Set(report.migrations.filter((m) => m.status === 'missing').map((m) => m.identity))
  const withoutFile: Annotation[] = []
  for (const c of report.checks ?? []) {
    if (c.ok) continue
    // A missing migration's file is not in the commit: GitHub would link the annotation to a page that 404s.
    const file = missing.has(c.subject) && !c.error ? undefined : (c.error?.file ?? c.file)
    const position = c.error?.position ?? (c.line ? { line: c.line, col: 0 } : undefined)
    const message = c.error ? (c.error.message === c.message ? errorText(c.error) : `${c.message}\n${errorText(c.error)}`) : c.message
    const a = { title: `pgshift: verify ${c.subject} failed`, message, file, line: file ? position?.line : undefined, col: (file && position?.col) || undefined }
    if (file) errors.push(a)
    else if (verify) withoutFile.push(a)
  }
  for (const p of report.problems) {
    // A path not in the commit gets no file: GitHub would link the annotation to a page that 404s.
    const file = p.noSuchPath ? undefined : p.file
    // A syntax error's excerpt (the lines around it, a caret under the column) as the summary shows it.
    errors.push({ title: `pgshift: ${p.code}`, message: [p.message, p.excerpt, p.hint].filter(Boolean).join('\n'), file, line: p.position?.line, col: p.position?.col })
  }
  if (!verify) {
    // Why the run was refused (drift, missing files, an untrusted trigger): the headline, before the files it names.
    for (const r of report.plan.refusals) errors.push({ title: 'pgshift: refused', message: r })
    for (const m of report.migrations) {
      // Accepted by allow-drift / allow-out-of-order, the run went ahead: a warning, never an error on a green run.
      if (m.accepted) accepted.push({ title: `pgshift: ${m.accepted === 'allow-drift' ? 'drifted' : 'out of order'}, accepted by ${m.accepted}`, message: `${m.identity}: ${m.note}`, file: m.file, line: 1 })
      else if (m.status === 'drifted' || m.status === 'out-of-order') {
        errors.push({ title: `pgshift: ${m.status}`, message: `${m.identity} is ${m.status}${m.note ? ` (${m.note})` : ''}`, file: m.file, line: 1 })
      }
    }
    const differences = (report.schemaDiff ?? []).reduce((n, d) => n + d.differences.length, 0)
    if (differences) {
      errors.push({ title: 'pgshift: schema differences', message: `${differences} schema difference${differences === 1 ? '' : 's'}, see the summary` })
    }
  }
  // verify's checks that name no file (a missing file, a schema difference, a cancelled script): one error each, on the run.
  errors.push(...withoutFile)
  if (report.error) {
    errors.push({ title: RUN_ERROR_TITLE, message: [report.error.message, report.error.next].join('\n') })
  }
  // Lint findings on their exact line: errors when they refused the run (lint: error), warnings otherwise.
  const refusedByLint = report.plan.refusals.some((r) => r.startsWith('Lint found'))
  const lint: Annotation[] = (report.lint ?? [])
    .filter((f) => !f.suppressed)
    .map((f) => ({ title: `pgshift lint: ${f.rule}`, message: `${f.message}\n${f.why}\nSafe rewrite: ${f.fix}`, file: f.file, line: f.line, col: f.col }))
  if (refusedByLint) errors.push(...lint)
  // Supabase lint of the applied schema: on the statement that made the object, else on the run.
  const supabaseLint: Annotation[] = []
  for (const f of report.supabaseLint ?? []) {
    const a = { title: `pgshift Supabase lint: ${f.rule}`, message: `${f.message}\nWhy: ${f.url}`, file: f.file, line: f.line }
    if (f.level === 'error') errors.push(a)
    else supabaseLint.push(a)
  }
  // A down script's syntax error is a warning (engine/parse-needed.ts): its excerpt goes with it, as an up file's does.
  const warnings: Annotation[] = [...accepted, ...(refusedByLint ? [] : lint), ...supabaseLint, ...report.warnings.map((w) => ({ title: 'pgshift', message: [w.message, w.excerpt].filter(Boolean).join('\n'), file: w.file || undefined, line: w.position?.line, col: w.position?.col }))]
  return { errors, warnings }
}

/** The annotations GitHub will show (the first 10 of each type), and how many more the summary holds. */
export function capAnnotations(all: { errors: Annotation[]; warnings: Annotation[] }): { errors: Annotation[]; warnings: Annotation[]; hidden: number } {
  const hidden = Math.max(0, all.errors.length - MAX_ANNOTATIONS) + Math.max(0, all.warnings.length - MAX_ANNOTATIONS)
  return { errors: all.errors.slice(0, MAX_ANNOTATIONS), warnings: all.warnings.slice(0, MAX_ANNOTATIONS), hidden }
}

/**
 * Emits the annotations; true when the run's failure is already among them, so the step
 * fails without a `::error` that repeats it: the run-level error (report.error), or
 * verify's failed checks (the step failure would list them again).
 */
export function emitAnnotations(report: RunReport): boolean {
  const all = collectAnnotations(report)
  const { errors, warnings, hidden } = capAnnotations(all)
  for (const a of errors) core.error(a.message, { title: a.title, file: a.file, startLine: a.line, startColumn: a.col })
  for (const a of warnings) core.warning(a.message, { title: a.title, file: a.file, startLine: a.line, startColumn: a.col })
  if (hidden) core.notice(`${hidden} more findings are listed in the job summary (GitHub shows 10 annotations of each kind per step).`)
  if (report.error) return errors.some((a) => a.title === RUN_ERROR_TITLE)
  return report.mode === 'verify' && (report.checks ?? []).some((c) => !c.ok)
}
