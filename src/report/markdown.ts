// The one markdown rendering of a RunReport: the job summary today, the sticky
// PR comment later (issue 4). It reads only the report.
//
// Every piece of untrusted text (file names, identities, SQL, server messages,
// refusals) goes through ./escape.ts before it reaches the output. Secret
// redaction is not done here: the caller applies redact() to the result.
//
// Size: the output never exceeds `maxLength` UTF-8 bytes (bytes are never fewer
// than characters, so this also holds for GitHub's character limit on comments).
// When the full report is too long, whole sections go first, least important
// first: the per-statement timings, then schema-diff rows beyond a few, then the
// passing checks. Then the migration table and the lists are cut down
// progressively, most important rows kept, with a line saying how many were
// left out. Blocks are cut whole, so a code fence or a <details> is never cut open.
import type { MappedError, MigrationResult, MigrationStatus, RunReport, RunStatus, VerifyCheck } from '../engine/report.js'
import type { FilePosition } from '../source/types.js'
import { basePhaseLine, prCheckHeading, prRows, rollbackLine } from './pr-check.js'
import { adviceCell, adviceMarkdown } from './trusted.js'
import { clip, codeOrText, encodePath, escapeHtmlText, escapeInline, escapeTableCell, fencedBlock, safeUrl } from './escape.js'
import {
  blocksWords,
  checksInOrder,
  checksSummary,
  compactLocks,
  countSummary,
  formatDuration,
  formatLocation,
  isPreview,
  lockModeWords,
  modeTitle,
  PREVIEW_BANNER,
  runModeWords,
  shortenStatement,
  sortLocks,
  statusWords,
  successWords,
  twinNotes
} from './text.js'

export interface MarkdownOptions {
  /** Upper bound on the output, in UTF-8 bytes. Default 1,000,000 (the job summary); the PR comment uses 65,000. */
  maxLength?: number
  /** Base for file links, e.g. `https://github.com/o/r/blob/<sha>/`; a file becomes `${linkBase}${file}#L${line}`. */
  linkBase?: string
  /** Where the full report can be read when this one is cut down. */
  moreAt?: string
}

export const SUMMARY_MAX_LENGTH = 1_000_000
export const COMMENT_MAX_LENGTH = 65_000
const DEFAULT_MORE_AT = 'the job summary or the JSON report (the `report` output)'

const RUN_RESULT: Record<RunStatus, string> = {
  success: '✅ success',
  failed: '❌ failed',
  'nothing-to-do': '✅ nothing to do',
  blocked: '⛔ blocked'
}

/** The header's result: the mode's own word for success (applied, rolled back, verified, previewed). */
function runResult(r: RunReport): string {
  if (r.status === 'success') return `✅ ${successWords(r)}`
  return RUN_RESULT[r.status] ?? escapeInline(r.status)
}

const STATUS_MARK: Partial<Record<MigrationStatus, string>> = {
  applied: '✅ ',
  previewed: '✅ ',
  'rolled-back': '↩️ ',
  failed: '❌ ',
  partial: '⚠️ ',
  drifted: '⚠️ ',
  missing: '⚠️ ',
  'out-of-order': '⚠️ '
}

/** Which rows survive truncation first (lower is more important). */
const ROW_RANK: Record<MigrationStatus, number> = {
  failed: 0,
  partial: 0,
  drifted: 1,
  missing: 1,
  'out-of-order': 1,
  changed: 2,
  applied: 3,
  'rolled-back': 3,
  previewed: 3,
  pending: 4,
  skipped: 5,
  'already-applied': 6
}

/** How much of the report to show; the renderer shrinks these until the output fits. */
interface Limits {
  /** Table rows kept (the most important first). */
  rows: number
  /** Items kept per list (refusals, problems, warnings). */
  listItems: number
  /** Errors shown in full (the rest are named only). */
  errors: number
  /** Statement lines shown per error (0: no statement). */
  statementLines: number
  /** Longest message, detail, hint or where shown. */
  fieldChars: number
  /** The per-statement timings (a <details> per migration). */
  timings: boolean
  /** Rows kept per schema diff. */
  diffRows: number
  /** Passing checks listed (failing ones always are). */
  passingChecks: number
}

const FULL: Limits = {
  rows: Infinity,
  listItems: Infinity,
  errors: Infinity,
  statementLines: 20,
  fieldChars: 4000,
  timings: true,
  diffRows: Infinity,
  passingChecks: Infinity
}
/** Schema-diff rows kept once the diffs must shrink. */
const DIFF_ROWS_KEPT = 20

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8')

export function renderMarkdown(report: RunReport, opts: MarkdownOptions = {}): string {
  const max = Math.max(0, Math.floor(opts.maxLength ?? SUMMARY_MAX_LENGTH))
  const ctx: Ctx = { report, linkBase: normaliseBase(opts.linkBase), moreAt: opts.moreAt ?? DEFAULT_MORE_AT }
  const fits = (l: Limits): string | undefined => {
    const text = build(ctx, l).join('\n\n') + '\n'
    return bytes(text) <= max ? text : undefined
  }

  const full = fits(FULL)
  if (full !== undefined) return full

  // 1. Whole sections, least important first: timings, diff rows beyond a few, passing checks.
  const SECTIONS: Limits = { ...FULL, timings: false, diffRows: DIFF_ROWS_KEPT, passingChecks: 0 }
  for (const cut of [{ ...FULL, timings: false }, { ...FULL, timings: false, diffRows: DIFF_ROWS_KEPT }, SECTIONS]) {
    const text = fits(cut)
    if (text !== undefined) return text
  }

  // 2. Shorter lists, shorter fields, then as many table rows as fit.
  const n = report.migrations.length
  for (const base of [
    { ...SECTIONS, listItems: 20, fieldChars: 2000 },
    { ...SECTIONS, listItems: 5, diffRows: 5, statementLines: 10, fieldChars: 1000 },
    { ...SECTIONS, listItems: 0, diffRows: 0, statementLines: 5, errors: 3, fieldChars: 500 },
    { ...SECTIONS, listItems: 0, diffRows: 0, statementLines: 0, errors: 1, fieldChars: 300 },
    { ...SECTIONS, listItems: 0, diffRows: 0, statementLines: 0, errors: 0, fieldChars: 200 }
  ]) {
    let best = fits({ ...base, rows: 0 })
    if (best === undefined) continue
    const all = fits({ ...base, rows: n })
    if (all !== undefined) return all
    // Binary search for the most rows that fit: `lo` fits, `hi` does not.
    let lo = 0
    let hi = n
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1
      const text = fits({ ...base, rows: mid })
      if (text !== undefined) {
        lo = mid
        best = text
      } else hi = mid
    }
    return best
  }

  // 3. Still too long (a tiny limit): whole blocks from the top, then the next step.
  const blocks = build(ctx, { ...SECTIONS, rows: 0, listItems: 0, diffRows: 0, errors: 0, statementLines: 0, fieldChars: 200 })
  const last = blocks[blocks.length - 1]
  const note = `_This report was cut to fit in ${max.toLocaleString('en-US')} characters: see ${ctx.moreAt}._`
  const kept: string[] = []
  const size = (parts: string[]): number => bytes([...parts, note, last].join('\n\n') + '\n')
  for (const b of blocks.slice(0, -1)) {
    if (size([...kept, b]) > max) break
    kept.push(b)
  }
  const text = [...kept, note, last].join('\n\n') + '\n'
  if (bytes(text) <= max) return text
  // The header and the next step alone do not fit: cut plain text (there is no fence in it).
  return cutToBytes(`${blocks[0]}\n\n${last}\n`, max)
}

interface Ctx {
  report: RunReport
  linkBase?: string
  moreAt: string
}

function normaliseBase(base: string | undefined): string | undefined {
  if (!base) return undefined
  const safe = safeUrl(base)
  if (!safe) return undefined
  return safe.endsWith('/') ? safe : `${safe}/`
}

/** A file's line as a position (column unknown). */
function atLine(line: number | undefined): FilePosition | undefined {
  return line !== undefined && line > 0 ? { line, col: 0 } : undefined
}

/** `file:line:col`, as a link into the repository when a link base is known. */
function location(ctx: Ctx, file: string | undefined, position: FilePosition | undefined): string {
  const text = formatLocation(file, position)
  if (!text || !file) return ''
  const code = codeOrText(text)
  if (!ctx.linkBase) return code
  const anchor = position ? `#L${position.line}` : ''
  return `[${code}](${ctx.linkBase}${encodePath(file)}${anchor})`
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}

/** The document as blocks (joined with blank lines); the last block is the next step. */
function build(ctx: Ctx, l: Limits): string[] {
  const r = ctx.report
  const blocks: string[] = []

  // Header.
  const preview = isPreview(r)
  blocks.push(r.prCheck ? `## ${escapeInline(prCheckHeading(r))}` : `## pgshift ${escapeInline(modeTitle(r))}: ${runResult(r)}`)
  const convention = r.conventionNote
    ? `${escapeInline(r.convention)} (${escapeInline(clip(r.conventionNote, l.fieldChars))})`
    : escapeInline(r.convention)
  const facts = [
    `**Target:** ${codeOrText(r.target)}`,
    `**Migrations:** ${codeOrText(r.migrationsDir)}`,
    `**Convention:** ${convention}`,
    `**Duration:** ${formatDuration(r.durationMs) || '0 ms'}`
  ]
  if (r.commit) facts.push(`**Commit:** ${codeOrText(r.commit.slice(0, 12))}`)
  const run = r.runUrl ? safeUrl(r.runUrl) : undefined
  if (run) facts.push(`[Run log](${run})`)
  const more: string[] = []
  if (r.historyTable) more.push(`**History:** ${codeOrText(r.historyTable)}${r.supabaseHistory ? ` + ${codeOrText(r.supabaseHistory.table)}` : ''}`)
  const sb = r.supabaseHistory
  if (sb && (sb.adopted.length || sb.backfilled.length)) {
    const parts = [sb.adopted.length && `${plural(sb.adopted.length, 'file')} applied by the Supabase CLI adopted`, sb.backfilled.length && `${plural(sb.backfilled.length, 'Supabase CLI row')} to write`].filter(Boolean)
    more.push(`**Supabase history:** ${escapeInline(parts.join(', '))}`)
  }
  if (r.serverVersion) more.push(`**Server:** ${codeOrText(r.serverVersion)}`)
  blocks.push(facts.join(' · ') + (more.length ? `  \n${more.join(' · ')}` : ''))
  if (r.supabaseShim) blocks.push(`**Supabase shim:** ${adviceMarkdown(clip(r.supabaseShim, l.fieldChars))}`)
  if (preview) blocks.push(`> **${PREVIEW_BANNER}.**`)

  // Counts.
  const counts = countSummary(r.migrations)
  if (r.prCheck) blocks.push(...prCheckBlocks(ctx, l))
  else blocks.push(counts ? `${plural(r.migrations.length, 'migration')}: ${counts}.` : 'No migrations found.')

  // Refusals and problems: found before anything ran.
  if (r.plan.refusals.length) {
    blocks.push('### Refused')
    blocks.push(list(ctx, r.plan.refusals.map((x) => adviceMarkdown(clip(x, l.fieldChars))), l.listItems, 'refusal'))
  }
  if (r.problems.length) {
    blocks.push('### Problems found before connecting')
    const items = r.problems.map((pr) => {
      const where = location(ctx, pr.file, pr.position)
      const hint = pr.hint ? ` Hint: ${adviceMarkdown(clip(pr.hint, l.fieldChars))}` : ''
      return `${where ? `${where} ` : ''}**${escapeInline(pr.code)}**: ${adviceMarkdown(clip(pr.message, l.fieldChars))}${hint}`
    })
    blocks.push(list(ctx, items, l.listItems, 'problem'))
  }

  // Errors.
  const failed = r.migrations.filter((m) => m.error)
  const errors: Array<{ e: MappedError; m?: MigrationResult }> = failed.map((m) => ({ e: m.error as MappedError, m }))
  if (r.error) errors.push({ e: r.error })
  if (errors.length) {
    blocks.push('### Errors')
    errors.forEach(({ e, m }, i) => {
      if (i < l.errors) blocks.push(...errorBlocks(ctx, l, e, m))
      else if (i === l.errors) {
        const rest = errors.slice(i).map((x) => (x.m ? escapeInline(x.m.identity) : 'the run'))
        const noun = i === 0 ? 'error' : 'more error'
        blocks.push(`_${plural(errors.length - i, noun)} (${rest.join(', ')}) not shown here: see ${ctx.moreAt}._`)
      }
    })
  }

  // Lint findings on what would be applied, then what the run's migrations change.
  if (r.lint?.length && !r.prCheck) blocks.push(...lintSection(ctx, l))
  if (r.supabaseLint?.length) blocks.push(...supabaseLintSection(ctx, l))
  if (r.schemaChanges?.length) blocks.push(...schemaChangesSection(ctx, l))

  // Verify: every check, failures first; then the schema comparisons.
  if (r.checks?.length) blocks.push(...checksSection(ctx, l))
  if (r.schemaDiff?.length) blocks.push(...schemaDiffSection(ctx, l))

  // Rollback: what was rolled back, in the order the downs ran.
  if (r.rolledBack?.length) {
    blocks.push('### Rolled back, newest first')
    const byId = new Map(r.migrations.map((m) => [m.identity, m]))
    const items = r.rolledBack.map((id) => {
      const d = formatDuration(byId.get(id)?.durationMs)
      return `${codeOrText(id)}${d ? ` (${d})` : ''}`
    })
    blocks.push(list(ctx, items, l.listItems, 'migration', true))
  }

  // The migration table.
  if (r.migrations.length && !r.prCheck) {
    blocks.push('### Migrations')
    blocks.push(...table(ctx, l))
  }

  blocks.push(...backupSection(ctx, l))

  // Dry-run: the files it could not run, the locks taken, each statement's time.
  const notRunnable = r.migrations.filter((m) => m.notDryRunnable !== undefined)
  if (notRunnable.length) {
    blocks.push('### Not dry-runnable (listed, not run)')
    const items = notRunnable.map((m) => `${location(ctx, m.file, undefined) || codeOrText(m.identity)}: ${escapeInline(clip(m.notDryRunnable ?? '', l.fieldChars))}`)
    blocks.push(list(ctx, items, l.listItems, 'file'))
  }
  const locked = r.migrations.filter((m) => m.locks?.length)
  if (locked.length && !r.prCheck) {
    blocks.push(preview ? '### Locks taken (released by the rollback)' : '### Locks taken')
    const items = locked.map((m) => {
      const locks = sortLocks(m.locks ?? []).map((lk) => {
        const what = blocksWords(lk.blocks)
        return `  - **${escapeInline(lockModeWords(lk.mode))}** on ${codeOrText(lk.relation)}${what ? `: ${escapeInline(clip(what, l.fieldChars))}` : ''}`
      })
      return [codeOrText(m.identity), ...locks].join('\n')
    })
    blocks.push(list(ctx, items, l.listItems, 'migration'))
  }
  const timed = r.migrations.filter((m) => m.statementTimings?.length)
  if (timed.length) {
    if (l.timings) {
      blocks.push('### Statement timings')
      for (const m of timed) blocks.push(timingsDetails(ctx, l, m))
    } else {
      blocks.push(`_Per-statement timings left out to stay under the size limit: see ${ctx.moreAt}._`)
    }
  }

  if (r.warnings.length) {
    blocks.push('### Warnings')
    const items = r.warnings.map((w) => `${w.file ? `${codeOrText(w.file)}: ` : ''}${adviceMarkdown(clip(w.message, l.fieldChars))}`)
    blocks.push(list(ctx, items, l.listItems, 'warning'))
  }

  blocks.push(`**Next:** ${adviceMarkdown(clip(r.nextStep, 2000))}`)
  return blocks
}

/**
 * The PR check's first screen (issue 15): the base phase in one line, the PR's own
 * migrations, the locks they take on existing tables, the lint, the rollback verdict.
 */
function prCheckBlocks(ctx: Ctx, l: Limits): string[] {
  const r = ctx.report
  const out = [`**Base phase:** ${escapeInline(basePhaseLine(r))}`]
  const rows = prRows(r)
  out.push("### This PR's migrations")
  if (!rows.length) out.push('_This PR adds no migration under the migrations directory._')
  else {
    const lines = ['| Migration | Status | Duration | Locks on existing tables | Down |', '| --- | --- | --: | --- | :-: |']
    for (const m of rows.slice(0, Math.max(1, l.rows))) {
      const locks = m.locks === undefined ? '—' : m.locks.length ? escapeTableCell(clip(compactLocks(m.locks), Math.min(300, l.fieldChars))) : 'none'
      lines.push(`| ${location(ctx, m.file, undefined) || escapeTableCell(m.identity)} | ${STATUS_MARK[m.status] ?? ''}${statusWords(m.status)} | ${formatDuration(m.durationMs) || ' '} | ${locks} | ${m.hasDown ? '✓' : '—'} |`)
    }
    out.push(lines.join('\n'))
    if (rows.length > Math.max(1, l.rows)) out.push(`_${plural(rows.length - Math.max(1, l.rows), 'more migration')} not shown here: see ${ctx.moreAt}._`)
  }
  const locked = rows.filter((m) => m.locks?.length)
  if (locked.length) {
    out.push('### Locks on existing tables')
    const items = locked.map((m) => {
      const locks = sortLocks(m.locks ?? []).map((lk) => {
        const what = blocksWords(lk.blocks)
        return `  - **${escapeInline(lockModeWords(lk.mode))}** on ${codeOrText(lk.relation)}${what ? `: ${escapeInline(clip(what, l.fieldChars))}` : ''}`
      })
      return [codeOrText(m.identity), ...locks].join('\n')
    })
    out.push(list(ctx, items, l.listItems, 'migration'))
  }
  if (r.lint?.length) out.push(...lintSection(ctx, l))
  const rollback = rollbackLine(r)
  if (rollback) out.push(`**Rollback test:** ${escapeInline(rollback)}`)
  return out
}

/** The backup, the safety copies of destroyed rows and the hooks that ran (issue 9). */
function backupSection(ctx: Ctx, l: Limits): string[] {
  const r = ctx.report
  const b = r.backup
  const items: string[] = []
  if (b && b.level !== 'off') {
    const size = b.bytes !== undefined ? `, ${formatBytes(b.bytes)}` : ''
    const took = b.durationMs !== undefined ? ` in ${formatDuration(b.durationMs) || '0 ms'}` : ''
    items.push(
      b.error
        ? `**Backup (${escapeInline(b.level)}) failed:** ${escapeInline(clip(b.error, l.fieldChars))}`
        : `**Backup (${escapeInline(b.level)}):** ${codeOrText(b.file ?? '')}${size}${took}${b.pgDump ? ` by ${escapeInline(b.pgDump)}` : ''}`
    )
  }
  for (const c of r.safetyCopies ?? []) {
    items.push(`**Safety copy:** ${plural(c.rows, 'row')} of ${escapeInline(c.what)}, destroyed by ${escapeInline(c.statement)}: ${codeOrText(c.file)}`)
  }
  for (const h of r.hooks ?? []) {
    const where = h.error ? location(ctx, h.error.file ?? h.file, h.error.position) : codeOrText(h.file)
    items.push(`**Hook ${escapeInline(h.hook)}** ${where}${h.after ? ` after ${codeOrText(h.after)}` : ''}: ${h.status === 'failed' ? '❌ failed' : escapeInline(h.status)}${h.durationMs !== undefined ? ` (${formatDuration(h.durationMs) || '0 ms'})` : ''}`)
  }
  if (!items.length) return []
  return ['### Backup and hooks', list(ctx, items, l.listItems, 'item')]
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`
}

function list(ctx: Ctx, items: string[], keep: number, noun: string, numbered = false): string {
  const shown = items.slice(0, keep)
  const lines = shown.map((x, i) => `${numbered ? `${i + 1}.` : '-'} ${x}`)
  if (items.length > shown.length) {
    const left = items.length - shown.length
    lines.push(`- _${shown.length ? 'and ' : ''}${plural(left, shown.length ? `more ${noun}` : noun)} not shown here: see ${ctx.moreAt}._`)
  }
  return lines.join('\n')
}

function errorBlocks(ctx: Ctx, l: Limits, e: MappedError, m?: MigrationResult, check?: VerifyCheck): string[] {
  const out: string[] = []
  const where = location(ctx, e.file ?? m?.file ?? check?.file, e.position ?? atLine(check?.line))
  const what = check
    ? `Check ${escapeInline(check.subject)} failed`
    : m
      ? `${escapeInline(m.identity)} ${m.status === 'partial' ? 'stopped partway' : 'failed'}`
      : 'The run failed'
  out.push(`#### ${what}${where ? ` at ${where}` : ''}`)

  const code = e.sqlstate ? `**ERROR ${escapeInline(e.sqlstate)}:** ` : '**ERROR:** '
  out.push(`${code}${escapeInline(clip(e.message, l.fieldChars))}`)
  const fields: string[] = []
  const field = (label: string, v?: string): void => {
    if (v && v.trim() !== '') fields.push(`- **${label}:** ${escapeInline(clip(v, l.fieldChars))}`)
  }
  field('Detail', e.detail)
  field('Hint', e.hint)
  field('Where', e.where)
  if (m?.status === 'partial' && m.statementsDone !== undefined) {
    fields.push(`- **Done:** ${m.statementsDone} of ${m.statements} statements committed before the failure`)
  }
  for (const x of m?.leftovers ?? []) field('Left behind', x)
  if (fields.length) out.push(fields.join('\n'))

  if (e.statement && e.statement.trim() !== '' && l.statementLines > 0) {
    out.push(fencedBlock(shortenStatement(e.statement, l.statementLines, l.fieldChars), 'sql'))
  }
  out.push(`**What to do:** ${adviceMarkdown(clip(e.next, l.fieldChars))}`)
  return out
}

function table(ctx: Ctx, l: Limits): string[] {
  const all = ctx.report.migrations
  // Keep the most important rows, shown in run order.
  let keep: Set<number>
  if (l.rows >= all.length) keep = new Set(all.map((_m, i) => i))
  else {
    const ranked = all.map((m, i) => ({ i, rank: ROW_RANK[m.status] ?? 9 })).sort((a, b) => a.rank - b.rank || a.i - b.i)
    keep = new Set(ranked.slice(0, Math.max(0, l.rows)).map((x) => x.i))
  }
  const rows = all.filter((_m, i) => keep.has(i))
  const out: string[] = []
  if (rows.length) {
    const withNotes = rows.some((m) => notes(m) !== '')
    const withLocks = all.some((m) => m.locks !== undefined)
    const head = ['Migration', 'Status', 'Duration', 'Statements', 'Runs', ...(withLocks ? ['Locks'] : []), 'Down', ...(withNotes ? ['Notes'] : [])]
    const align = ['---', '---', '--:', '--:', '---', ...(withLocks ? ['---'] : []), ':-:', ...(withNotes ? ['---'] : [])]
    const lines = [`| ${head.join(' | ')} |`, `| ${align.join(' | ')} |`]
    for (const m of rows) {
      const cells = [
        escapeTableCell(m.identity),
        `${STATUS_MARK[m.status] ?? ''}${statusWords(m.status)}`,
        formatDuration(m.durationMs) || ' ',
        m.statements === undefined ? '—' : String(m.statements),
        runs(m),
        ...(withLocks ? [m.locks ? escapeTableCell(clip(compactLocks(m.locks), Math.min(300, l.fieldChars))) : ' '] : []),
        m.hasDown ? '✓' : '—',
        ...(withNotes ? [escapeTableCell(clip(notes(m), l.fieldChars))] : [])
      ]
      lines.push(`| ${cells.join(' | ')} |`)
    }
    out.push(lines.join('\n'))
  }
  const left = all.length - rows.length
  if (left > 0) {
    out.push(
      `_${plural(left, 'migration')} of ${all.length.toLocaleString('en-US')} left out of this table to stay under the size limit: see ${ctx.moreAt}._`
    )
  }
  return out
}

function runs(m: MigrationResult): string {
  const words = runModeWords(m)
  if (m.runMode !== 'statements' || !m.nonTransactionalReasons?.length) return words
  return `${words} (${escapeTableCell(clip([...new Set(m.nonTransactionalReasons)].join(', '), 200))})`
}

function notes(m: MigrationResult): string {
  const parts: string[] = []
  if (m.status === 'partial' && m.statementsDone !== undefined) parts.push(`${m.statementsDone} of ${m.statements} statements done`)
  if (m.retries) parts.push(`${m.retries} lock-timeout ${m.retries === 1 ? 'retry' : 'retries'}`)
  if (m.leftovers?.length) parts.push(`left behind: ${m.leftovers.join('; ')}`)
  if (m.notDryRunnable !== undefined) parts.push('not dry-runnable')
  parts.push(...twinNotes(m))
  if (m.note) parts.push(m.note)
  return parts.join('; ')
}

/** `<details>` with one migration's statements: line, statement, time, and the twin note. */
function timingsDetails(ctx: Ctx, l: Limits, m: MigrationResult): string {
  const timings = m.statementTimings ?? []
  const total = formatDuration(m.durationMs ?? timings.reduce((a, t) => a + t.ms, 0))
  const twins = timings.filter((t) => t.twin && t.twin.trim() !== '').length
  const summary = [plural(timings.length, 'statement'), total, twins ? plural(twins, 'twin') : ''].filter(Boolean).join(', ')
  const withNote = twins > 0
  const lines = [`| Line | Statement | Time |${withNote ? ' Note |' : ''}`, `| --: | --- | --: |${withNote ? ' --- |' : ''}`]
  for (const t of timings) {
    const line = ctx.linkBase && t.line > 0 ? `[${t.line}](${ctx.linkBase}${encodePath(m.file)}#L${t.line})` : String(t.line)
    const cells = [line, escapeTableCell(clip(t.label, 200)), formatDuration(t.ms) || ' ']
    if (withNote) cells.push(escapeTableCell(clip(t.twin ?? '', l.fieldChars)))
    lines.push(`| ${cells.join(' | ')} |`)
  }
  return `<details><summary>${escapeHtmlText(m.identity)}: ${summary}</summary>\n\n${lines.join('\n')}\n\n</details>`
}

/** Every check, failures first, with the failures' errors in full. */
function checksSection(ctx: Ctx, l: Limits): string[] {
  const checks = checksInOrder(ctx.report.checks ?? [])
  const failing = checks.filter((c) => !c.ok)
  const passing = checks.filter((c) => c.ok)
  const shown = [...failing, ...passing.slice(0, Math.max(0, l.passingChecks))]
  const out = ['### Checks', `${checksSummary(checks)}.`]
  const lines = ['| Result | Subject | Where | Check |', '| --- | --- | --- | --- |']
  for (const c of shown) {
    const where = location(ctx, c.file, atLine(c.line))
    lines.push(`| ${c.ok ? '✅ passed' : '❌ failed'} | ${escapeTableCell(c.subject)} | ${where || ' '} | ${escapeTableCell(clip(c.message, l.fieldChars))} |`)
  }
  out.push(lines.join('\n'))
  const left = checks.length - shown.length
  if (left > 0) out.push(`_${plural(left, 'passing check')} left out to stay under the size limit: see ${ctx.moreAt}._`)
  const withErrors = failing.filter((c) => c.error)
  withErrors.forEach((c, i) => {
    if (i < l.errors) out.push(...errorBlocks(ctx, l, c.error as MappedError, undefined, c))
    else if (i === l.errors) {
      const noun = i === 0 ? 'check error' : 'more check error'
      out.push(`_${plural(withErrors.length - i, noun)} not shown in full here: see ${ctx.moreAt}._`)
    }
  })
  return out
}

/** Each comparison as a collapsible table: object, change, detail. */
/** Lint findings: rule, where, what and the safe rewrite; suppressed ones last, with their reason. */
function lintSection(ctx: Ctx, l: Limits): string[] {
  const all = ctx.report.lint ?? []
  const open = all.filter((f) => !f.suppressed)
  const ordered = [...open, ...all.filter((f) => f.suppressed)]
  const shown = ordered.slice(0, Math.max(0, l.rows))
  const lines = ['| Rule | Where | Finding | Safe rewrite |', '| --- | --- | --- | --- |']
  for (const f of shown) {
    const rule = `${f.severity === 'error' ? '❌' : '⚠️'} ${codeOrText(f.rule)}${f.suppressed ? ` (suppressed: ${escapeTableCell(clip(f.suppressed, l.fieldChars))})` : ''}`
    const finding = `${adviceCell(clip(f.message, l.fieldChars))}<br>${adviceCell(clip(f.why, l.fieldChars))}`
    lines.push(`| ${rule} | ${location(ctx, f.file, { line: f.line, col: f.col })} | ${finding} | ${adviceCell(clip(f.fix, l.fieldChars))} |`)
  }
  const out = [`### Lint: ${plural(open.length, 'finding')}${all.length > open.length ? `, ${all.length - open.length} suppressed` : ''}`, lines.join('\n')]
  if (ordered.length > shown.length) out.push(`_${plural(ordered.length - shown.length, 'more finding')} not shown here: see ${ctx.moreAt}._`)
  return out
}

/** Supabase lint of the applied schema: rule (linked to its reason), where the object was made, the finding. */
function supabaseLintSection(ctx: Ctx, l: Limits): string[] {
  const all = ctx.report.supabaseLint ?? []
  const shown = all.slice(0, Math.max(0, l.rows))
  const lines = ['| Rule | Where | Finding |', '| --- | --- | --- |']
  for (const f of shown) {
    const url = safeUrl(f.url)
    const rule = `${f.level === 'error' ? '❌' : '⚠️'} ${codeOrText(f.rule)}${url ? ` ([why](${url}))` : ''}`
    const where = location(ctx, f.file, f.line ? { line: f.line, col: 0 } : undefined) || escapeTableCell(f.object)
    lines.push(`| ${rule} | ${where} | ${escapeTableCell(clip(f.message, l.fieldChars))} |`)
  }
  const out = [`### Supabase lint of the applied schema: ${plural(all.length, 'finding')}`, lines.join('\n')]
  if (all.length > shown.length) out.push(`_${plural(all.length - shown.length, 'more finding')} not shown here: see ${ctx.moreAt}._`)
  return out
}

const CHANGE_WORDS: Record<string, string> = { added: 'added', removed: 'dropped', changed: 'changed' }

/** What the run's migrations add, drop and change, grouped by object type. */
function schemaChangesSection(ctx: Ctx, l: Limits): string[] {
  const changes = ctx.report.schemaChanges ?? []
  const kindOf = (object: string) => object.split(' ')[0] ?? object
  const kinds = [...new Set(changes.map((c) => kindOf(c.object)))].sort()
  const summary = kinds.map((k) => `${changes.filter((c) => kindOf(c.object) === k).length} ${k}`).join(', ')
  const shown = changes.slice(0, Math.max(0, l.diffRows * 5))
  const lines = ['| Type | Object | Change | Detail |', '| --- | --- | --- | --- |']
  for (const k of kinds) {
    for (const c of shown.filter((x) => kindOf(x.object) === k)) {
      lines.push(`| ${escapeTableCell(k)} | ${escapeTableCell(c.object.slice(k.length + 1))} | ${CHANGE_WORDS[c.change] ?? c.change} | ${escapeTableCell(clip(c.detail ?? '', l.fieldChars))} |`)
    }
  }
  const more = changes.length > shown.length ? `\n\n_${plural(changes.length - shown.length, 'more change')} not shown here: see ${ctx.moreAt}._` : ''
  return ['### Schema changes in this run', `<details><summary>${escapeHtmlText(`${plural(changes.length, 'change')}: ${summary}`)}</summary>\n\n${lines.join('\n')}${more}\n\n</details>`]
}

function schemaDiffSection(ctx: Ctx, l: Limits): string[] {
  const out = ['### Schema differences']
  for (const d of ctx.report.schemaDiff ?? []) {
    const n = d.differences.length
    if (n === 0) {
      out.push(`✅ ${escapeInline(d.title)}: no differences.`)
      continue
    }
    const shown = d.differences.slice(0, Math.max(0, l.diffRows))
    const parts: string[] = []
    if (shown.length) {
      const lines = ['| Object | Change | Detail |', '| --- | --- | --- |']
      for (const x of shown) lines.push(`| ${escapeTableCell(x.object)} | ${escapeTableCell(x.change)} | ${escapeTableCell(clip(x.detail ?? '', l.fieldChars))} |`)
      parts.push(lines.join('\n'))
    }
    if (n > shown.length) {
      parts.push(`_${shown.length ? 'and ' : ''}${plural(n - shown.length, shown.length ? 'more difference' : 'difference')} not shown here: see ${ctx.moreAt}._`)
    }
    out.push(`<details><summary>${escapeHtmlText(d.title)} (${plural(n, 'difference')})</summary>\n\n${parts.join('\n\n')}\n\n</details>`)
  }
  return out
}

/** Cuts plain text to at most `max` UTF-8 bytes, on a character boundary. */
function cutToBytes(text: string, max: number): string {
  if (bytes(text) <= max) return text
  let out = ''
  let used = 0
  for (const ch of text) {
    const b = bytes(ch)
    if (used + b > max) break
    out += ch
    used += b
  }
  return out
}
