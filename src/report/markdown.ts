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
import type { MappedError, MigrationResult, MigrationStatus, RunReport, RunStatus, SchemaDifference, VerifyCheck } from '../engine/report.js'
import type { FilePosition, SourceProblem } from '../source/types.js'
import { basePhaseLine, prCheckHeading, prRows, rollbackLine } from './pr-check.js'
import { adviceMarkdown } from './trusted.js'
import { clip, codeOrText, encodePath, escapeHtmlText, escapeInline, escapeTableCell, fencedBlock, inlineCode, safeUrl } from './escape.js'
import {
  blocksWords,
  checksInOrder,
  checksSummary,
  conventionNoteWords,
  countSummary,
  formatDuration,
  formatLocation,
  isPreview,
  lockModeWords,
  migrationLocks,
  nextStepSays,
  PREVIEW_BANNER,
  preludesLine,
  runModeWords,
  shortenStatement,
  sortLocks,
  statusWords,
  successWords,
  twinNotes
} from './text.js'
import { thousands } from './thousands.js'

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
    const text = joinDoc(build(ctx, l))
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
  const doc = build(ctx, { ...SECTIONS, rows: 0, listItems: 0, diffRows: 0, errors: 0, statementLines: 0, fieldChars: 200 })
  const last = doc.next
  const note = `_This report was cut to fit in ${thousands(max)} characters: see ${ctx.moreAt}._`
  const kept: string[] = []
  const size = (parts: string[]): number => bytes([...parts, note, last].join('\n\n') + '\n')
  for (const b of doc.top) {
    if (size([...kept, b]) > max) break
    kept.push(b)
  }
  const text = [...kept, note, last].join('\n\n') + '\n'
  if (bytes(text) <= max) return text
  // The header and the next step alone do not fit: cut plain text (there is no fence in it).
  return cutToBytes(`${doc.top[0]}\n\n${last}\n`, max)
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

/** `file:line:col` (or `label`), as a link into the repository when a link base is known. */
function location(ctx: Ctx, file: string | undefined, position: FilePosition | undefined, label?: string): string {
  const text = label ?? formatLocation(file, position)
  if (!text || !file) return ''
  const code = codeOrText(text)
  if (!ctx.linkBase) return code
  const anchor = position ? `#L${position.line}` : ''
  return `[${code}](${ctx.linkBase}${encodePath(file)}${anchor})`
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${thousands(n)} ${n === 1 ? one : many}`
}

/** Rows of this run's migrations, and items of every list, shown at most: the report's size does not grow with history. */
const MAX_ROWS = 50
const MAX_ITEMS = 20

/** The document: what a reviewer reads first (verdict, changes, locks, lint, errors), the next step, then everything else in `<details>`. */
interface Doc {
  top: string[]
  next: string
  below: string[]
}

function joinDoc(d: Doc): string {
  return [...d.top, d.next, ...d.below].join('\n\n') + '\n'
}

/** The migrations this run is about: everything but the ones history already held (those are one line). */
function runRows(r: RunReport): MigrationResult[] {
  // The PR check judges the PR's own migrations; the base phase is one line (issue 15).
  if (r.prCheck) return prRows(r)
  return r.migrations.filter((m) => m.status !== 'already-applied')
}

/** The document as blocks (joined with blank lines). */
function build(ctx: Ctx, l: Limits): Doc {
  const r = ctx.report
  const top: string[] = []
  const below: string[] = []
  const preview = isPreview(r)

  // 1. The verdict, and the facts that place it (the PR check: its own heading, issue 15).
  top.push(r.prCheck ? `## ${escapeInline(prCheckHeading(r))}` : `## ${verdict(r)}`)
  top.push(factsLine(ctx))
  if (preview) top.push(`> **${PREVIEW_BANNER}.**`)

  // 2. What this run changes: its migrations (or its downs), one line for the applied history.
  if (r.prCheck) top.push(...prCheckSection(ctx, l))
  else if (r.mode === 'rollback') top.push(...rollbackSection(ctx, l))
  else top.push(...changesSection(ctx, l))
  const history = r.prCheck ? undefined : historyLine(r)
  if (history) top.push(history)

  // 3. Refused, problems in the files, errors: the failure report, as before.
  if (r.plan.refusals.length) {
    top.push('### Refused')
    top.push(list(ctx, r.plan.refusals.map((x) => adviceMarkdown(clip(x, l.fieldChars))), Math.min(l.listItems, MAX_ITEMS), 'refusal'))
  }
  if (r.problems.length) {
    top.push('### Problems in the migration files (nothing ran)')
    const items = r.problems.map((pr) => {
      // A path that is not in the commit (a missing directory) is named, never linked: the link would 404.
      const where = pr.noSuchPath ? codeOrText(formatLocation(pr.file, pr.position)) : location(ctx, pr.file, pr.position)
      const hint = pr.hint ? ` Hint: ${adviceMarkdown(clip(pr.hint, l.fieldChars))}` : ''
      const inScript = pr.script ? ` in the ${SCRIPT_WORDS[pr.script]}` : ''
      const item = `${where ? `${where} ` : ''}**${escapeInline(pr.code)}**${inScript}: ${adviceMarkdown(clip(pr.message, l.fieldChars))}${hint}`
      // A syntax error shows its SQL, as a failed statement does: the lines around it, the caret under the column.
      if (!pr.excerpt || l.statementLines <= 0) return item
      return `${item}\n\n${indent(fencedBlock(shortenStatement(pr.excerpt, l.statementLines, l.fieldChars)), '  ')}`
    })
    top.push(list(ctx, items, Math.min(l.listItems, MAX_ITEMS), 'problem'))
  }
  const failed = r.migrations.filter((m) => m.error)
  const errors: Array<{ e: MappedError; m?: MigrationResult }> = failed.map((m) => ({ e: m.error as MappedError, m }))
  if (r.error) errors.push({ e: r.error })
  if (errors.length) {
    top.push('### Errors')
    errors.forEach(({ e, m }, i) => {
      if (i < l.errors) top.push(...errorBlocks(ctx, l, e, m))
      else if (i === l.errors) {
        const rest = errors.slice(i).map((x) => (x.m ? escapeInline(x.m.identity) : 'the run'))
        const noun = i === 0 ? 'error' : 'more error'
        top.push(`_${plural(errors.length - i, noun)} (${rest.join(', ')}) not shown here: see ${ctx.moreAt}._`)
      }
    })
  }

  // 4. Production impact: the locks on existing tables, then the lint.
  top.push(...locksSection(ctx, l))
  if (r.lint?.length) top.push(...lintSection(ctx, l))
  if (r.supabaseLint?.length) top.push(...supabaseLintSection(ctx, l))

  // Verify: the failing checks, and the schema comparisons in a line each.
  if (r.checks?.length) top.push(...checksSection(ctx, l))
  if (r.schemaDiff?.length) top.push(...schemaDiffSection(ctx))

  if (r.warnings.length) {
    top.push('### Warnings')
    const items = r.warnings.map((w) => {
      const item = `${w.file ? `${codeOrText(w.file)}: ` : ''}${adviceMarkdown(clip(w.message, l.fieldChars))}`
      // A down script's syntax error shows its SQL, as one that refuses the run does.
      return w.excerpt && l.statementLines > 0 ? `${item}\n\n${indent(fencedBlock(shortenStatement(w.excerpt, l.statementLines, l.fieldChars)), '  ')}` : item
    })
    top.push(list(ctx, items, Math.min(l.listItems, 5), 'warning'))
  }

  // 5. Everything else, below the first screen.
  below.push(...schemaDiffDetails(ctx, l))
  if (r.schemaChanges?.length) below.push(...schemaChangesSection(ctx, l))
  const backup = backupSection(ctx, l)
  if (backup.length > 1) top.push(...backup)
  else below.push(...backup)
  const notRunnable = r.migrations.filter((m) => m.notDryRunnable !== undefined)
  if (notRunnable.length) {
    const items = notRunnable.map((m) => `${location(ctx, m.file, undefined) || codeOrText(m.identity)}: ${adviceMarkdown(clip(m.notDryRunnable ?? '', l.fieldChars))}`)
    below.push(details(`Not dry-runnable: ${plural(notRunnable.length, 'file')} listed, not run`, list(ctx, items, Math.min(l.listItems, MAX_ITEMS), 'file')))
  }
  const timed = runRows(r).filter((m) => m.statementTimings?.length)
  if (timed.length) {
    if (l.timings) {
      const parts = timed.slice(0, MAX_ITEMS).map((m) => timingsTable(ctx, l, m))
      const more = timed.length > MAX_ITEMS ? `\n\n_${plural(timed.length - MAX_ITEMS, 'more migration')} not shown here: see ${ctx.moreAt}._` : ''
      below.push(details(`Statement timings: ${plural(timed.length, 'migration')}`, parts.join('\n\n') + more))
    } else {
      below.push(`_Per-statement timings left out to stay under the size limit: see ${ctx.moreAt}._`)
    }
  }
  below.push(details('About this run', aboutList(ctx, l)))

  return { top, next: `**Next:** ${adviceMarkdown(clip(r.nextStep, 2000))}`, below }
}

/** What a problem's script is called: `syntax-error in the down script`. */
const SCRIPT_WORDS: Record<NonNullable<SourceProblem['script']>, string> = {
  up: 'up script',
  down: 'down script',
  verify: 'verify script',
  hook: 'hook',
  prelude: 'prelude'
}

/** Every line of a block indented (a fence inside a list item). */
function indent(block: string, pad: string): string {
  return block
    .split('\n')
    .map((x) => (x === '' ? x : pad + x))
    .join('\n')
}

/** `<details>` with a summary of ours (escaped here) and a markdown body. */
function details(summary: string, body: string): string {
  return `<details><summary>${escapeHtmlText(summary)}</summary>\n\n${body}\n\n</details>`
}

/** The database in words a reviewer cannot misread: production, an ephemeral database, or not reached. */
function whereWords(r: RunReport): string {
  if (!r.target || r.target === '(not connected)') return 'the database (not reached)'
  if (r.database?.kind === 'ephemeral') return `the ephemeral database ${inlineCode(r.target)}`
  if (r.database?.kind === 'kept') return `production (${inlineCode(r.target)})`
  return inlineCode(r.target)
}

/** Counts of this run's rows by status. */
function count(r: RunReport, ...statuses: MigrationStatus[]): number {
  return r.migrations.filter((m) => statuses.includes(m.status)).length
}

/** The heading: the result in words, what ran, where. */
function verdict(r: RunReport): string {
  const where = whereWords(r)
  const failedOne = r.migrations.find((m) => m.status === 'failed' || m.status === 'partial')
  const failedWhat = failedOne ? ` at ${inlineCode(failedOne.identity)}` : ''
  const n = (k: number, one = 'migration') => plural(k, one)
  switch (r.mode) {
    case 'plan': {
      const pending = count(r, 'pending', 'out-of-order', 'changed')
      if (r.status === 'blocked') return `⛔ pgshift plan: refused (read-only, nothing ran) on ${where}`
      if (r.status === 'failed') return `❌ pgshift plan failed (read-only, nothing ran) on ${where}`
      return pending ? `📋 pgshift plan: ${n(pending)} to apply to ${where} (read-only)` : `✅ pgshift plan: nothing to apply; ${where} is up to date`
    }
    case 'dry-run': {
      const k = count(r, 'previewed')
      if (r.status === 'blocked') return `⛔ pgshift dry-run (preview: nothing kept): refused on ${where}`
      if (r.status === 'failed') return `❌ pgshift dry-run (preview: nothing kept): would fail${failedWhat} on ${where}`
      if (r.partialPreview) return `⚠️ pgshift dry-run (preview: nothing kept): ${partialWords(r.partialPreview, 'migration')} on ${where}`
      return k ? `✅ pgshift dry-run (preview: nothing kept): ${n(k)} would apply to ${where}` : `✅ pgshift dry-run (preview: nothing kept): nothing to apply to ${where}`
    }
    case 'apply': {
      const k = r.applied.length
      if (r.status === 'blocked') return `⛔ pgshift apply refused: nothing changed on ${where}`
      if (r.status === 'failed') return `❌ pgshift apply failed${failedWhat} on ${where}: ${n(k)} applied before it`
      return k ? `✅ pgshift apply: ${n(k)} applied to ${where}` : `✅ pgshift apply: nothing to apply; ${where} is up to date`
    }
    case 'verify': {
      const checks = r.checks ?? []
      const bad = checks.filter((c) => !c.ok).length
      const diffs = (r.schemaDiff ?? []).reduce((a, d) => a + groupDifferences(d.differences).length, 0)
      if (r.status === 'blocked') return `⛔ pgshift verify: refused on ${where} (read-only)`
      if (r.status === 'failed' || bad || diffs) {
        const what = [bad ? `${plural(bad, 'check')} failed` : '', diffs ? `${plural(diffs, 'schema object')} differ${diffs === 1 ? 's' : ''}` : ''].filter(Boolean).join(', ')
        return `❌ pgshift verify: ${what || 'failed'} on ${where} (read-only)`
      }
      return `✅ pgshift verify: ${where} matches the files (read-only)`
    }
    case 'rollback': {
      const downs = r.rolledBack?.length || (preview(r) ? count(r, 'previewed', 'failed') : 0)
      if (preview(r)) {
        const rows = (r.migrations ?? []).flatMap((m) => m.destroys ?? []).reduce((a, d) => a + d.rows, 0)
        const loss = rows ? `, destroying ${plural(rows, 'row')}` : ''
        if (r.status === 'blocked') return `⛔ pgshift rollback preview (nothing kept): refused on ${where}`
        if (r.status === 'failed') return `❌ pgshift rollback preview (nothing kept): a down script would fail${failedWhat} on ${where}`
        if (r.partialPreview) return `⚠️ pgshift rollback preview (nothing kept): ${partialWords(r.partialPreview, 'down script')} on ${where}${loss}`
        return `↩️ pgshift rollback preview (nothing kept): ${plural(downs, 'down script')} would run on ${where}${loss}`
      }
      if (r.status === 'blocked') return `⛔ pgshift rollback refused: nothing changed on ${where}`
      if (r.status === 'failed') return `❌ pgshift rollback failed${failedWhat} on ${where}: ${n(downs)} rolled back before it`
      if (r.status === 'nothing-to-do') return `✅ pgshift rollback: nothing to roll back on ${where}`
      return `↩️ pgshift rollback: ${n(downs)} rolled back on ${where}`
    }
  }
  return `pgshift ${escapeInline(r.mode)}: ${runResult(r)} on ${where}`
}
const preview = (r: RunReport) => isPreview(r)

/** `previewed 12 of 54 migrations (42 not previewed)`: a preview that stopped early. */
function partialWords(part: NonNullable<RunReport['partialPreview']>, one: string): string {
  return `previewed ${thousands(part.previewed)} of ${plural(part.total, one)} (${thousands(part.notPreviewed.length)} not previewed)`
}

/** One line of facts: the migrations directory, the run, the commit, the time. */
function factsLine(ctx: Ctx): string {
  const r = ctx.report
  const facts = [`**Migrations:** ${codeOrText(r.migrationsDir)} (${escapeInline(r.convention)})`, `**Took:** ${formatDuration(r.durationMs) || '0 ms'}`]
  if (r.commit) facts.push(`**Commit:** ${codeOrText(r.commit.slice(0, 12))}`)
  const run = r.runUrl ? safeUrl(r.runUrl) : undefined
  if (run) facts.push(`[Run log](${run})`)
  return facts.join(' · ')
}

/** The applied history in one line, whatever its length. */
function historyLine(r: RunReport): string | undefined {
  const applied = r.migrations.filter((m) => m.status === 'already-applied')
  if (!applied.length) return undefined
  const newest = applied[applied.length - 1] as MigrationResult
  const when = newest.appliedAt ? ` (${escapeInline(newest.appliedAt.slice(0, 10))})` : ''
  const label = r.mode === 'rollback' ? (isPreview(r) ? 'Would stay applied' : 'Still applied') : 'Already applied before this run'
  return `**${label}:** ${plural(applied.length, 'migration')}, newest ${codeOrText(newest.identity)}${when}.`
}

/**
 * A migration's name is a code span, which does not wrap: past this many characters
 * it is cut in the table, to keep it in the 780 px comment column (issue 19 item 3),
 * and given in full in the list below the table.
 */
const TABLE_ID_CHARS = 60
function tableIdentity(identity: string): string {
  const chars = [...identity]
  return chars.length <= TABLE_ID_CHARS ? identity : `${chars.slice(0, TABLE_ID_CHARS - 1).join('')}…`
}

/** This run's migrations: a short table (4 columns), then the notes (and long names) that would not fit in it. */
function changesSection(ctx: Ctx, l: Limits, title?: string): string[] {
  const r = ctx.report
  const rows = runRows(r)
  const words: Record<string, string> = { plan: 'This run would apply', 'dry-run': 'This preview ran', apply: 'This run', verify: 'Checked' }
  if (!rows.length) return [r.migrations.length ? '' : 'No migrations found.'].filter(Boolean)
  const counts = countSummary(rows)
  const out = [`### ${title ?? `${words[r.mode] ?? 'This run'}: ${escapeInline(counts)}`}`]
  const keep = Math.min(rows.length, l.rows, MAX_ROWS)
  const shown = rankedRows(rows, keep)
  if (shown.length) {
    const lines = ['| Migration | Result | Time | Down |', '| --- | --- | --: | :-: |']
    for (const m of shown) {
      const id = location(ctx, m.file, undefined, tableIdentity(m.identity))
      lines.push(`| ${id} | ${STATUS_MARK[m.status] ?? ''}${statusWords(m.status)} | ${formatDuration(m.durationMs) || ' '} | ${m.hasDown ? '✓' : '—'} |`)
    }
    out.push(lines.join('\n'))
  }
  if (rows.length > shown.length) out.push(`_${plural(rows.length - shown.length, 'more migration')} not shown here: see ${ctx.moreAt}._`)
  const noted = shown.map((m) => ({ m, n: notes(m) })).filter((x) => x.n || tableIdentity(x.m.identity) !== x.m.identity)
  if (noted.length) out.push(list(ctx, noted.map(({ m, n }) => `${codeOrText(m.identity)}${n ? `: ${escapeInline(clip(n, l.fieldChars))}` : ''}`), Math.min(l.listItems, MAX_ITEMS), 'note'))
  return out
}

/**
 * The PR check's first screen (issue 15): the base phase in one line, the PR's
 * own migrations, the rollback test's verdict. Locks and lint follow, about the
 * PR's migrations only.
 */
function prCheckSection(ctx: Ctx, l: Limits): string[] {
  const r = ctx.report
  const out = [`**Base phase:** ${escapeInline(basePhaseLine(r))}`]
  if (!prRows(r).length) out.push("### This PR's migrations", '_This PR adds no migration under the migrations directory._')
  else out.push(...changesSection(ctx, l, "This PR's migrations"))
  const rollback = rollbackLine(r)
  if (rollback) out.push(`**Rollback test:** ${escapeInline(rollback)}`)
  return out
}

/** The most important `keep` rows, in run order. */
function rankedRows(rows: MigrationResult[], keep: number): MigrationResult[] {
  if (keep >= rows.length) return rows
  const ranked = rows.map((m, i) => ({ i, rank: ROW_RANK[m.status] ?? 9 })).sort((a, b) => a.rank - b.rank || a.i - b.i)
  const set = new Set(ranked.slice(0, Math.max(0, keep)).map((x) => x.i))
  return rows.filter((_m, i) => set.has(i))
}

/** Rollback: the downs first, newest first, each with what it destroys. */
function rollbackSection(ctx: Ctx, l: Limits): string[] {
  const r = ctx.report
  const byId = new Map(r.migrations.map((m) => [m.identity, m]))
  // A real run lists what it rolled back, in order; a preview (or a refusal) the range it chose, newest first.
  const inRange = r.migrations.filter((m) => m.status === 'previewed' || m.status === 'failed' || m.downFile !== undefined || m.destroys)
  const order = r.rolledBack?.length ? r.rolledBack : inRange.map((m) => m.identity).reverse()
  if (!order.length) return []
  const prev = isPreview(r)
  const out = [prev ? '### Down scripts this rollback would run, newest first' : '### Rolled back, newest first']
  const items = order.map((id) => {
    const m = byId.get(id)
    const file = m?.downFile ?? m?.file
    const where = file ? location(ctx, file, undefined, id) : codeOrText(id)
    const d = formatDuration(m?.durationMs)
    const destroys = (m?.destroys ?? []).map((x) => {
      const at = file ? location(ctx, file, { line: x.line, col: 0 }, `line ${x.line}`) : `line ${x.line}`
      return `   - destroys ${escapeInline(x.what)}: **${plural(x.rows, 'row')}${x.rows >= 1_000_000 ? '+' : ''}** (${at})`
    })
    const status = m?.status === 'failed' ? ' ❌ would fail' : ''
    return [`${where}${d ? ` (${d})` : ''}${status}`, ...destroys].join('\n')
  })
  out.push(list(ctx, items, Math.min(l.listItems, MAX_ITEMS), 'down script', true))
  const loss = r.migrations.some((m) => m.destroys?.length)
  if (prev && loss) out.push('**Data loss:** the real rollback needs `allow-data-loss: true`; back these rows up first.')
  return out
}

/** Locks the run's migrations took on tables that already existed, with what they block; pgshift's own history writes are not the migration's. */
function locksSection(ctx: Ctx, l: Limits): string[] {
  const r = ctx.report
  const locked = runRows(r)
    .map((m) => ({ m, locks: migrationLocks(r, m) }))
    .filter((x) => x.locks.length)
  if (!locked.length) return []
  const items = locked.map(({ m, locks }) => {
    const lines = sortLocks(locks).map((lk) => {
      const what = blocksWords(lk.blocks)
      return `  - **${escapeInline(lockModeWords(lk.mode))}** on ${codeOrText(lk.relation)}${what ? `: ${escapeInline(clip(what, l.fieldChars))}` : ''}`
    })
    return [codeOrText(m.identity), ...lines].join('\n')
  })
  return [isPreview(r) ? '### Locks on existing tables (released by the preview)' : '### Locks on existing tables', list(ctx, items, Math.min(l.listItems, MAX_ITEMS), 'migration')]
}


/** Target, history, server, convention: the facts a reviewer rarely needs. */
function aboutList(ctx: Ctx, l: Limits): string {
  const r = ctx.report
  const items = [`**Target:** ${codeOrText(r.target)}${r.database?.reason ? ` (${escapeInline(r.database.reason)})` : ''}`]
  if (r.conventionNote) items.push(`**Convention:** ${escapeInline(r.convention)}: ${escapeInline(clip(conventionNoteWords(r.convention, r.conventionNote), l.fieldChars))}`)
  if (r.historyTable) items.push(`**History:** ${codeOrText(r.historyTable)}${r.supabaseHistory ? ` + ${codeOrText(r.supabaseHistory.table)}` : ''}`)
  const sb = r.supabaseHistory
  if (sb && (sb.adopted.length || sb.backfilled.length)) {
    const parts = [sb.adopted.length && `${plural(sb.adopted.length, 'file')} applied by the Supabase CLI adopted`, sb.backfilled.length && `${plural(sb.backfilled.length, 'Supabase CLI row')} to write`].filter(Boolean)
    items.push(`**Supabase history:** ${escapeInline(parts.join(', '))}`)
  }
  if (r.supabaseShim) items.push(`**Supabase shim:** ${adviceMarkdown(clip(r.supabaseShim, l.fieldChars))}`)
  if (r.preludes?.length) items.push(`**Preludes:** ${escapeInline(clip(preludesLine(r.preludes), l.fieldChars))}`)
  if (r.serverVersion) items.push(`**Server:** ${codeOrText(r.serverVersion)}`)
  items.push(`**pgshift:** ${codeOrText(r.version)}`)
  return items.map((x) => `- ${x}`).join('\n')
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
        ? `**Backup (${escapeInline(b.level)}) failed:** ${b.error === r.error?.message ? 'the error is under **Errors** above.' : escapeInline(clip(b.error, l.fieldChars))}`
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
  const failed = Boolean(b?.error) || (r.hooks ?? []).some((h) => h.status === 'failed')
  const body = list(ctx, items, Math.min(l.listItems, MAX_ITEMS), 'item')
  return failed ? ['### Backup and hooks', body] : [details(`Backup and hooks: ${plural(items.length, 'item')}`, body)]
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
  // The report's Next line says it when it is the run's next step too: once, not twice.
  if (!nextStepSays(ctx.report, e.next)) out.push(`**What to do:** ${adviceMarkdown(clip(e.next, l.fieldChars))}`)
  return out
}

function notes(m: MigrationResult): string {
  const parts: string[] = []
  if (m.status === 'partial' && m.statementsDone !== undefined) parts.push(`${m.statementsDone} of ${m.statements} statements done`)
  if (m.retries) parts.push(`${m.retries} lock-timeout ${m.retries === 1 ? 'retry' : 'retries'}`)
  if (m.leftovers?.length) parts.push(`left behind: ${m.leftovers.join('; ')}`)
  if (m.notDryRunnable !== undefined) parts.push('not dry-runnable')
  if (m.runMode === 'statements') parts.push(`${runModeWords(m)}${m.nonTransactionalReasons?.length ? `: ${[...new Set(m.nonTransactionalReasons)].join(', ')}` : ''}`)
  if (m.serverWide?.length && m.status !== 'rolled-back') parts.push(`changes the whole server: ${m.serverWide.join(', ')}`)
  parts.push(...twinNotes(m))
  if (m.note) parts.push(m.note)
  return parts.join('; ')
}

/** One migration's statements: line (linked into the file that ran), statement, time, and the twin note. */
function timingsTable(ctx: Ctx, l: Limits, m: MigrationResult): string {
  const timings = m.statementTimings ?? []
  const file = ctx.report.mode === 'rollback' ? (m.downFile ?? m.file) : m.file
  const total = formatDuration(m.durationMs ?? timings.reduce((a, t) => a + t.ms, 0))
  const twins = timings.filter((t) => t.twin && t.twin.trim() !== '').length
  const summary = [plural(timings.length, 'statement'), total, twins ? plural(twins, 'twin') : ''].filter(Boolean).join(', ')
  const withNote = twins > 0
  const lines = [`| Line | Statement | Time |${withNote ? ' Note |' : ''}`, `| --: | --- | --: |${withNote ? ' --- |' : ''}`]
  for (const t of timings.slice(0, MAX_ROWS)) {
    const line = ctx.linkBase && t.line > 0 ? `[${t.line}](${ctx.linkBase}${encodePath(file)}#L${t.line})` : String(t.line)
    const cells = [line, escapeTableCell(clip(t.label, 80)), formatDuration(t.ms) || ' ']
    if (withNote) cells.push(escapeTableCell(clip(t.twin ?? '', Math.min(l.fieldChars, 120))))
    lines.push(`| ${cells.join(' | ')} |`)
  }
  const more = timings.length > MAX_ROWS ? `\n\n_${plural(timings.length - MAX_ROWS, 'more statement')} not shown here: see ${ctx.moreAt}._` : ''
  return `**${escapeInline(m.identity)}**: ${escapeInline(summary)}\n\n${lines.join('\n')}${more}`
}

/** The failing checks, with their errors in full; the passing ones as a count, listed below the first screen. */
function checksSection(ctx: Ctx, l: Limits): string[] {
  const checks = checksInOrder(ctx.report.checks ?? [])
  const failing = checks.filter((c) => !c.ok)
  const passing = checks.filter((c) => c.ok)
  const item = (c: VerifyCheck) => {
    const where = location(ctx, c.file, atLine(c.line))
    return `${c.ok ? '✅' : '❌'} ${codeOrText(c.subject)}${where ? ` (${where})` : ''}: ${adviceMarkdown(clip(c.message, l.fieldChars))}`
  }
  const out = [`### Checks: ${escapeInline(checksSummary(checks))}`]
  if (failing.length) out.push(list(ctx, failing.map(item), Math.min(l.listItems, MAX_ITEMS), 'failing check'))
  // The passing ones are a count: one per migration would grow with history (the JSON report lists them).
  if (passing.length && failing.length) out.push(`✅ The other ${plural(passing.length, 'check')} passed.`)
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
/** Lint findings as a list (long text never widens a table): rule, where, what, why and the safe rewrite; suppressed ones last. */
function lintSection(ctx: Ctx, l: Limits): string[] {
  const all = ctx.report.lint ?? []
  const open = all.filter((f) => !f.suppressed)
  const ordered = [...open, ...all.filter((f) => f.suppressed)]
  const items = ordered.map((f) => {
    const mark = f.suppressed ? '💤' : f.severity === 'error' ? '❌' : '⚠️'
    const head = `${mark} ${codeOrText(f.rule)} at ${location(ctx, f.file, { line: f.line, col: f.col })}: ${adviceMarkdown(clip(f.message, l.fieldChars))}`
    if (f.suppressed) return `${head} (suppressed: ${escapeInline(clip(f.suppressed, l.fieldChars))})`
    return `${head}  \n  ${adviceMarkdown(clip(f.why, l.fieldChars))}  \n  **Safe rewrite:** ${adviceMarkdown(clip(f.fix, l.fieldChars))}`
  })
  const title = `### Lint: ${plural(open.length, 'finding')}${all.length > open.length ? `, ${all.length - open.length} suppressed` : ''}`
  return [title, list(ctx, items, Math.min(l.rows, l.listItems, MAX_ITEMS), 'finding')]
}

/**
 * Supabase lint of the applied schema, as a list like the lint above: rule (linked to
 * its reason), where the object was made, the finding. As a table, a file:line link
 * and a long object name made it wider than the comment column (issue 19 item 3).
 */
function supabaseLintSection(ctx: Ctx, l: Limits): string[] {
  const all = ctx.report.supabaseLint ?? []
  const items = all.map((f) => {
    const url = safeUrl(f.url)
    const rule = `${f.level === 'error' ? '❌' : '⚠️'} ${codeOrText(f.rule)}${url ? ` ([why](${url}))` : ''}`
    const where = location(ctx, f.file, f.line ? { line: f.line, col: 0 } : undefined) || codeOrText(f.object)
    return `${rule} at ${where}: ${escapeInline(clip(f.message, l.fieldChars))}`
  })
  return [`### Supabase lint of the applied schema: ${plural(all.length, 'finding')}`, list(ctx, items, Math.min(l.rows, l.listItems, MAX_ITEMS), 'finding')]
}

const CHANGE_WORDS: Record<string, string> = { added: 'added', removed: 'dropped', changed: 'changed' }
/** Kinds whose key is `<kind> <table>.<name>`: shown with their table. */
const TABLE_PARTS = new Set(['column', 'constraint', 'policy', 'trigger'])

interface ObjectGroup {
  /** e.g. `table public.users`. */
  object: string
  change: string
  detail: string
}

/**
 * Differences grouped by object: a table with its added columns, constraints,
 * policies and triggers is one row (`column public.users.email` joins
 * `table public.users`); every other object is a row of its own.
 */
export function groupDifferences(diffs: readonly SchemaDifference[]): ObjectGroup[] {
  const groups = new Map<string, { own?: SchemaDifference; parts: Map<string, string[]> }>()
  const order: string[] = []
  const group = (key: string) => {
    let g = groups.get(key)
    if (!g) {
      g = { parts: new Map() }
      groups.set(key, g)
      order.push(key)
    }
    return g
  }
  for (const d of diffs) {
    const kind = d.object.split(' ')[0] ?? d.object
    const rest = d.object.slice(kind.length + 1)
    const dot = rest.lastIndexOf('.')
    if (TABLE_PARTS.has(kind) && dot > 0) {
      const g = group(`table ${rest.slice(0, dot)}`)
      const name = rest.slice(dot + 1)
      const sign = d.change === 'added' ? '+' : d.change === 'removed' ? '-' : '~'
      const list = g.parts.get(kind) ?? []
      list.push(`${sign}${name}${d.change === 'changed' && d.detail ? ` (${d.detail})` : ''}`)
      g.parts.set(kind, list)
    } else {
      group(d.object).own = d
    }
  }
  return order.map((key) => {
    const g = groups.get(key) as { own?: SchemaDifference; parts: Map<string, string[]> }
    const parts = [...g.parts].map(([kind, names]) => `${names.length} ${kind}${names.length === 1 ? '' : 's'}: ${names.join(', ')}`)
    const own = g.own
    const change = own ? (CHANGE_WORDS[own.change] ?? own.change) : 'changed'
    const detail = [own?.change === 'changed' ? (own.detail ?? '') : '', ...parts].filter(Boolean).join('; ')
    return { object: key, change, detail }
  })
}

/** A grouped difference table: 3 columns, the detail clipped. */
function groupTable(ctx: Ctx, l: Limits, diffs: readonly SchemaDifference[]): string {
  const groups = groupDifferences(diffs)
  const keep = Math.min(groups.length, l.diffRows, MAX_ROWS)
  const lines = ['| Object | Change | Detail |', '| --- | --- | --- |']
  for (const g of groups.slice(0, keep)) lines.push(`| ${escapeTableCell(g.object)} | ${escapeTableCell(g.change)} | ${escapeTableCell(clip(g.detail, Math.min(l.fieldChars, 300)))} |`)
  const more = groups.length > keep ? `\n\n_${plural(groups.length - keep, 'more object')} not shown here: see ${ctx.moreAt}._` : ''
  return keep ? lines.join('\n') + more : more.trim()
}

/** What the run's migrations add, drop and change, one row per object. */
function schemaChangesSection(ctx: Ctx, l: Limits): string[] {
  const changes = ctx.report.schemaChanges ?? []
  const objects = groupDifferences(changes).length
  return [details(`Schema changes in this run: ${plural(objects, 'object')} (${plural(changes.length, 'change')})`, groupTable(ctx, l, changes))]
}

/** Each schema comparison: a line on the first screen, its objects in `<details>`. */
function schemaDiffSection(ctx: Ctx): string[] {
  const out: string[] = []
  for (const d of ctx.report.schemaDiff ?? []) {
    const n = d.differences.length
    if (n === 0) {
      out.push(`✅ ${escapeInline(d.title)}: no differences.`)
      continue
    }
    const objects = groupDifferences(d.differences)
    const names = objects.slice(0, 3).map((g) => `${codeOrText(g.object)} ${escapeInline(g.change)}`).join(', ')
    out.push(`❌ **${escapeInline(d.title)}:** ${plural(objects.length, 'object')} differ: ${names}${objects.length > 3 ? ', …' : ''}`)
  }
  return out
}

/** Each comparison's objects, one row per object, below the first screen. */
function schemaDiffDetails(ctx: Ctx, l: Limits): string[] {
  return (ctx.report.schemaDiff ?? [])
    .filter((d) => d.differences.length)
    .map((d) => details(`${d.title}: ${plural(groupDifferences(d.differences).length, 'object')} (${plural(d.differences.length, 'difference')})`, groupTable(ctx, l, d.differences)))
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
