// The CLI rendering of a RunReport: compiler-style, one line per migration,
// errors as `file:line:col: error: message [SQLSTATE]`. It reads only the
// report, so the CLI and the action say the same things.
//
// Untrusted text (file names, SQL, server messages) has its control characters
// made visible, and the whole output has workflow commands neutralised, since
// the CLI often runs inside a GitHub Actions step whose log the runner parses.
import { basePhaseLine, prCheckHeading, prRows } from './pr-check.js'
import type { LockTaken, MappedError, MigrationResult, MigrationStatus, RunReport, RunStatus, StatementTiming, VerifyCheck } from '../engine/report.js'
import { conventionLine } from '../engine/report.js'
// Kept where the renderers import it from; the engine's discovery log line says it too.
export { conventionNoteWords } from '../engine/report.js'
import type { FilePosition } from '../source/types.js'
import { escapeWorkflowCommands, sanitizeText } from './escape.js'
import { thousands } from './thousands.js'

export interface TextOptions {
  /** ANSI colors; off unless asked for. */
  color?: boolean
}

/** `12 ms`, `1.2 s`, `2 min 05 s`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return ''
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const totalSeconds = Math.round(ms / 1000)
  const minutes = Math.floor(totalSeconds / 60)
  const seconds = totalSeconds % 60
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`
}

/** `file:line:col`, `file:line`, or `file` (empty when there is no file). */
export function formatLocation(file: string | undefined, position?: FilePosition): string {
  if (!file) return ''
  if (!position) return file
  return position.col > 0 ? `${file}:${position.line}:${position.col}` : `${file}:${position.line}`
}

/** Statuses in the order a summary lists them. */
export const STATUS_ORDER: readonly MigrationStatus[] = [
  'applied',
  'previewed',
  'rolled-back',
  'failed',
  'partial',
  'skipped',
  'pending',
  'out-of-order',
  'changed',
  'drifted',
  'missing',
  'already-applied'
]

/** Words for a status, as a reader says them. */
export function statusWords(status: MigrationStatus): string {
  return status.replace(/-/g, ' ')
}

/** `2 applied, 1 failed, 5 skipped` (only the statuses present). */
export function countSummary(migrations: readonly MigrationResult[]): string {
  const counts = new Map<MigrationStatus, number>()
  for (const m of migrations) counts.set(m.status, (counts.get(m.status) ?? 0) + 1)
  const parts: string[] = []
  for (const s of STATUS_ORDER) {
    const n = counts.get(s)
    if (n) parts.push(`${n} ${statusWords(s)}`)
  }
  // A status this renderer does not know yet still counts.
  for (const [s, n] of counts) if (!STATUS_ORDER.includes(s)) parts.push(`${n} ${statusWords(s)}`)
  return parts.join(', ')
}

/** The banner of every preview: a dry-run, or a rollback with dry-run. */
export const PREVIEW_BANNER = 'Preview: everything was rolled back; nothing was kept'

/** True when the report is a preview (mode dry-run, or a previewed rollback). */
export function isPreview(report: RunReport): boolean {
  return report.preview === true || report.mode === 'dry-run'
}

/** The mode as the header says it: `apply`, `dry-run`, `rollback (dry-run)`. */
export function modeTitle(report: RunReport): string {
  return report.preview && report.mode !== 'dry-run' ? `${report.mode} (dry-run)` : report.mode
}

/** What success is called in each mode. */
const SUCCESS_WORDS: Record<string, string> = {
  plan: 'ready to apply',
  'dry-run': 'previewed',
  apply: 'applied',
  verify: 'verified',
  rollback: 'rolled back'
}
export function successWords(report: RunReport): string {
  // A preview that stopped early says how much of the run it covered.
  const part = report.partialPreview
  if (isPreview(report) && part) return `previewed ${thousands(part.previewed)} of ${thousands(part.total)}`
  if (isPreview(report)) return 'previewed'
  return SUCCESS_WORDS[report.mode] ?? 'success'
}

/** The run's result in words: the mode's own word for success, else the status. */
export function resultWords(report: RunReport): string {
  return report.status === 'success' ? successWords(report) : runStatusWords(report.status)
}

// --- locks, timings, checks ---------------------------------------------------

/** `AccessExclusiveLock` -> `ACCESS EXCLUSIVE`, as the SQL LOCK statement names it; other text unchanged. */
export function lockModeWords(mode: string): string {
  const m = /^([A-Z][A-Za-z]*?)Lock$/.exec(mode.trim())
  if (!m) return mode.trim()
  return m[1]
    .split(/(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/)
    .join(' ')
    .toUpperCase()
}

/** Strongest first, as in the conflict table of the Postgres docs. */
const LOCK_STRENGTH: Record<string, number> = {
  'ACCESS EXCLUSIVE': 8,
  EXCLUSIVE: 7,
  'SHARE ROW EXCLUSIVE': 6,
  SHARE: 5,
  'SHARE UPDATE EXCLUSIVE': 4,
  'ROW EXCLUSIVE': 3,
  'ROW SHARE': 2,
  'ACCESS SHARE': 1
}
function lockStrength(mode: string): number {
  return LOCK_STRENGTH[lockModeWords(mode).toUpperCase()] ?? 0
}

/** The locks, strongest first (stable otherwise). */
export function sortLocks(locks: readonly LockTaken[]): LockTaken[] {
  return locks
    .map((l, i) => ({ l, i }))
    .sort((a, b) => lockStrength(b.l.mode) - lockStrength(a.l.mode) || a.i - b.i)
    .map((x) => x.l)
}

/** `blocks reads and writes` from the report's `blocks` text (which may or may not start with the verb). */
export function blocksWords(blocks: string): string {
  const b = blocks.trim()
  if (b === '') return ''
  return /^(blocks?|does|doesn't|no|nothing|only|allows?)\b/i.test(b) ? b : `blocks ${b}`
}

const unquote = (s: string) => s.replace(/"/g, '')

/**
 * The locks a migration took, without pgshift's own bookkeeping (its history table,
 * the Supabase CLI's): the engine leaves those out (db/locks.ts); a report written
 * by an older pgshift may still hold them.
 */
export function migrationLocks(report: RunReport, m: MigrationResult): LockTaken[] {
  const own = new Set([unquote(report.historyTable), 'supabase_migrations.schema_migrations'])
  return (m.locks ?? []).filter((lk) => !own.has(unquote(lk.relation)))
}

/** `ACCESS EXCLUSIVE on public.orders: blocks reads and writes`. */
export function lockSentence(lock: LockTaken): string {
  const what = blocksWords(lock.blocks)
  return `${lockModeWords(lock.mode)} on ${lock.relation}${what ? `: ${what}` : ''}`
}

/** `ACCESS EXCLUSIVE: public.orders, public.users; ROW EXCLUSIVE: public.audit` (strongest first). */
export function compactLocks(locks: readonly LockTaken[]): string {
  if (locks.length === 0) return 'none'
  const byMode = new Map<string, string[]>()
  for (const l of sortLocks(locks)) {
    const mode = lockModeWords(l.mode)
    const rels = byMode.get(mode) ?? []
    if (!rels.includes(l.relation)) rels.push(l.relation)
    byMode.set(mode, rels)
  }
  return [...byMode].map(([mode, rels]) => `${mode}: ${rels.join(', ')}`).join('; ')
}

/** `CREATE INDEX CONCURRENTLY ran as CREATE INDEX`, for a statement that ran as its transactional twin. */
export function twinNote(t: StatementTiming): string {
  if (!t.twin || t.twin.trim() === '') return ''
  const twin = t.twin.trim()
  return /^ran as\b/i.test(twin) ? `${t.label} ${twin}` : `${t.label} (${twin})`
}

/** The distinct twin notes of a migration. */
export function twinNotes(m: MigrationResult): string[] {
  return [...new Set((m.statementTimings ?? []).map(twinNote).filter(Boolean))]
}

/** The checks, failures first (stable otherwise). */
export function checksInOrder(checks: readonly VerifyCheck[]): VerifyCheck[] {
  return [...checks.filter((c) => !c.ok), ...checks.filter((c) => c.ok)]
}

/** `3 checks: 1 failed, 2 passed`. */
export function checksSummary(checks: readonly VerifyCheck[]): string {
  const failed = checks.filter((c) => !c.ok).length
  const parts = [failed ? `${failed} failed` : '', checks.length - failed ? `${checks.length - failed} passed` : ''].filter(Boolean)
  return `${checks.length} check${checks.length === 1 ? '' : 's'}: ${parts.join(', ')}`
}

/** How a migration runs, in words. */
export function runModeWords(m: MigrationResult): string {
  if (m.runMode === undefined) return '—'
  return m.runMode === 'transaction' ? 'transaction' : 'statement by statement'
}

/**
 * A statement shortened to `maxLines` lines and `maxChars` characters, with a
 * SQL comment saying how much was left out.
 */
export function shortenStatement(sql: string, maxLines = 20, maxChars = 4000): string {
  let lines = sql.replace(/\r\n?/g, '\n').replace(/^\s*\n|\s+$/g, '').split('\n')
  let tail = ''
  if (lines.length > maxLines) {
    tail = `-- … ${lines.length - maxLines} more line${lines.length - maxLines === 1 ? '' : 's'}`
    lines = lines.slice(0, maxLines)
  }
  let text = lines.join('\n')
  if (text.length > maxChars) {
    const more = text.length - maxChars
    text = text.slice(0, maxChars)
    tail = `-- … ${more} more characters${tail ? `; ${tail.slice(5)}` : ''}`
  }
  return tail ? `${text}\n${tail}` : text
}

/**
 * True when the report's last line (Next) already says an error's next step, as it
 * does for a run-level error, a failed hook or backup, and the failed migration of
 * an apply: the error then shows no "What to do" of its own (issue 19 item 8).
 */
export function nextStepSays(report: RunReport, next: string | undefined): boolean {
  const n = (next ?? '').trim()
  return n === '' || report.nextStep.includes(n)
}

/** One-word run results for the last line. */
const RUN_STATUS_WORDS: Record<RunStatus, string> = {
  success: 'success',
  failed: 'failed',
  'nothing-to-do': 'nothing to do',
  blocked: 'blocked'
}
export function runStatusWords(status: RunStatus): string {
  return RUN_STATUS_WORDS[status] ?? status
}

// --- rendering ---------------------------------------------------------------

type Paint = (text: string) => string
interface Palette {
  red: Paint
  green: Paint
  yellow: Paint
  dim: Paint
  bold: Paint
}
const sgr =
  (open: number, close: number): Paint =>
  (t) =>
    `\u001b[${open}m${t}\u001b[${close}m`
const COLORS: Palette = { red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) }
const NO_COLORS: Palette = { red: (t) => t, green: (t) => t, yellow: (t) => t, dim: (t) => t, bold: (t) => t }

function statusPaint(p: Palette, status: MigrationStatus): Paint {
  switch (status) {
    case 'applied':
    case 'previewed':
    case 'rolled-back':
      return p.green
    case 'failed':
      return p.red
    case 'partial':
    case 'drifted':
    case 'missing':
    case 'out-of-order':
      return p.yellow
    case 'already-applied':
    case 'skipped':
      return p.dim
    default:
      return (t) => t
  }
}

/** Untrusted text for a terminal: visible control characters, lines indented under a label. */
function clean(text: string): string {
  return sanitizeText(text)
}

function indentBlock(text: string, indent: string): string {
  return clean(text)
    .split('\n')
    .map((l) => (l === '' ? '' : indent + l))
    .join('\n')
}

/** `label: value`, with continuation lines of a multi-line value indented under it. */
function field(label: string, value: string | undefined, indent: string): string[] {
  if (value === undefined || value.trim() === '') return []
  const lines = clean(value).replace(/\s+$/, '').split('\n')
  const pad = indent + ' '.repeat(label.length + 2)
  return [`${indent}${label}: ${lines[0]}`, ...lines.slice(1).map((l) => (l === '' ? '' : pad + l))]
}

function renderError(p: Palette, report: RunReport, e: MappedError, m?: MigrationResult, at?: { file?: string; line?: number }): string[] {
  const where = formatLocation(e.file ?? m?.file ?? at?.file, e.position ?? (at?.line ? { line: at.line, col: 0 } : undefined))
  const code = e.sqlstate ? ` [${clean(e.sqlstate)}]` : ''
  const message = clean(e.message).split('\n')
  const out = [`${where ? `${clean(where)}: ` : ''}${p.red(p.bold('error:'))} ${message[0]}${code}`]
  for (const l of message.slice(1)) out.push(`    ${l}`)
  out.push(...field('detail', e.detail, '    '))
  out.push(...field('hint', e.hint, '    '))
  out.push(...field('where', e.where, '    '))
  if (m?.status === 'partial' && m.statementsDone !== undefined) {
    out.push(`    done: ${m.statementsDone} of ${m.statements} statements committed before the failure`)
  }
  for (const l of m?.leftovers ?? []) out.push(...field('left behind', l, '    '))
  if (e.statement && e.statement.trim() !== '') {
    out.push('    statement:')
    out.push(indentBlock(shortenStatement(e.statement), '      '))
  }
  // The last line says it when it is the run's next step too: once, not twice.
  if (!nextStepSays(report, e.next)) out.push(...field('next', e.next, '    '))
  return out
}

function migrationLine(p: Palette, r: RunReport, m: MigrationResult, statusWidth: number, idWidth: number): string {
  const status = statusPaint(p, m.status)(m.status.padEnd(statusWidth))
  const extras: string[] = []
  const d = formatDuration(m.durationMs)
  if (d) extras.push(d)
  if (m.runMode === 'statements' && (m.status === 'applied' || m.status === 'pending' || m.status === 'failed' || m.status === 'partial')) {
    const why = m.nonTransactionalReasons?.length ? `: ${m.nonTransactionalReasons.join(', ')}` : ''
    extras.push(`statement by statement${why}`)
  }
  if (m.serverWide?.length && m.status !== 'rolled-back') extras.push(`changes the whole server: ${m.serverWide.join(', ')}`)
  if (m.retries) extras.push(`${m.retries} lock-timeout ${m.retries === 1 ? 'retry' : 'retries'}`)
  if (m.status === 'partial' && m.statementsDone !== undefined) extras.push(`${m.statementsDone}/${m.statements} statements done`)
  if (r.mode === 'rollback' && m.kind === 'versioned' && !m.hasDown) extras.push('no down')
  if (m.notDryRunnable !== undefined) extras.push('not dry-runnable')
  if (m.note) extras.push(m.note)
  const identity = clean(m.identity)
  const tail = extras.length ? `   ${p.dim(`(${clean(extras.join(', '))})`)}` : ''
  return `  ${status}   ${tail ? identity.padEnd(idWidth) : identity}${tail}`.replace(/\s+$/, '')
}

/** Under a migration line: the locks it took and each statement's time (dry-run). */
function migrationDetails(p: Palette, r: RunReport, m: MigrationResult): string[] {
  const out: string[] = []
  const pad = '      '
  for (const l of sortLocks(migrationLocks(r, m))) out.push(`${pad}${p.dim('lock')}  ${clean(lockSentence(l))}`)
  const timings = m.statementTimings ?? []
  if (timings.length) {
    const lineWidth = Math.max(...timings.map((t) => String(t.line).length))
    const msWidth = Math.max(...timings.map((t) => (formatDuration(t.ms) || '?').length))
    for (const t of timings) {
      const what = t.twin && t.twin.trim() !== '' ? twinNote(t) : t.label
      out.push(`${pad}${p.dim(`line ${String(t.line).padEnd(lineWidth)}`)}  ${(formatDuration(t.ms) || '?').padStart(msWidth)}  ${clean(what)}`)
    }
  }
  return out.map((l) => l.replace(/\s+$/, ''))
}

/**
 * The report as terminal text:
 *
 *     pgshift apply: failed
 *       target: db.example.com:5432/postgres  migrations: supabase/migrations (supabase)
 *
 *       applied   20260101000000_roles_and_auth   (12 ms)
 *       failed    20260102000000_tables           (3 ms)
 *
 *     supabase/migrations/20260102000000_tables.sql:12:5: error: relation "x" does not exist [42P01]
 *         hint: ...
 *         next: ...
 *
 *     failed in 1.2 s: 1 applied, 1 failed
 *     next: ...
 */
export function renderText(report: RunReport, opts: TextOptions = {}): string {
  const p = opts.color ? COLORS : NO_COLORS
  const out: string[] = []

  const preview = isPreview(report)
  const resultPaint = report.status === 'failed' || report.status === 'blocked' ? p.red : report.partialPreview ? p.yellow : p.green
  if (report.prCheck) out.push(resultPaint(p.bold(clean(prCheckHeading(report)))))
  else out.push(`${p.bold(`pgshift ${clean(modeTitle(report))}`)}: ${resultPaint(resultWords(report))}`)
  const convention = conventionLine(report.convention, report.conventionNote)
  const facts = [
    `target: ${report.target}`,
    `migrations: ${report.migrationsDir} (${convention})`,
    report.commit ? `commit: ${report.commit.slice(0, 12)}` : ''
  ].filter(Boolean)
  out.push(`  ${clean(facts.join('  '))}`)
  if (report.supabaseShim) out.push(`  ${clean(`supabase-shim: ${report.supabaseShim}`)}`)
  if (report.preludes?.length) out.push(`  ${clean(`preludes: ${preludesLine(report.preludes)}`)}`)
  if (report.prCheck) out.push(`  ${clean(`base phase: ${basePhaseLine(report)}`)}`)
  if (preview) out.push(`  ${p.yellow(p.bold(`${PREVIEW_BANNER.toLowerCase()}`))}`)

  // Refusals and source problems: found before anything ran.
  if (report.plan.refusals.length || report.problems.length) out.push('')
  for (const r of report.plan.refusals) {
    const lines = clean(r).split('\n')
    out.push(`${p.red(p.bold('refused:'))} ${lines[0]}`, ...lines.slice(1).map((l) => `    ${l}`))
  }
  for (const pr of report.problems) {
    const where = formatLocation(pr.file, pr.position)
    const inScript = pr.script ? ` (in the ${pr.script === 'hook' || pr.script === 'prelude' ? pr.script : `${pr.script} script`})` : ''
    out.push(`${clean(where)}: ${p.red(p.bold('error:'))} ${clean(pr.message).split('\n').join('\n    ')} [${clean(pr.code)}]${inScript}`)
    // A syntax error shows the lines around it, the caret under the column.
    if (pr.excerpt) out.push(indentBlock(pr.excerpt, '    '))
    out.push(...field('hint', pr.hint, '    '))
  }

  // One line per migration of this run (the PR check: the PR's own; the base phase is the line above);
  // the applied history is one line, whatever its length.
  const rows = report.prCheck ? prRows(report) : report.migrations.filter((m) => m.status !== 'already-applied')
  const history = report.prCheck ? [] : report.migrations.filter((m) => m.status === 'already-applied')
  if (rows.length || history.length) {
    out.push('')
    if (report.prCheck) out.push("this PR's migrations:")
    const statusWidth = Math.max(0, ...rows.map((m) => m.status.length))
    const idWidth = Math.max(0, ...rows.map((m) => clean(m.identity).length))
    for (const m of rows) out.push(migrationLine(p, report, m, statusWidth, idWidth), ...migrationDetails(p, report, m))
    if (history.length) {
      const label = report.mode === 'rollback' ? 'still applied' : 'already applied'
      const newest = history[history.length - 1] as MigrationResult
      out.push(p.dim(`  ${label}: ${thousands(history.length)} migration${history.length === 1 ? '' : 's'}, newest ${clean(newest.identity)}`))
    }
  } else if (report.prCheck) {
    out.push('', '  this PR adds no migration under the migrations directory')
  } else {
    out.push('', `  no migrations found in ${clean(report.migrationsDir)}`)
  }

  // Rollback: what was rolled back, in the order it ran.
  if (report.rolledBack?.length) {
    out.push('', `${preview ? 'rolled back in the preview' : 'rolled back'}, newest first:`)
    report.rolledBack.forEach((id, i) => out.push(`  ${i + 1}. ${clean(id)}`))
  }

  // The backup, safety copies of destroyed rows, hooks.
  const b = report.backup
  if (b && b.level !== 'off') {
    const size = b.bytes !== undefined ? ` (${b.bytes} bytes, ${formatDuration(b.durationMs) || '0 ms'})` : ''
    // A failed backup that stopped the run is the run's error, printed below: once, not twice.
    const why = b.error === report.error?.message ? 'see the error below' : clean(b.error ?? '')
    out.push('', b.error ? `backup (${b.level}) ${p.red('failed')}: ${why}` : `backup (${b.level}): ${clean(b.file ?? '')}${size}`)
  }
  for (const c of report.safetyCopies ?? []) out.push(`safety copy: ${c.rows} row${c.rows === 1 ? '' : 's'} of ${clean(c.what)} (${clean(c.statement)}): ${clean(c.file)}`)
  for (const h of report.hooks ?? []) {
    const where = h.error ? formatLocation(h.error.file ?? h.file, h.error.position) : h.file
    out.push(`hook ${h.hook} ${clean(where)}${h.after ? ` after ${clean(h.after)}` : ''}: ${h.status === 'failed' ? p.red('failed') : h.status}`)
  }

  // Dry-run: the files the preview could not run.
  const notRunnable = report.migrations.filter((m) => m.notDryRunnable !== undefined)
  if (notRunnable.length) {
    out.push('', 'not dry-runnable (listed, not run):')
    for (const m of notRunnable) out.push(`  ${clean(m.file || m.identity)}: ${clean(m.notDryRunnable ?? '').split('\n').join(' ')}`)
  }

  // Verify: every check, failures first.
  const checks = checksInOrder(report.checks ?? [])
  if (checks.length) {
    const failedChecks = checks.filter((c) => !c.ok).length
    out.push('', (failedChecks ? p.red : p.green)(`${checksSummary(checks)}`))
    for (const c of checks) {
      const where = formatLocation(c.file, c.line ? { line: c.line, col: 0 } : undefined)
      const mark = c.ok ? p.green('ok  ') : p.red('FAIL')
      out.push(`  ${mark}  ${clean(c.subject)}${where ? ` (${clean(where)})` : ''}: ${clean(c.message).split('\n').join(' ')}`)
    }
  }

  // Schema differences: an indented list per comparison.
  for (const d of report.schemaDiff ?? []) {
    const n = d.differences.length
    out.push('', `schema: ${clean(d.title)} (${n === 0 ? 'no differences' : `${n} difference${n === 1 ? '' : 's'}`})`)
    const width = Math.max(0, ...d.differences.map((x) => x.change.length))
    for (const x of d.differences) {
      const detail = x.detail && x.detail.trim() !== '' ? `: ${clean(x.detail).split('\n').join(' ')}` : ''
      out.push(`    ${(x.change === 'removed' ? p.red : x.change === 'added' ? p.green : p.yellow)(clean(x.change).padEnd(width))}  ${clean(x.object)}${detail}`)
    }
  }

  // What the run's migrations changed (ephemeral databases).
  if (report.schemaChanges?.length) {
    out.push('', `schema changes in this run (${report.schemaChanges.length}):`)
    for (const x of report.schemaChanges) out.push(`    ${x.change === 'removed' ? 'dropped' : x.change}  ${clean(x.object)}${x.detail ? `: ${clean(x.detail)}` : ''}`)
  }

  // Lint findings, compiler-style, suppressed ones last.
  const lint = [...(report.lint ?? []).filter((f) => !f.suppressed), ...(report.lint ?? []).filter((f) => f.suppressed)]
  // An error only when it refused the run (lint: error); on a run that went ahead (an apply that
  // succeeded) a finding is a warning, as its annotation is.
  const refusedByLint = report.plan.refusals.some((r) => r.startsWith('Lint found'))
  for (const f of lint) {
    const level = f.suppressed ? 'note' : refusedByLint ? f.severity : 'warning'
    out.push('', `${clean(f.file)}:${f.line}:${f.col}: ${(f.suppressed ? p.dim : level === 'error' ? p.red : p.yellow)(`${level}:`)} ${clean(f.message)} [${clean(f.rule)}]${f.suppressed ? ` (suppressed: ${clean(f.suppressed)})` : ''}`)
    out.push(`      why: ${clean(f.why)}`, `      fix: ${clean(f.fix)}`)
  }

  // Supabase lint of the applied schema, compiler-style where the file is known.
  for (const f of report.supabaseLint ?? []) {
    const where = f.file ? `${clean(f.file)}:${f.line ?? 1}: ` : ''
    out.push('', `${where}${(f.level === 'error' ? p.red : p.yellow)(`${f.level}:`)} ${clean(f.message)} [${clean(f.rule)}]`, `      why: ${clean(f.url)}`)
  }

  // Errors, compiler-style: migrations, then failing checks, then the run.
  const failed = report.migrations.filter((m) => m.error)
  for (const m of failed) out.push('', ...renderError(p, report, m.error as MappedError, m))
  for (const c of checks) if (!c.ok && c.error) out.push('', ...renderError(p, report, c.error, undefined, { file: c.file, line: c.line }))
  if (report.error) out.push('', ...renderError(p, report, report.error))

  if (report.warnings.length) out.push('')
  for (const w of report.warnings) {
    out.push(`${w.file ? `${clean(w.file)}: ` : ''}${p.yellow(p.bold('warning:'))} ${clean(w.message)}`)
    if (w.excerpt) out.push(indentBlock(w.excerpt, '    '))
  }

  // Summary and next step.
  const counts = countSummary(report.migrations)
  const took = formatDuration(report.durationMs)
  out.push('')
  out.push(p.bold(`${resultWords(report)}${took ? ` in ${took}` : ''}${counts ? `: ${counts}` : ''}`))
  out.push(...field('next', report.nextStep, ''))

  return escapeWorkflowCommands(out.join('\n')) + '\n'
}

/** `ran supabase/initdb/001_roles.sql; already ran supabase/initdb/000_ext.sql`: the preludes grouped by status. */
export function preludesLine(preludes: NonNullable<RunReport['preludes']>): string {
  const groups = new Map<string, string[]>()
  for (const p of preludes) groups.set(p.status, [...(groups.get(p.status) ?? []), p.file])
  return [...groups].map(([status, files]) => `${status} ${files.join(', ')}`).join('; ')
}
