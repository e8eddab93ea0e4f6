// The engine's entry point, shared by the action and the CLI: settings in, one
// RunReport out. It never throws for a failed run: every failure becomes a status
// and an error in the report (the kysely "never throws" shape), so every renderer
// sees the same facts.
import { ephemeralReason } from '../backup/policy.js'
import type pg from 'pg'
import { escapeIdentifier } from 'pg'
import { backendPid, cancelBackend, connect, readOnlyReason, serverVersion, tlsEnvironmentWarnings } from '../db/connect.js'
import { historyTableName, readHistory } from '../db/history.js'
import { acquireRunLock, lockKey, LockNotAcquired, releaseRunLock, seconds, type RunLock } from '../db/lock.js'
import { lockConnectionMoved, refuseTransactionPooler } from '../db/pooler.js'
import { parseDatabaseUrl, supabaseNetworkWarnings, transactionPoolerError, type ConnectionTarget } from '../db/url.js'
import { engineSettings, type EngineSettings, type Settings } from '../settings.js'
import { discover } from '../source/discover.js'
import { discoverPreludes, splitPreludeRows } from '../source/preludes.js'
import { ensureParser } from '../source/parser.js'
import type { DiscoveryResult } from '../source/types.js'
import { VERSION } from '../version.js'
import { applyMode } from './modes/apply.js'
import { LOCKING_MODES, type ModeContext } from './modes/context.js'
import { planMode } from './modes/plan.js'
import { parseEverything, parseWhatMayRun, refusedForSourceProblems, settleDownProblems } from './parse-needed.js'
import { baseResult } from './plan.js'
import { historyStep } from './steps/ensure-history.js'
import { parsePendingPreludes } from './steps/preludes.js'
import { ShimError, supabaseStep } from './steps/supabase-shim.js'
import { loadBase, type PullRequestContext } from './steps/load-base.js'
import { markOrigins, type PrSplit } from './pr-split.js'
import { conventionLine, type MappedError, type Mode, type RunReport } from './report.js'
import { loadSupabaseHistory, mergedHistory, supabaseHistoryReason, type SupabaseHistory } from './supabase-history.js'

/** `SET search_path TO "a", "b"` for the search-path input; undefined when it is empty. */
export function searchPathSql(schemas: readonly string[]): string | undefined {
  return schemas.length ? `SET search_path TO ${schemas.map((s) => escapeIdentifier(s)).join(', ')}` : undefined
}

/**
 * Each mode fills the report from a prepared session. plan and apply (a deploy with
 * nothing to do is one of them) are in the main chunk; the others are loaded by the run
 * that uses them, so a deploy does not compile them (docs/BENCHMARKS.md, issue 17).
 */
const MODES: Record<Mode, (ctx: ModeContext) => Promise<void>> = {
  plan: planMode,
  apply: applyMode,
  'dry-run': async (ctx) => (await import('./modes/dry-run.js')).dryRunMode(ctx),
  verify: async (ctx) => (await import('./modes/verify.js')).verifyMode(ctx),
  rollback: async (ctx) => (await import('./modes/rollback.js')).rollbackMode(ctx)
}

export interface RunLogger {
  info(message: string): void
  /**
   * `reported`: the same message is in report.warnings, which the action annotates;
   * the action then logs it as plain text, so one finding is one ::warning.
   */
  warn(message: string, opts?: { reported?: boolean }): void
  /** Runs `fn` inside a collapsible log group (the action) or under a heading line (the CLI). */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>
  /**
   * Each migration (or down) as it ends, inside its group: the action logs it in the
   * group, the CLI completes the group's line: `[3/40] 003_x applied in 120 ms (elapsed 4.2 s)`.
   */
  progress(p: Progress): void
  /** A long migration's "still running" line (src/engine/heartbeat.ts); info when absent. */
  heartbeat?(message: string): void
}

/** `applied in 120 ms (elapsed 4.2 s)`. */
export function progressText(p: Progress): string {
  return `${p.verb} in ${Math.round(p.durationMs)} ms (elapsed ${(p.elapsedMs / 1000).toFixed(1)} s)`
}

export interface Progress {
  /** 1-based. */
  index: number
  total: number
  /** The migration's identity. */
  title: string
  ok: boolean
  /** 'applied', 'rolled back', 'FAILED'. */
  verb: string
  durationMs: number
  /** Since the first migration of this run started. */
  elapsedMs: number
}

export interface RunContext {
  logger: RunLogger
  /** Who and what triggered the run, recorded in history (GitHub fills these). */
  meta?: { actor?: string; runUrl?: string; commitSha?: string }
  /** Aborted on SIGINT/SIGTERM: the running statement is cancelled on the server and rolled back. */
  signal?: AbortSignal
  /** The pull request under check (the action fills it from the event): the base commit, the PR files API. */
  pr?: PullRequestContext
}

/** An empty report for `settings`; a run (or a refusal before one) fills it. */
export function newReport(settings: EngineSettings): RunReport {
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
  if (e instanceof ShimError) return e.mapped
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

/** Which runs need a down script before the mode starts: test-rollback runs the downs of what it applies (a rollback decides later, for its range). */
const needsDownOf = (settings: Settings) => (settings.mode === 'apply' && settings.testRollback ? () => true : () => false)

export async function runPgshift(input: Readonly<Settings>, ctx: RunContext): Promise<RunReport> {
  // The fleet modes run in src/fleet/ (which calls this for each target); they never get here.
  const settings = engineSettings(input)
  const t0 = performance.now()
  const report = newReport(settings)
  const log = ctx.logger
  const opened: pg.Client[] = []
  let client: pg.Client | undefined
  let lockClient: pg.Client | undefined
  let earlyLock: Promise<pg.Client | undefined> | undefined
  let holdingLock = false
  let lockLost = false
  let runLock: RunLock | undefined
  const key = lockKey(settings.historySchema)
  let cancelled = false
  let found: DiscoveryResult | undefined
  let parsed = false
  let modeCtx: ModeContext | undefined
  const onAbort = () => {
    cancelled = true
    log.warn('Cancel requested: cancelling the running statement on the server; the current migration rolls back.')
    // The backend pid read at connect: behind a pooler, the protocol's process id is the pooler's.
    // A mode may have replaced the migration connection (after a lost one): cancel on the current one.
    const current = modeCtx?.client ?? client
    const pid = current ? backendPid(current) : undefined
    if (lockClient && pid !== undefined) void cancelBackend(lockClient, pid).catch(() => {})
  }
  ctx.signal?.addEventListener('abort', onAbort, { once: true })

  try {
    // 1. Source: names, encodings, duplicates and pairing are checked before connecting.
    // Files are read and hashed here; they are parsed once history says which may run (step 4).
    found = await discover({ workspace: settings.workspace, dir: settings.migrationsDir, convention: settings.convention, parse: 'lazy' })
    report.migrationsDir = found.dir
    report.convention = found.convention
    report.conventionNote = found.conventionNote
    // The same array as discovery's: parsing adds to it later (e.g. an empty down file).
    report.warnings = found.warnings
    report.warnings.push(...tlsEnvironmentWarnings().map((message) => ({ file: '', message })))
    report.problems = found.problems
    // Preludes (DESIGN 5): read and hashed now; their problems refuse the run like a migration's.
    const preludes = await discoverPreludes(settings.workspace, settings.preludeDirs, found.problems)
    if (settings.preludeDirs.length) found.preludes = preludes.preludes
    found.warnings.push(...preludes.warnings)
    // Worded as the report's `migrations:` line, not discovery's raw note (`auto: detected …`).
    log.info(`migrations: ${found.dir} (${conventionLine(found.convention, found.conventionNote)}): ${found.migrations.length} migration${found.migrations.length === 1 ? '' : 's'}`)
    // What the files say, before anything can fail: a connection or lock failure still lists them.
    report.migrations = found.migrations.map((m) => baseResult(m))
    report.pending = found.migrations.map((m) => m.identity)
    if (found.problems.length) {
      // All source problems in one pass: the syntax errors of every file join the naming,
      // pairing and duplicate problems, so fixing these reveals no new batch.
      await parseEverything(found)
      settleDownProblems(report, found, needsDownOf(settings))
    }
    if (found.problems.length) {
      report.nextStep = `Nothing was sent to the database. Fix the ${found.problems.length === 1 ? 'problem' : `${found.problems.length} problems`} above, then rerun.`
      return report
    }

    // 1b. The PR check's base (issue 15): the base's migrations and the PR's own, and
    // what the PR gets wrong about history, before connecting.
    const base = await loadBase(settings, found, ctx.pr, log)
    report.warnings.push(...base.warnings)
    const pr: PrSplit | undefined = base.split
    if (pr) {
      markOrigins(report, pr)
      report.prCheck = {
        base: pr.sha,
        from: pr.how,
        database: 'ephemeral',
        prMigrations: pr.pr.map((m) => m.identity),
        basePhase: { total: pr.base.length, ran: 0, alreadyApplied: 0, durationMs: 0 }
      }
    }
    if (base.problems.length) {
      report.problems.push(...base.problems)
      report.nextStep = `Nothing was sent to the database. Fix the ${base.problems.length === 1 ? 'problem' : `${base.problems.length} problems`} above, then rerun.`
      return report
    }

    // 2. Connection.
    const target: ConnectionTarget = parseDatabaseUrl(settings.databaseUrl)
    report.target = target.display
    const ephemeral = ephemeralReason(settings, target)
    report.database = ephemeral ? { kind: 'ephemeral', reason: ephemeral } : { kind: 'kept' }
    for (const message of supabaseNetworkWarnings(target)) {
      report.warnings.push({ file: '', message })
      log.warn(message, { reported: true })
    }
    const pathSql = searchPathSql(settings.searchPath)
    const open = async (t: ConnectionTarget = target) => {
      const c = await connect(t, {
        connectTimeoutMs: settings.connectTimeoutMs,
        signal: ctx.signal,
        onRetry: (attempt: number, reason: string) => log.info(`waiting for ${t.display} (attempt ${attempt}): ${reason}`)
      })
      opened.push(c)
      // A tenant schema's run (src/fleet/schemas.ts): its objects resolve in that schema.
      if (pathSql) await c.query(pathSql)
      return c
    }
    // A mode that takes the run lock needs a second connection: it is opened alongside the
    // first (one connect's latency instead of two: startup, TLS, SCRAM are several round
    // trips each). One attempt, no retry messages; if it fails, it is opened again below
    // once the first connection is up (which did the waiting and reports any failure).
    if (LOCKING_MODES.includes(settings.mode)) {
      earlyLock = connect(target, { connectTimeoutMs: 0, signal: ctx.signal }).then(
        async (c) => {
          if (!pathSql) return c
          try {
            await c.query(pathSql)
            return c
          } catch {
            await c.end().catch(() => {})
            return undefined
          }
        },
        () => undefined
      )
    }
    client = await open()
    report.serverVersion = (await serverVersion(client)).text

    // 3. The lock, then history.
    if (LOCKING_MODES.includes(settings.mode)) {
      const early = await earlyLock
      if (early) opened.push(early)
      const readOnly = await readOnlyReason(client)
      if (readOnly) throw readOnly
      lockClient = early ?? (await open())
      lockClient.on('error', () => (lockLost = true))
      lockClient.on('end', () => (lockLost = true))
      // Before the lock: a transaction pooler on any port or URL is refused (db/pooler.ts).
      await refuseTransactionPooler(target, client, lockClient)
      runLock = await acquireRunLock(
        lockClient,
        key,
        settings.lockWaitMs,
        (holders) => log.info(`waiting up to ${seconds(settings.lockWaitMs)} for another runner (pid ${holders.map((h) => h.pid).join(', ') || '?'}) to finish`),
        () => cancelled
      )
      holdingLock = true
      // The lock statement's backend must be the lock connection's own (db/pooler.ts).
      const moved = lockConnectionMoved(lockClient, runLock.holderPid)
      if (moved) throw transactionPoolerError(target, `${moved}, which only a transaction-mode pooler does`)
    }
    // Prelude rows are kept apart: no mode ever counts them as migrations (pending, missing, rolled back).
    const rows = splitPreludeRows(await historyStep(() => readHistory(client as pg.Client, settings.historySchema), settings.historySchema))
    let history = rows.migrations
    // The PR check's heading names the database: one whose history was empty before this run is a throwaway.
    if (report.prCheck && history.length) report.prCheck.database = 'kept'

    // The Supabase CLI's history (DESIGN 8): its versions count as applied.
    let supabase: SupabaseHistory | undefined
    const reason = await supabaseHistoryReason(settings, found, client)
    if (reason) {
      // Adopting the CLI's rows compares statements: the files it names are parsed.
      await ensureParser()
      supabase = await loadSupabaseHistory(reason, client, found, history)
      history = mergedHistory(history, supabase)
      report.warnings.push(...supabase.warnings)
      report.supabaseHistory = { reason, table: 'supabase_migrations.schema_migrations', adopted: supabase.adopted.map((m) => m.identity), backfilled: supabase.backfill.map((m) => m.identity) }
      log.info(`Supabase CLI history kept (${reason}): ${supabase.rows.length} rows, ${supabase.adopted.length} adopted`)
    }

    // 4. Parse what may run; a syntax error refuses the run before anything changes.
    await parseWhatMayRun(found, history, settings.mode, settings.testRollback)
    await parsePendingPreludes(found, rows.preludes, settings.mode)
    parsed = true
    if (refusedForSourceProblems(report, found, needsDownOf(settings))) return report

    // 5. Supabase: extensions the server lacks, and supabase-shim (steps/supabase-shim.ts).
    const shim = await supabaseStep(client, settings, found, history, report, log)
    if (!shim) return report

    // 6. The mode.
    modeCtx = {
      settings,
      run: ctx,
      log,
      report,
      found,
      target,
      client,
      history,
      preludeHistory: rows.preludes,
      historyTableExists: rows.migrations.length + rows.preludes.length > 0,
      supabase,
      connect: open,
      isCancelled: () => cancelled,
      isLockLost: () => lockLost,
      runLock,
      // Re-run after each migration's RESET ALL; the search-path input comes last, so it wins.
      sessionSql: [shim.sessionSql, pathSql].filter(Boolean).join(';') || undefined,
      previewSetupSql: shim.previewSql,
      pr
    }
    await MODES[settings.mode](modeCtx)
    return report
  } catch (e) {
    // Failed before history said what may run (no connection, no lock): parse every file,
    // so the report still names the syntax errors the fix will have to deal with too.
    if (found && !parsed) {
      await parseEverything(found).catch(() => {})
      settleDownProblems(report, found, needsDownOf(settings))
    }
    report.error = toMappedError(e)
    report.status = e instanceof LockNotAcquired ? 'blocked' : 'failed'
    report.nextStep = report.error.next
    return report
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort)
    if (holdingLock && lockClient) await releaseRunLock(lockClient).catch(() => {})
    // The early lock connection of a run that failed before using it.
    const early = await earlyLock
    if (early && !opened.includes(early)) opened.push(early)
    for (const c of opened.reverse()) await c.end().catch(() => {})
    report.durationMs = Math.round(performance.now() - t0)
  }
}
