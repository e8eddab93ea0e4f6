// verify (DESIGN 12): is the database what the files say? Read-only: it never
// takes the run lock, never creates the history table, and runs every query of
// its own on the target inside a READ ONLY transaction that it rolls back.
//
// 1. Files against history (the pure plan): one check per file and per history
//    row without a file. Applied and matching passes; drifted, missing, out of
//    order, pending, partial and changed repeatables fail (allow-drift and
//    allow-missing accept drift and missing files, as they do for apply).
// 2. Verify scripts of the applied migrations (see ../verify-scripts.ts).
// 3. With expected-database-url: apply the files to that empty database, snapshot
//    both, and report every difference (e.g. a hand-made change in production).
import type pg from 'pg'
import { historyTableName } from '../../db/history.js'
import { SUPABASE_SCHEMA } from '../../db/supabase-history.js'
import { parseDatabaseUrl, type ConnectionTarget } from '../../db/url.js'
import { diffSnapshots } from '../../inspect/diff.js'
import { takeSnapshot } from '../../inspect/snapshot.js'
import { registerDatabaseUrl } from '../../report/redact.js'
import type { Migration } from '../../source/types.js'
import { fillFromPlan } from '../plan-report.js'
import { plan } from '../plan.js'
import type { MigrationResult, RunReport, SchemaDifference, VerifyCheck } from '../report.js'
import { progressText, type RunLogger } from '../run.js'
import { runVerifyScript } from '../verify-scripts.js'
import type { ModeContext } from './context.js'

/** statement_timeout for verify queries when statement-timeout is 0 (none): CI must not hang on one. */
export const DEFAULT_VERIFY_STATEMENT_TIMEOUT_MS = 60_000

export const SCHEMA_DIFF_TITLE = 'live database vs the schema the files build'

/** Statuses of a file whose migration is recorded as applied: its verify script runs. */
const APPLIED: ReadonlySet<MigrationResult['status']> = new Set(['already-applied', 'drifted', 'changed'])

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`

/** Files against history: one check per plan row. */
export function historyChecks(results: MigrationResult[], opts: { allowDrift: boolean; allowMissing: boolean }): VerifyCheck[] {
  return results.map((r): VerifyCheck => {
    const c = { subject: r.identity, file: r.file }
    const note = r.note ? ` (${r.note})` : ''
    switch (r.status) {
      case 'already-applied':
        return { ...c, ok: true, message: `applied${r.appliedAt ? ` at ${r.appliedAt}` : ''}; the file matches history` }
      case 'drifted':
        return opts.allowDrift
          ? { ...c, ok: true, message: `edited since it was applied${note}; accepted by allow-drift` }
          : { ...c, ok: false, message: `drift: the file was edited after it was applied${note}` }
      case 'missing':
        return opts.allowMissing
          ? { ...c, ok: true, message: `recorded in history (from ${r.file}) but no file has this name${note}; accepted by allow-missing` }
          : { ...c, ok: false, message: `missing: recorded in history${r.appliedAt ? ` (applied at ${r.appliedAt})` : ''} from ${r.file}, but no file has this name${note}` }
      case 'out-of-order':
        return { ...c, ok: false, message: `out of order: not applied, and it sorts before the newest applied migration${note}` }
      case 'partial':
        return { ...c, ok: false, message: `partial: an earlier run stopped after statement ${r.statementsDone ?? 0} of ${r.statements}${note}` }
      case 'changed':
        return { ...c, ok: false, message: `changed: this repeatable migration was edited since it last ran; apply runs it again` }
      default:
        return { ...c, ok: false, message: `pending: not applied yet${note}` }
    }
  })
}

function differenceMessage(d: SchemaDifference): string {
  switch (d.change) {
    case 'added':
      return `${d.object}: in the live database, but the files do not create it${d.detail ? ` (${d.detail})` : ''}`
    case 'removed':
      return `${d.object}: the files create it, but the live database does not have it${d.detail ? ` (${d.detail})` : ''}`
    default:
      return `${d.object}: differs from what the files build${d.detail ? `: ${d.detail}` : ''}`
  }
}

/** Prefixes the expected-database build's log lines, without opening a log group (groups do not nest). */
function expectedLogger(log: RunLogger): RunLogger {
  const p = (m: string) => `expected schema: ${m}`
  return {
    info: (m) => log.info(p(m)),
    warn: (m) => log.warn(p(m)),
    group: async (title, fn) => {
      log.info(p(title))
      return fn()
    },
    progress: (x) => log.info(p(`[${x.index}/${x.total}] ${x.title} ${progressText(x)}`))
  }
}

/** Which database a connection is on, as far as a read-only role can tell (same server and name = same database). */
async function databaseIdentity(client: pg.Client): Promise<string> {
  const r = await client.query<{ id: string }>(`SELECT current_database() || '@' || pg_postmaster_start_time()::text AS id`)
  return r.rows[0]?.id ?? ''
}

/** Snapshot inside a REPEATABLE READ, READ ONLY transaction: consistent, and it cannot write. */
async function readOnlySnapshot(client: pg.Client, excludeSchemas: string[]) {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
  try {
    return await takeSnapshot(client, { excludeSchemas })
  } finally {
    await client.query('ROLLBACK').catch(() => {})
  }
}

/** 3. The live schema against the schema the files build on expected-database-url. */
async function compareWithExpected(ctx: ModeContext, expectedUrl: string): Promise<VerifyCheck[]> {
  const { settings, log, report } = ctx
  const fail = (message: string, extra: Partial<VerifyCheck> = {}): VerifyCheck[] => [{ subject: 'schema', ok: false, message, ...extra }]
  registerDatabaseUrl(expectedUrl)
  let target: ConnectionTarget
  try {
    target = parseDatabaseUrl(expectedUrl)
  } catch (e) {
    return fail(`expected-database-url: ${(e as Error).message}`)
  }
  if (target.display === ctx.target.display) {
    return fail(`expected-database-url points at the database being verified (${target.display}); it must be a separate, empty database. Nothing was applied.`)
  }

  let expected: pg.Client | undefined
  try {
    expected = await ctx.connect(target)
    // Guards: verify must never apply migrations to a real database.
    if ((await databaseIdentity(expected)) === (await databaseIdentity(ctx.client))) {
      return fail(`expected-database-url (${target.display}) reaches the database being verified; it must be a separate, empty database. Nothing was applied.`)
    }
    const { historySchema } = settings
    const state = await expected.query<{ history: string | null; relations: string }>(
      `SELECT to_regclass($1) AS history,
              (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S'))::text AS relations`,
      [historyTableName(historySchema)]
    )
    const s = state.rows[0]
    const relations = Number(s?.relations ?? 0)
    if (s?.history || relations > 0) {
      const holds = [s?.history ? `a pgshift history table (${s.history})` : '', relations > 0 ? `${plural(relations, 'relation')} in schema public` : '']
        .filter(Boolean)
        .join(' and ')
      return fail(
        `expected-database-url (${target.display}) must point to an empty database, but it holds ${holds}. Nothing was applied to it: use a fresh database (e.g. a services: postgres container), or drop and recreate this one.`
      )
    }

    // Build the expected schema with the engine itself (a dynamic import: run.ts imports this module).
    log.info(`expected schema: applying the files to ${target.display}`)
    const { runPgshift } = await import('../run.js')
    const built = await runPgshift(
      { ...settings, mode: 'apply', databaseUrl: expectedUrl, expectedDatabaseUrl: undefined, testRollback: false, dryRun: false },
      { logger: expectedLogger(log), meta: ctx.run.meta, signal: ctx.run.signal }
    )
    if (built.status !== 'success' && built.status !== 'nothing-to-do') {
      const failed = built.migrations.find((m) => m.error)
      const error = failed?.error ?? built.error
      const where = error?.file ? `${error.file}${error.position ? `:${error.position.line}:${error.position.col}` : ''}` : failed?.file
      return fail(
        `building the expected schema on ${target.display} failed${where ? ` at ${where}` : ''}: ${error?.sqlstate ? `${error.sqlstate} ` : ''}${error?.message ?? built.nextStep}`,
        { file: error?.file ?? failed?.file, line: error?.position?.line, error }
      )
    }

    // Bookkeeping, not schema: pgshift's history and the Supabase CLI's.
    const exclude = [historySchema, SUPABASE_SCHEMA]
    const want = await readOnlySnapshot(expected, exclude)
    const live = await readOnlySnapshot(ctx.client, exclude)
    const differences = diffSnapshots(want, live)
    report.schemaDiff = [...(report.schemaDiff ?? []), { title: SCHEMA_DIFF_TITLE, differences }]
    if (!differences.length) {
      return [
        {
          subject: 'schema',
          ok: true,
          message: `the live schema matches the schema ${plural(built.applied.length, 'migration')} build on ${target.display} (${historySchema} excluded)`
        }
      ]
    }
    return differences.map((d) => ({ subject: 'schema', ok: false, message: differenceMessage(d) }))
  } catch (e) {
    const err = e as { message?: string; code?: string }
    return fail(`comparing with the expected schema on ${target.display} failed: ${err.code && /^[0-9A-Z]{5}$/.test(err.code) ? `${err.code} ` : ''}${err.message ?? String(e)}`)
  } finally {
    await expected?.end().catch(() => {})
  }
}

function nextStepFor(report: RunReport, checks: VerifyCheck[], scriptChecks: ReadonlySet<VerifyCheck>): string {
  const failed = checks.filter((c) => !c.ok)
  if (!failed.length) {
    return `All ${plural(checks.length, 'check')} passed (${plural(scriptChecks.size, 'verify script')}${report.schemaDiff ? ', schema comparison' : ''}). verify changed nothing.`
  }
  const ids = (status: MigrationResult['status'][]) => report.migrations.filter((m) => status.includes(m.status)).map((m) => m.identity)
  const failedIds = new Set(failed.filter((c) => !scriptChecks.has(c)).map((c) => c.subject))
  const pick = (status: MigrationResult['status'][]) => ids(status).filter((id) => failedIds.has(id))
  const parts: string[] = []
  const drifted = pick(['drifted'])
  if (drifted.length) parts.push(`Edited after they were applied: ${drifted.join(', ')}. Revert the edits and put the change in a new migration, or accept them with allow-drift: true.`)
  const missing = pick(['missing'])
  if (missing.length) parts.push(`In history without a file: ${missing.join(', ')}. Restore the files (a rename counts as delete + new file), or accept with allow-missing: true.`)
  const notApplied = pick(['pending', 'out-of-order', 'changed', 'partial'])
  if (notApplied.length) parts.push(`Not applied: ${notApplied.join(', ')}. Run mode apply (mode plan shows what it would run).`)
  const scripts = failed.filter((c) => scriptChecks.has(c))
  if (scripts.length) {
    parts.push(
      `Verify scripts failed: ${scripts.map((c) => `${c.file}:${c.line ?? 1}`).join(', ')}. Each check says which statement and row; fix the database, or the script if it is wrong.`
    )
  }
  const schema = failed.filter((c) => c.subject === 'schema')
  const nDiff = report.schemaDiff?.reduce((n, d) => n + d.differences.length, 0) ?? 0
  if (nDiff) {
    parts.push(
      `The live schema differs from the schema the files build (${plural(nDiff, 'difference')}): a hand-made change in production? Write a migration that makes it, or revert it by hand.`
    )
  } else if (schema.length) {
    parts.push(`The schema comparison could not run: ${schema[0]?.message}`)
  }
  const other = failed.filter((c) => c.subject === 'verify')
  if (other.length) parts.push(other.map((c) => c.message).join(' '))
  return `${plural(failed.length, 'check')} of ${checks.length} failed. ${parts.join(' ')} verify changed nothing.`
}

export async function verifyMode(ctx: ModeContext): Promise<void> {
  const { report, settings, found, log } = ctx
  const checks: VerifyCheck[] = []
  const scriptChecks = new Set<VerifyCheck>()
  report.checks = checks

  // 1. Files against history.
  const p = plan(found.migrations, ctx.history, settings)
  fillFromPlan(report, p)
  report.pending = report.migrations.filter((m) => ['pending', 'out-of-order', 'changed', 'partial'].includes(m.status)).map((m) => m.identity)
  for (const c of historyChecks(report.migrations, settings)) {
    checks.push(c)
    if (!c.ok) log.warn(`${c.subject}: ${c.message}`)
  }
  // The Supabase CLI's history must agree too: a file pgshift applied without the CLI's row is one `supabase db push` would run again.
  for (const m of ctx.supabase?.backfill ?? []) {
    const c: VerifyCheck = { subject: 'verify', file: m.up.source.file, ok: false, message: `${m.identity} is recorded in ${report.historyTable} but not in supabase_migrations.schema_migrations, so \`supabase db push\` would run it again: run pgshift in mode apply to write the Supabase CLI's row.` }
    checks.push(c)
    log.warn(c.message)
  }
  const ok = checks.filter((c) => c.ok).length
  log.info(`files against ${report.historyTable}: ${ok} of ${checks.length} match`)

  // 2. Verify scripts of the applied migrations.
  const byIdentity = new Map(found.migrations.map((m) => [m.identity, m]))
  const withScript = report.migrations.filter((r) => APPLIED.has(r.status) && byIdentity.get(r.identity)?.verify)
  const opts = {
    statementTimeoutMs: settings.statementTimeoutMs > 0 ? settings.statementTimeoutMs : DEFAULT_VERIFY_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: settings.lockTimeoutMs
  }
  for (const [k, r] of withScript.entries()) {
    if (ctx.isCancelled()) {
      checks.push({ subject: 'verify', ok: false, message: `cancelled before ${plural(withScript.length - k, 'verify script')} ran` })
      break
    }
    const m = byIdentity.get(r.identity) as Migration
    const started = performance.now()
    const c = await runVerifyScript(ctx.client, m, m.verify!, opts)
    checks.push(c)
    scriptChecks.add(c)
    const line = `[${k + 1}/${withScript.length}] ${m.identity}: ${c.ok ? 'ok' : 'FAILED'} in ${Math.round(performance.now() - started)} ms${c.ok ? '' : ` - ${c.message}`}`
    if (c.ok) log.info(line)
    else log.warn(line)
  }
  const applied = report.migrations.filter((r) => APPLIED.has(r.status)).length
  log.info(`verify scripts: ${withScript.length} of ${plural(applied, 'applied migration')} have one`)

  // 3. The expected schema.
  if (settings.expectedDatabaseUrl && !ctx.isCancelled()) {
    const schemaChecks = await compareWithExpected(ctx, settings.expectedDatabaseUrl)
    checks.push(...schemaChecks)
    for (const c of schemaChecks) {
      if (c.ok) log.info(`schema: ${c.message}`)
      else log.warn(`schema: ${c.message}`)
    }
  }

  // 4. The outcome.
  report.status = checks.every((c) => c.ok) ? 'success' : 'failed'
  report.nextStep = nextStepFor(report, checks, scriptChecks)
}
