// rollback (DESIGN 11): down scripts, newest first, by `steps` or down to
// `to-version` (which stays applied). The whole range is checked before anything
// runs: a missing down, or a down that would drop data, refuses the run. Each
// down commits together with the deletion of its history row.
import type pg from 'pg'
import { escapeIdentifier } from 'pg'
import { deleteHistorySql, executeDown } from '../executor.js'
import { backupBeforeChanges, safetyCopiesBefore } from '../backup-step.js'
import { failOnHook, runHook } from '../hooks.js'
import { fillFromPlan } from '../plan-report.js'
import { parseDowns, refusedForSourceProblems } from '../parse-needed.js'
import { plan } from '../plan.js'
import { previewInTransaction } from '../preview.js'
import type { MigrationResult, RunReport } from '../report.js'
import { destroyedBy } from '../../source/destroys.js'
import type { Migration } from '../../source/types.js'
import { confirmDurable, execContext } from './apply.js'
import { reconcileLostConnection } from './reconcile.js'
import type { ModeContext } from './context.js'

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

const ROW_CAP = 1_000_000

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

function refuse(report: RunReport, reasons: string[]): void {
  report.plan.refusals.push(...reasons)
  report.status = 'blocked'
  report.nextStep = 'Nothing was changed. Resolve the refusals above, then rerun the rollback.'
}

export async function rollbackMode(ctx: ModeContext): Promise<void> {
  const { report, settings, found, history } = ctx
  const p = plan(found.migrations, history, settings)
  fillFromPlan(report, p)
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
    return
  }
  parseDowns(range)
  const inRange = new Set(range.map((m) => m.identity))
  if (refusedForSourceProblems(report, found, (id) => inRange.has(id))) return
  const noDown = range.filter((m) => !m.down)
  if (noDown.length) {
    return refuse(report, [
      `No down script for ${noDown.map((m) => m.identity).join(', ')}, so the rollback of ${range.map((m) => m.identity).join(', ')} cannot run. Add ${noDown.map((m) => `${m.identity}.down.sql`).join(', ')} (or a down section), or choose a smaller range.`
    ])
  }
  const risk = await dataAtRisk(ctx.client, range)
  if (risk.length && !settings.allowDataLoss) {
    return refuse(report, [
      `The down scripts would destroy data: ${risk.map((r) => `${r.what} holds ${r.rows >= ROW_CAP ? `${ROW_CAP}+` : r.rows} row${r.rows === 1 ? '' : 's'} (${r.migration}.down, line ${r.line})`).join('; ')}. Back the data up and set allow-data-loss: true to proceed.`
    ])
  }
  const byIdentity = new Map(report.migrations.map((r) => [r.identity, r]))
  const exec = execContext(ctx)

  if (settings.dryRun) {
    report.preview = true
    const out = await previewInTransaction(
      ctx,
      range.map((m) => ({ migration: m, script: m.down as NonNullable<Migration['down']>, result: byIdentity.get(m.identity) as MigrationResult, recordSql: deleteHistorySql(exec, m.identity) }))
    )
    report.status = out.failed ? 'failed' : 'success'
    report.nextStep = out.failed
      ? `The down script of ${out.failed.identity} would fail: fix it before rolling back. Nothing was kept.`
      : `Nothing was kept. The rollback would run ${range.length} down script${range.length === 1 ? '' : 's'}: ${range.map((m) => m.identity).join(', ')}.`
    return
  }

  if (!(await backupBeforeChanges(ctx))) return
  report.rolledBack = []
  let failed: MigrationResult | undefined
  const started = performance.now()
  for (const [k, m] of range.entries()) {
    const result = byIdentity.get(m.identity) as MigrationResult
    if (failed || ctx.isCancelled() || ctx.isLockLost()) {
      result.note = 'not rolled back: the rollback stopped before it'
      continue
    }
    const down = m.down as NonNullable<Migration['down']>
    const o = await ctx.log.group(`[${k + 1}/${range.length}] rollback ${m.identity}`, async () => {
      let r = (await safetyCopiesBefore(ctx, m.identity, down, `${m.identity}.down`)) ?? (await executeDown(exec, m))
      if (r.connectionLost && !ctx.isCancelled()) r = await reconcileLostConnection(ctx, exec, m, r, 'down')
      ctx.log.progress({ index: k + 1, total: range.length, title: `rollback ${m.identity}`, ok: r.ok, verb: r.ok ? 'rolled back' : 'FAILED', durationMs: r.durationMs, elapsedMs: performance.now() - started })
      return r
    })
    result.durationMs = Math.round(o.durationMs)
    if (o.ok) {
      result.status = 'rolled-back'
      report.rolledBack.push(m.identity)
    } else {
      failed = result
      result.status = 'failed'
      result.error = o.error
    }
  }
  report.pending = [...report.rolledBack].reverse()
  const done = report.rolledBack.length
  const hookFailed = failed ? undefined : await runHook(ctx, exec, 'afterRollback')
  // One synchronous commit makes this run's downs and hook durable before anything is reported.
  const durable = done || report.hooks?.length ? await confirmDurable(ctx, report, `this run's ${done} rollback${done === 1 ? '' : 's'} and hooks`) : true
  if (failed) {
    report.status = 'failed'
    const left = range.length - done
    report.nextStep = `${failed.error?.next ?? 'Fix the down script.'} ${done} migration${done === 1 ? ' was' : 's were'} rolled back and removed from history; ${failed.identity} is intact and still applied. To finish, rerun with steps: ${left}${settings.toVersion ? ` (or the same to-version: ${settings.toVersion})` : ''}.`
  } else if (hookFailed) {
    return failOnHook(ctx, hookFailed, `The ${done} down script${done === 1 ? '' : 's'} ran and their history rows are gone.`)
  } else if (durable) {
    report.status = 'success'
    report.nextStep = `Rolled back ${done} migration${done === 1 ? '' : 's'}. A rerun of apply would apply them again: ${report.pending.join(', ')}.`
  }
}
