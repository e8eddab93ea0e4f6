// The engine's entry point, shared by the action and the CLI: settings in, one
// RunReport out. It never throws for a failed run: every failure becomes a status
// and an error in the report (the kysely "never throws" shape), so every renderer
// sees the same facts.
import type pg from 'pg'
import { backendPid, cancelBackend, connect, serverVersion, sessionSettingsSql, tlsEnvironmentWarnings } from '../db/connect.js'
import { ensureHistoryTable, historyTableName, readHistory } from '../db/history.js'
import { acquireRunLock, lockKey, LockNotAcquired, releaseRunLock } from '../db/lock.js'
import { parseDatabaseUrl, type ConnectionTarget } from '../db/url.js'
import type { Settings } from '../settings.js'
import { discover } from '../source/discover.js'
import { VERSION } from '../version.js'
import { executeMigration } from './executor.js'
import { baseResult, plan, type Plan } from './plan.js'
import type { MappedError, MigrationResult, RunReport } from './report.js'

export interface RunLogger {
  info(message: string): void
  warn(message: string): void
  /** Runs `fn` inside a collapsible log group (the action) or under a heading line (the CLI). */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>
}

export interface RunContext {
  logger: RunLogger
  /** Who and what triggered the run, recorded in history (GitHub fills these). */
  meta?: { actor?: string; runUrl?: string; commitSha?: string }
  /** Aborted on SIGINT/SIGTERM: the running statement is cancelled on the server and rolled back. */
  signal?: AbortSignal
}

function newReport(settings: Settings): RunReport {
  return {
    tool: 'pgshift',
    version: VERSION,
    mode: settings.mode,
    status: 'failed',
    target: '(not connected)',
    migrationsDir: settings.migrationsDir,
    convention: settings.convention,
    conventionNote: '',
    historyTable: historyTableName(settings.historySchema),
    startedAt: new Date().toISOString(),
    durationMs: 0,
    migrations: [],
    plan: { pending: [], applied: [], drifted: [], missing: [], outOfOrder: [], changedRepeatables: [], partial: [], refusals: [] },
    applied: [],
    pending: [],
    warnings: [],
    problems: [],
    nextStep: ''
  }
}

/** Any thrown error as a report error; ConnectionError and LockNotAcquired carry their own advice. */
function toMappedError(e: unknown): MappedError {
  if (e instanceof LockNotAcquired) {
    return {
      message: e.message,
      next: 'Nothing was changed. Another pgshift run is migrating this database: let it finish, then rerun; add `concurrency:` to the workflow so deploys queue, or raise lock-wait.'
    }
  }
  const err = e as { message?: string; next?: string; code?: string }
  return {
    message: err?.message ?? String(e),
    sqlstate: typeof err?.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code) ? err.code : undefined,
    next: err?.next ?? 'Nothing was changed by this run. Fix the cause above and rerun.'
  }
}

export async function runPgshift(settings: Settings, ctx: RunContext): Promise<RunReport> {
  const t0 = performance.now()
  const report = newReport(settings)
  const log = ctx.logger
  let client: pg.Client | undefined
  let lockClient: pg.Client | undefined
  let holdingLock = false
  const key = lockKey(settings.historySchema)
  let cancelled = false
  const onAbort = () => {
    cancelled = true
    log.warn('Cancel requested: cancelling the running statement on the server; the current migration rolls back.')
    // The backend pid read at connect: behind a pooler, the protocol's process id is the pooler's.
    const pid = client ? backendPid(client) : undefined
    if (lockClient && pid !== undefined) void cancelBackend(lockClient, pid).catch(() => {})
  }
  ctx.signal?.addEventListener('abort', onAbort, { once: true })

  try {
    // 1. Source: everything that can be wrong with the files is found before connecting.
    const found = await discover({ workspace: settings.workspace, dir: settings.migrationsDir, convention: settings.convention })
    report.migrationsDir = found.dir
    report.convention = found.convention
    report.conventionNote = found.conventionNote
    report.warnings = [...found.warnings, ...tlsEnvironmentWarnings().map((message) => ({ file: '', message }))]
    report.problems = found.problems
    log.info(`${found.conventionNote} in ${found.dir}: ${found.migrations.length} migrations`)
    if (found.problems.length) {
      report.migrations = found.migrations.map(baseResult)
      report.pending = found.migrations.map((m) => m.identity)
      report.nextStep = `Nothing was sent to the database. Fix the ${found.problems.length === 1 ? 'problem' : `${found.problems.length} problems`} above, then rerun.`
      return report
    }

    // 2. Connection.
    const target: ConnectionTarget = parseDatabaseUrl(settings.databaseUrl)
    report.target = target.display
    const connectOpts = {
      connectTimeoutMs: settings.connectTimeoutMs,
      onRetry: (attempt: number, reason: string) => log.info(`waiting for ${target.display} (attempt ${attempt}): ${reason}`)
    }
    client = await connect(target, connectOpts)
    report.serverVersion = (await serverVersion(client)).text

    // 3. The lock, then history (created under the lock, so concurrent first runs never race).
    if (settings.mode === 'apply') {
      lockClient = await connect(target, connectOpts)
      let lockLost = false
      lockClient.on('error', () => (lockLost = true))
      lockClient.on('end', () => (lockLost = true))
      await acquireRunLock(lockClient, key, settings.lockWaitMs, (holders) =>
        log.info(`waiting up to ${Math.round(settings.lockWaitMs / 1000)}s for another runner (pid ${holders.map((h) => h.pid).join(', ') || '?'}) to finish`)
      )
      holdingLock = true
      await ensureHistoryTable(client, settings.historySchema)
      const history = await readHistory(client, settings.historySchema)
      const p = plan(found.migrations, history, settings)
      fillFromPlan(report, p)
      if (p.summary.refusals.length) {
        report.status = 'blocked'
        report.nextStep = 'Nothing was changed. Resolve the refusals above (or set the named allow-* input), then rerun.'
        return report
      }
      await applyAll(report, p, settings, ctx, client, () => cancelled, () => lockLost)
    } else {
      const history = await readHistory(client, settings.historySchema)
      const p = plan(found.migrations, history, settings)
      fillFromPlan(report, p)
      const runs = p.toRun.map((r) => r.migration.identity)
      if (p.summary.refusals.length) {
        report.status = 'blocked'
        report.nextStep = 'apply would refuse to run: resolve the refusals above (or set the named allow-* input).'
      } else if (runs.length) {
        report.status = 'success'
        report.nextStep = `apply would run ${runs.length} migration${runs.length === 1 ? '' : 's'}, in this order: ${runs.join(', ')}.`
      } else {
        report.status = 'nothing-to-do'
        report.nextStep = `Nothing to apply: all ${found.migrations.length} migrations are recorded in ${report.historyTable}.`
      }
    }
    return report
  } catch (e) {
    report.error = toMappedError(e)
    report.status = e instanceof LockNotAcquired ? 'blocked' : 'failed'
    report.nextStep = report.error.next
    return report
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort)
    if (holdingLock && lockClient) await releaseRunLock(lockClient, key).catch(() => {})
    await lockClient?.end().catch(() => {})
    await client?.end().catch(() => {})
    report.durationMs = Math.round(performance.now() - t0)
  }
}

function fillFromPlan(report: RunReport, p: Plan): void {
  report.plan = p.summary
  report.migrations = p.results
  report.pending = p.toRun.map((r) => r.migration.identity)
}

async function applyAll(
  report: RunReport,
  p: Plan,
  settings: Settings,
  ctx: RunContext,
  client: pg.Client,
  isCancelled: () => boolean,
  isLockLost: () => boolean
): Promise<void> {
  const log = ctx.logger
  const total = p.toRun.length
  const byIdentity = new Map(report.migrations.map((r) => [r.identity, r]))
  const exec = {
    client,
    historySchema: settings.historySchema,
    lockTimeoutMs: settings.lockTimeoutMs,
    lockRetries: settings.lockRetries,
    statementTimeoutMs: settings.statementTimeoutMs,
    sessionSql: sessionSettingsSql(),
    meta: ctx.meta ?? {},
    isCancelled,
    onRetry: (attempt: number, delay: number, reason: string) =>
      log.warn(`lock timeout (${reason}); retry ${attempt} of ${settings.lockRetries} in ${(delay / 1000).toFixed(1)}s`)
  }
  let failed: MigrationResult | undefined
  for (const [k, run] of p.toRun.entries()) {
    const result = byIdentity.get(run.migration.identity) as MigrationResult
    if (failed || isCancelled()) {
      result.status = 'skipped'
      continue
    }
    if (isLockLost()) {
      failed = result
      result.status = 'skipped'
      report.error = { message: 'lost the lock connection: another runner may now start', next: 'Nothing more was run after the lock was lost. Rerun pgshift: it resumes at the first unapplied migration.' }
      continue
    }
    const outcome = await log.group(`[${k + 1}/${total}] ${run.migration.identity}`, async () => {
      const o = await executeMigration(exec, run)
      log.info(`${o.ok ? 'applied' : 'FAILED'} in ${Math.round(o.durationMs)} ms${o.retries ? ` after ${o.retries} lock-timeout retries` : ''}`)
      return o
    })
    result.durationMs = Math.round(outcome.durationMs)
    if (outcome.retries) result.retries = outcome.retries
    if (outcome.ok) {
      result.status = 'applied'
      result.statementsDone = undefined
      report.applied.push(run.migration.identity)
    } else {
      failed = result
      result.status = outcome.statementsDone ? 'partial' : 'failed'
      result.statementsDone = outcome.statementsDone
      result.leftovers = outcome.leftovers
      result.error = outcome.error
      if (isCancelled() && result.error) result.error.next = `The run was cancelled; ${result.error.next}`
    }
  }
  report.pending = p.toRun.map((r) => r.migration.identity).filter((id) => !report.applied.includes(id))
  const n = report.applied.length
  if (failed) {
    report.status = 'failed'
    const kept = n ? ` The ${n} migration${n === 1 ? '' : 's'} before it stay applied and recorded.` : ''
    report.nextStep = `${failed.error?.next ?? report.error?.next ?? 'Fix the cause and rerun.'}${kept}`
  } else if (n) {
    report.status = 'success'
    report.nextStep = `A rerun applies nothing: all migrations are recorded in ${report.historyTable}.`
  } else {
    report.status = 'nothing-to-do'
    report.nextStep = `Nothing to apply: all migrations are recorded in ${report.historyTable}.`
  }
}
