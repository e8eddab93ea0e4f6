// rollback range (DESIGN 11): which applied migrations go down, newest first, by
// `steps` or down to `to-version` (which stays applied). The whole range is
// checked before anything runs: a missing down, or a down that would drop data,
// refuses the run.
import type pg from 'pg'
import { escapeIdentifier } from 'pg'
import { destroyedBy } from '../../source/destroys.js'
import type { Migration } from '../../source/types.js'
import type { ModeContext } from '../modes/context.js'
import { parseDowns, refusedForSourceProblems } from '../parse-needed.js'
import type { RunReport } from '../report.js'
import { planPending } from './plan.js'
import { downAdvice } from './test-rollback.js'

/** The applied migrations to roll back, newest first, or a reason to refuse. */
export function rollbackRange(applied: Migration[], target: { steps: number; toVersion?: string }): Migration[] | string {
  if (target.toVersion !== undefined) {
    const v = target.toVersion
    const idx = applied.findIndex((m) => m.identity === v || m.version === v)
    if (idx < 0) {
      const known = applied.slice(-5).map((m) => m.identity)
      return `to-version '${v}' is not an applied migration (matched against identities and versions). The newest applied: ${known.join(', ') || '(none)'}.`
    }
    if (applied.filter((m) => m.version === v && m.identity !== v).length > 1) {
      return `to-version '${v}' matches several applied migrations; give the full identity, e.g. ${applied.filter((m) => m.version === v).map((m) => m.identity).join(' or ')}.`
    }
    return applied.slice(idx + 1).reverse()
  }
  return applied.slice(-target.steps).reverse()
}

interface DataAtRisk {
  migration: string
  what: string
  rows: number
  line: number
}

export const ROW_CAP = 1_000_000

/** Rows the downs in range would destroy (counted up to a cap), so the guard can name them. */
export async function dataAtRisk(client: pg.Client, range: Migration[]): Promise<DataAtRisk[]> {
  const out: DataAtRisk[] = []
  for (const m of range) {
    for (const s of m.down?.statements ?? []) {
      for (const d of destroyedBy(s)) {
        const reg = await client.query<{ t: string; display: string }>(
          `SELECT c.oid::regclass::text AS t, n.nspname || '.' || c.relname AS display
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`,
          [d.table]
        )
        const t = reg.rows[0]?.t
        const display = reg.rows[0]?.display
        if (!t) continue
        const where = d.column ? ` WHERE ${escapeIdentifier(d.column)} IS NOT NULL` : ''
        const col = d.column ? await client.query('SELECT 1 FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2 AND NOT attisdropped', [t, d.column]) : undefined
        if (col && !col.rowCount) continue
        const r = await client.query<{ n: string }>(`SELECT count(*) AS n FROM (SELECT 1 FROM ${t}${where} LIMIT ${ROW_CAP}) s`)
        const rows = Number(r.rows[0]?.n ?? 0)
        if (rows > 0) out.push({ migration: m.identity, what: d.column ? `column ${display}.${d.column}` : `table ${display}`, rows, line: s.position.line })
      }
    }
  }
  return out
}

function refuse(report: RunReport, reasons: string[]): undefined {
  report.plan.refusals.push(...reasons)
  report.status = 'blocked'
  report.nextStep = 'Nothing was changed. Resolve the refusals above, then rerun the rollback.'
  return undefined
}

/**
 * The range to roll back, every down parsed and checked; undefined when there is
 * nothing to do or the run is refused (the report then says which and why).
 */
export async function chooseRollbackRange(ctx: ModeContext): Promise<Migration[] | undefined> {
  const { report, settings, found, history } = ctx
  const p = planPending(ctx)
  // Pending files don't matter to a rollback; edited, deleted or half-applied ones do.
  report.plan.refusals = p.summary.refusals.filter((r) => !/sort before the newest applied/.test(r))
  report.pending = []
  if (report.plan.refusals.length) return refuse(report, [])
  const appliedIds = new Set(history.filter((r) => r.status === 'applied').map((r) => r.identity))
  const applied = found.migrations.filter((m) => appliedIds.has(m.identity))
  const range = rollbackRange(applied, settings)
  if (typeof range === 'string') return refuse(report, [range])
  if (!range.length) {
    report.status = 'nothing-to-do'
    report.nextStep = settings.toVersion ? `Nothing to roll back: ${settings.toVersion} is the newest applied migration.` : 'Nothing to roll back: no migration is applied.'
    return undefined
  }
  parseDowns(range)
  // A broken down refuses only the rollback whose range needs it.
  const inRange = new Set(range.map((m) => m.identity))
  if (refusedForSourceProblems(report, found, (id) => inRange.has(id))) return undefined
  const noDown = range.filter((m) => !m.down)
  if (noDown.length) {
    return refuse(report, [
      `No down script for ${noDown.map((m) => m.identity).join(', ')}, so the rollback of ${range.map((m) => m.identity).join(', ')} cannot run. For each: ${noDown.map((m) => `${m.identity}: ${downAdvice(m)}`).join('; ')}. Or choose a smaller range.`
    ])
  }
  const risk = await dataAtRisk(ctx.client, range)
  // The report names each down's file and what it destroys, for the preview and the refusal alike.
  const byIdentity = new Map(report.migrations.map((r) => [r.identity, r]))
  for (const m of range) {
    const result = byIdentity.get(m.identity)
    if (!result) continue
    result.downFile = m.scriptFiles.down ?? m.down?.source.file
    const destroys = risk.filter((r) => r.migration === m.identity).map((r) => ({ what: r.what, rows: r.rows, line: r.line }))
    if (destroys.length) result.destroys = destroys
  }
  // A preview never blocks on data loss: it exists to show the loss to the reviewer who approves the real run.
  if (risk.length && !settings.allowDataLoss && !settings.dryRun) {
    return refuse(report, [
      `The down scripts would destroy data: ${risk.map((r) => `${r.what} holds ${r.rows >= ROW_CAP ? `${ROW_CAP}+` : r.rows} row${r.rows === 1 ? '' : 's'} (${r.migration}.down, line ${r.line})`).join('; ')}. Back the data up and set allow-data-loss: true to proceed.`
    ])
  }
  return range
}
