// The fleet report as markdown: one body for the job summary and the sticky
// comment. Its size does not grow with the fleet: the version-skew table has one
// row per version (names clipped), the table of unusual rows (failed and not-run
// first, with their errors in a list below it) stops at a character budget, and
// every other target is a count.
import { codeOrText, escapeInline, escapeTableCell } from '../report/escape.js'
import { isUnusual, type FleetReport, type FleetRow, type RowStatus } from './report.js'

/** GitHub refuses a comment body above 65,536 characters; the marker line and a margin stay free. */
export const FLEET_BODY_BUDGET = 60_000
const NAMES_IN_SKEW = 8
/** Versions shown in the skew table (the furthest behind first); the rest are counted. */
const SKEW_ROWS = 25

const LABEL: Record<RowStatus, string> = {
  failed: 'failed',
  blocked: 'blocked',
  'not-run': 'not run',
  success: 'success',
  'nothing-to-do': 'nothing to do'
}
const ICON: Record<RowStatus, string> = { failed: '❌', blocked: '⛔', 'not-run': '⏭️', success: '✅', 'nothing-to-do': '✅' }

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`
const code = (s: string | undefined) => (s ? codeOrText(s) : '(none)')

function names(list: string[], max = NAMES_IN_SKEW): string {
  const shown = list.slice(0, max).map((n) => codeOrText(n)).join(', ')
  return list.length > max ? `${shown} and ${list.length - max} more` : shown
}

function headline(r: FleetReport): string {
  const bad = r.counts.failed + r.counts.blocked
  const scope = r.wave === undefined ? '' : ` (wave ${r.wave}${r.wave === 0 ? ', the canaries' : ''})`
  const verdict = bad ? `❌ ${plural(bad, 'target')} failed` : r.counts['not-run'] ? `⏭️ ${plural(r.counts['not-run'], 'target')} not run` : '✅ every target succeeded'
  return `## pgshift fleet ${r.mode}${scope}: ${verdict}`
}

function countsLine(r: FleetReport): string {
  const parts = (['failed', 'blocked', 'not-run', 'success', 'nothing-to-do'] as RowStatus[]).filter((s) => r.counts[s]).map((s) => `${r.counts[s]} ${LABEL[s]}`)
  return `**${plural(r.rows.length, 'target')}** (${r.legs} ${r.legs === 1 ? 'leg' : 'legs'} reported): ${parts.join(' · ') || 'none'}.`
}

function skewTable(r: FleetReport): string[] {
  if (!r.rows.length) return []
  const lines = ['### Version skew', '', `The newest migration of the files (the head) is ${code(r.head)}.`, '', '| Version | Behind the head by | Targets | Which |', '| --- | --- | --- | --- |']
  const shown = r.skew.length > SKEW_ROWS ? [...r.skew.slice(0, SKEW_ROWS - 1), ...r.skew.slice(SKEW_ROWS - 1).filter((g) => g.behind === 0)] : r.skew
  for (const g of shown) {
    const version = g.behind === undefined ? 'unknown (no report)' : g.at ? `${codeOrText(g.at)}${g.behind === 0 ? ' (head)' : ''}` : '(none applied)'
    const behind = g.behind === undefined ? '?' : g.behind === 0 ? '0' : plural(g.behind, 'migration')
    lines.push(`| ${version} | ${behind} | ${g.rows.length} | ${names(g.rows)} |`)
  }
  const folded = r.skew.filter((g) => !shown.includes(g))
  if (folded.length) lines.push(`| ${plural(folded.length, 'more version')} | | ${folded.reduce((n, g) => n + g.rows.length, 0)} | |`)
  return lines
}

/**
 * One target: five short columns in the table, and what does not fit there (what this run
 * applied, the drift, the first error) as a list item below it. Seven columns made the table
 * wider than GitHub's 780 px comment column (issue 19 item 3).
 */
function row(x: FleetRow): { line: string; detail?: string } {
  const s = x.summary
  const line = `| ${ICON[s.status]} ${codeOrText(x.name)} | ${x.wave} | ${LABEL[s.status]} | ${code(s.at)} | ${s.status === 'not-run' ? '?' : s.behind} |`
  const applied = s.rolledBack?.length ? `rolled back ${s.rolledBack.length}` : s.applied.length ? `applied ${s.applied.length}: ${codeOrText(s.applied[s.applied.length - 1] as string)}` : ''
  const drift = s.drifted.length ? `drift: ${s.drifted.slice(0, 3).map((d) => codeOrText(d)).join(', ')}${s.drifted.length > 3 ? ` +${s.drifted.length - 3}` : ''}` : ''
  const error = s.firstError ? escapeInline(s.firstError) : ''
  const parts = [applied, drift, error].filter(Boolean)
  return { line, detail: parts.length ? `- ${ICON[s.status]} ${codeOrText(x.name)}: ${parts.join('; ')}` : undefined }
}

export interface FleetMarkdownOptions {
  /** The character budget of the whole body (default FLEET_BODY_BUDGET). */
  budget?: number
  /** A link to the workflow run, where the legs' artifacts are. */
  runPage?: string
}

export function renderFleetMarkdown(r: FleetReport, opts: FleetMarkdownOptions = {}): string {
  const budget = opts.budget ?? FLEET_BODY_BUDGET
  const head = [headline(r), '', countsLine(r), '']
  if (r.failed) {
    head.push(
      r.wave !== undefined
        ? `**Do not start the next wave**: fix the failed targets below and rerun their legs first.`
        : '**The fleet is not at one version**: fix the failed targets below and rerun their legs; the targets not run start when the waves before them pass.',
      ''
    )
  }
  const skew = [...skewTable(r), '']
  const unusual = r.rows.filter(isUnusual)
  const rest = r.rows.length - unusual.length
  const tail: string[] = []
  if (rest) tail.push(`**${rest === 1 ? 'The other target** is' : `The other ${rest} targets** are`} at the head with nothing to report: ${countsOf(r.rows.filter((x) => !isUnusual(x)))}.`, '')
  if (r.problems.length) tail.push('**Leg reports**', '', ...r.problems.slice(0, 20).map((p) => `- ${escapeTableCell(p)}`), ...(r.problems.length > 20 ? [`- and ${r.problems.length - 20} more`] : []), '')
  tail.push(`Each leg's full report is its artifact \`pgshift-fleet-<target>\`${opts.runPage ? ` on [the run's page](${opts.runPage})` : ''}.`, '')

  const table: string[] = []
  if (unusual.length) {
    table.push('### Needs attention', '', 'Failed and blocked first, then not run, then behind or drifted.', '', '| Target | Wave | Status | At | Behind |', '| --- | --- | --- | --- | --: |')
    const fixed = [...head, ...skew, ...tail].join('\n').length + 400
    let size = table.join('\n').length
    const details: string[] = []
    let shown = 0
    for (const x of unusual) {
      const { line, detail } = row(x)
      const more = line.length + 1 + (detail ? detail.length + 1 : 0)
      if (fixed + size + more > budget) break
      table.push(line)
      if (detail) details.push(detail)
      size += more
      shown++
    }
    if (details.length) table.push('', ...details)
    if (shown < unusual.length) table.push('', `…and ${plural(unusual.length - shown, 'more row')} (${countsOf(unusual.slice(shown))}): the table stops here to fit GitHub's comment limit; every row is in the legs' artifacts.`)
    table.push('')
  }
  return [...head, ...table, ...skew, ...tail].join('\n')
}

function countsOf(rows: FleetRow[]): string {
  const n = new Map<string, number>()
  for (const x of rows) n.set(LABEL[x.summary.status], (n.get(LABEL[x.summary.status]) ?? 0) + 1)
  return [...n].map(([s, k]) => `${k} ${s}`).join(', ')
}
