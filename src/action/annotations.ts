// Errors and warnings as annotations on the exact file:line:col. GitHub shows
// only 10 of each type per step, so the most important come first; the summary
// lists everything.
import * as core from '@actions/core'
import type { RunReport } from '../engine/report.js'

export const MAX_ANNOTATIONS = 10

interface Annotation {
  message: string
  title: string
  file?: string
  line?: number
  col?: number
}

/** Errors in the order a reviewer needs them: the failed migration, refusals' files, source problems. */
export function collectAnnotations(report: RunReport): { errors: Annotation[]; warnings: Annotation[] } {
  const errors: Annotation[] = []
  for (const m of report.migrations) {
    if (!m.error) continue
    const e = m.error
    const parts = [e.sqlstate ? `${e.message} [${e.sqlstate}]` : e.message, e.detail && `DETAIL: ${e.detail}`, e.hint && `HINT: ${e.hint}`, e.next]
    errors.push({ title: `pgshift: ${m.identity} failed`, message: parts.filter(Boolean).join('\n'), file: e.file ?? m.file, line: e.position?.line, col: e.position?.col })
  }
  for (const p of report.problems) {
    errors.push({ title: `pgshift: ${p.code}`, message: [p.message, p.hint].filter(Boolean).join('\n'), file: p.file, line: p.position?.line, col: p.position?.col })
  }
  for (const m of report.migrations) {
    if (m.status === 'drifted' || m.status === 'out-of-order') {
      errors.push({ title: `pgshift: ${m.status}`, message: `${m.identity} is ${m.status}${m.note ? ` (${m.note})` : ''}`, file: m.file, line: 1 })
    }
  }
  if (report.error) {
    errors.push({ title: 'pgshift', message: [report.error.message, report.error.next].join('\n') })
  }
  const warnings: Annotation[] = report.warnings.map((w) => ({ title: 'pgshift', message: w.message, file: w.file || undefined }))
  return { errors, warnings }
}

export function emitAnnotations(report: RunReport): void {
  const { errors, warnings } = collectAnnotations(report)
  for (const a of errors.slice(0, MAX_ANNOTATIONS)) core.error(a.message, { title: a.title, file: a.file, startLine: a.line, startColumn: a.col })
  for (const a of warnings.slice(0, MAX_ANNOTATIONS)) core.warning(a.message, { title: a.title, file: a.file })
  const hidden = Math.max(0, errors.length - MAX_ANNOTATIONS) + Math.max(0, warnings.length - MAX_ANNOTATIONS)
  if (hidden) core.notice(`${hidden} more findings are listed in the job summary (GitHub shows 10 annotations of each kind per step).`)
}
