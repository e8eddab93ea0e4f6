// Runs one migration (DESIGN 2, 3, 6). Two ways:
// - transaction: one simple-query message carries BEGIN, the SET LOCAL timeouts,
//   the file, the history upsert and COMMIT. One round trip per migration, and the
//   history row commits with the schema change or not at all.
// - statements: one statement at a time in autocommit (CONCURRENTLY, VACUUM,
//   directives, BEGIN ... COMMIT blocks), with progress written to history after
//   each committed statement, so a failure midway is recorded precisely.
import type pg from 'pg'
import { escapeIdentifier } from 'pg'
import type { HistoryWrite } from '../db/history.js'
import { historyTableName, upsertHistorySql } from '../db/history.js'
import { isPgError, mapRunError, type SentTextOrigin } from '../db/errors.js'
import type { Migration, Statement } from '../source/types.js'
import { doneHash, type PlannedRun } from './plan.js'
import type { MappedError } from './report.js'

export interface ExecContext {
  client: pg.Client
  historySchema: string
  lockTimeoutMs: number
  lockRetries: number
  /** 0 = none. */
  statementTimeoutMs: number
  /** SQL that restores our session settings after RESET ALL. */
  sessionSql: string
  meta: { actor?: string; runUrl?: string; commitSha?: string }
  isCancelled: () => boolean
  onRetry?: (attempt: number, delayMs: number, reason: string) => void
}

export interface ExecOutcome {
  ok: boolean
  durationMs: number
  retries: number
  error?: MappedError
  /** Statement-by-statement files: statements committed when the run stopped. */
  statementsDone?: number
  leftovers?: string[]
  /** The connection is unusable (terminated, lost): the run must stop. */
  connectionLost?: boolean
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Exponential backoff with jitter for lock-timeout retries: 1 s, 2 s, 4 s ... capped at 30 s. */
export function retryDelayMs(attempt: number): number {
  const base = Math.min(1000 * 2 ** (attempt - 1), 30_000)
  return base + Math.floor(Math.random() * base * 0.25)
}

function historyWrite(m: Migration, ctx: ExecContext, extra: Partial<HistoryWrite>): HistoryWrite {
  return {
    identity: m.identity,
    version: m.version,
    name: m.name,
    kind: m.kind,
    script: m.up.source.file,
    checksum: m.checksum,
    durationMs: null,
    statements: m.up.statements.filter((s) => !s.strippedWrapper).length,
    status: 'applied',
    ...ctx.meta,
    ...extra
  }
}

const resetSql = (ctx: ExecContext) => `RESET ALL;RESET ROLE;${ctx.sessionSql}`

/** Counts CommandComplete messages during one query: tells which statement of a multi-statement message failed. */
async function queryCountingStatements(client: pg.Client, sql: string): Promise<{ error?: unknown; completed: number }> {
  const connection = (client as unknown as { connection: NodeJS.EventEmitter }).connection
  let completed = 0
  const onComplete = () => {
    completed++
  }
  connection.on('commandComplete', onComplete)
  try {
    await client.query(sql)
    return { completed }
  } catch (error) {
    return { error, completed }
  } finally {
    connection.off('commandComplete', onComplete)
  }
}

function isConnectionError(err: unknown): boolean {
  if (isPgError(err)) return ['57P01', '57P02', '57P03', '08006', '08003', '08000'].includes(err.code as string)
  return true // not a server error at all: the socket broke
}

async function tryQuery(client: pg.Client, sql: string): Promise<void> {
  try {
    await client.query(sql)
  } catch {
    // best effort: the caller reports the original error
  }
}

export async function executeMigration(ctx: ExecContext, run: PlannedRun): Promise<ExecOutcome> {
  return run.migration.up.runMode === 'transaction' ? runInTransaction(ctx, run.migration) : runStatements(ctx, run)
}

async function runInTransaction(ctx: ExecContext, m: Migration): Promise<ExecOutcome> {
  const script = m.up
  const sent = script.statements.filter((s) => !s.strippedWrapper)
  const prefix = `BEGIN;SET LOCAL lock_timeout = ${ctx.lockTimeoutMs};SET LOCAL statement_timeout = ${ctx.statementTimeoutMs};\n`
  const prefixStatements = 3
  // The newline ends a trailing `--` comment; the semicolon ends a last statement written without one.
  const suffix = `\n;${upsertHistorySql(ctx.historySchema, historyWrite(m, ctx, {}))};COMMIT;${resetSql(ctx)}`
  const sql = prefix + script.sendText + suffix
  const origin: SentTextOrigin = { script, text: script.sendText, fileOffset: script.source.offset, prefixCodePoints: prefix.length }
  const started = performance.now()
  let retries = 0
  for (;;) {
    const { error, completed } = await queryCountingStatements(ctx.client, sql)
    if (!error) return { ok: true, durationMs: performance.now() - started, retries }
    const lost = isConnectionError(error)
    if (!lost) await tryQuery(ctx.client, 'ROLLBACK')
    const idx = completed - prefixStatements
    const statement: Statement | undefined = idx >= 0 && idx < sent.length ? sent[idx] : undefined
    const canRetry = isPgError(error) && error.code === '55P03' && retries < ctx.lockRetries && !ctx.isCancelled()
    if (canRetry) {
      retries++
      const delay = retryDelayMs(retries)
      ctx.onRetry?.(retries, delay, `${error.message} at ${script.source.file}${statement ? `:${statement.position.line}` : ''}`)
      await sleep(delay)
      continue
    }
    const mapped = mapRunError(error, origin, statement)
    if (idx >= sent.length) mapped.next = `Recording the migration in ${historyTableName(ctx.historySchema)} failed, so the whole migration was rolled back. ${mapped.next}`
    if (lost) {
      mapped.next = `The connection was lost while the migration ran. If it broke during COMMIT, the outcome is unknown until the next run reads history: rerun pgshift, which reads history first and never runs a recorded migration twice.`
    }
    return { ok: false, durationMs: performance.now() - started, retries, error: mapped, connectionLost: lost }
  }
}

async function runStatements(ctx: ExecContext, run: PlannedRun): Promise<ExecOutcome> {
  const m = run.migration
  const script = m.up
  const statements = script.statements
  const started = performance.now()
  let retries = 0
  let done = run.resumeFrom
  let committed = done
  let inBlock = false
  const progress = (n: number) =>
    ctx.client.query(upsertHistorySql(ctx.historySchema, historyWrite(m, ctx, { status: 'partial', statementsDone: n, doneHash: doneHash(m, n), durationMs: Math.round(performance.now() - started) })))
  try {
    await ctx.client.query(`SET lock_timeout = ${ctx.lockTimeoutMs};SET statement_timeout = ${ctx.statementTimeoutMs}`)
    // A 'partial' row before the first statement: if the runner dies, the next run knows this file started.
    await progress(done)
    for (let i = run.resumeFrom; i < statements.length; i++) {
      const s = statements[i] as Statement
      if (ctx.isCancelled()) throw Object.assign(new Error('cancelled before the next statement'), { code: '57014' })
      for (;;) {
        try {
          await ctx.client.query(s.sql)
          break
        } catch (error) {
          const canRetry = !inBlock && isPgError(error) && error.code === '55P03' && retries < ctx.lockRetries && !ctx.isCancelled()
          if (!canRetry) throw Object.assign(error as Error, { statementIndex: i })
          retries++
          const delay = retryDelayMs(retries)
          ctx.onRetry?.(retries, delay, `${(error as Error).message} at ${script.source.file}:${s.position.line}`)
          await sleep(delay)
        }
      }
      done = i + 1
      if (s.transactionControl === 'begin') inBlock = true
      else if (s.transactionControl === 'commit') inBlock = false
      if (!inBlock) {
        committed = done
        await progress(committed)
      }
    }
    await ctx.client.query(
      `${upsertHistorySql(ctx.historySchema, historyWrite(m, ctx, { durationMs: Math.round(performance.now() - started) }))};${resetSql(ctx)}`
    )
    return { ok: true, durationMs: performance.now() - started, retries }
  } catch (error) {
    const lost = isConnectionError(error) && !(error instanceof Error && (error as { code?: string }).code === '57014')
    const index = (error as { statementIndex?: number }).statementIndex
    const statement = index !== undefined ? statements[index] : undefined
    const origin: SentTextOrigin = { script, text: statement?.sql ?? '', fileOffset: statement?.offset ?? script.source.offset, prefixCodePoints: 0 }
    const mapped = mapRunError(error, origin, statement)
    let leftovers: string[] | undefined
    if (!lost) {
      if (inBlock) await tryQuery(ctx.client, 'ROLLBACK')
      await tryQuery(ctx.client, resetSql(ctx))
      leftovers = await invalidIndexes(ctx.client, statement)
    }
    const total = statements.length
    mapped.next =
      committed > 0
        ? `This file runs statement by statement (outside a transaction). Statements 1-${committed} of ${total} committed and are recorded in history as partial; statement ${committed + 1} failed. Fix it and rerun: pgshift resumes at statement ${committed + 1}.`
        : `This file runs statement by statement (outside a transaction). No statement of it committed. Fix it and rerun: pgshift starts the file again.`
    if (leftovers?.length) mapped.next += ` Drop the INVALID index first: ${leftovers.map((n) => `DROP INDEX CONCURRENTLY ${n};`).join(' ')}`
    if (committed === 0 && !lost) await tryQuery(ctx.client, `DELETE FROM ${historyTableName(ctx.historySchema)} WHERE identity = ${ctx.client.escapeLiteral(m.identity)} AND status = 'partial'`)
    return { ok: false, durationMs: performance.now() - started, retries, error: mapped, statementsDone: committed, leftovers, connectionLost: lost }
  }
}

/** INVALID indexes a failed CREATE/REINDEX ... CONCURRENTLY leaves behind (T16). */
async function invalidIndexes(client: pg.Client, statement: Statement | undefined): Promise<string[]> {
  if (!statement || !['IndexStmt', 'ReindexStmt'].includes(statement.kind)) return []
  try {
    const r = await client.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT i.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema')`
    )
    const wanted = typeof statement.node.idxname === 'string' ? statement.node.idxname : undefined
    return r.rows.filter((x) => !wanted || x.name === wanted).map((x) => `${escapeIdentifier(x.schema)}.${escapeIdentifier(x.name)}`)
  } catch {
    return []
  }
}
