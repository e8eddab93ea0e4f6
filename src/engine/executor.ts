// Runs one migration (DESIGN 2, 3, 6). Two ways:
// - transaction: one simple-query message carries BEGIN, the SET LOCAL timeouts,
//   the file, the run guard (the lock is still ours, the backend did not move),
//   the history INSERT and COMMIT. One round trip per migration, and the history
//   row commits with the schema change or not at all.
// - statements: one statement at a time in autocommit (CONCURRENTLY, VACUUM,
//   directives, BEGIN ... COMMIT blocks), with progress written to history after
//   each committed statement, so a failure midway is recorded precisely.
import type pg from 'pg'
import { escapeLiteral } from 'pg'
import type { HistoryWrite, PriorRow } from '../db/history.js'
import { deletePriorRowSql, historyTableName, insertHistorySql, upsertHistorySql } from '../db/history.js'
import { backendPid } from '../db/connect.js'
import type { RunLock } from '../db/lock.js'
import { queryCountingStatements } from '../db/counting-query.js'
import { HELD_LOCKS_SQL, locksOn } from '../db/locks.js'
import { isPgError, mapRunError, nextStepFor, type SentTextOrigin } from '../db/errors.js'
import { blankStatements } from '../source/script.js'
import { insertRollbackSql } from '../db/rollback-log.js'
import { checksum } from '../source/checksum.js'
import { deleteSupabaseRowSql, insertSupabaseRowSql, type SupabaseEntry } from '../db/supabase-history.js'
import type { Migration, ParsedScript, Statement } from '../source/types.js'
import { doneHash, type PlannedRun } from './plan.js'
import type { LockTaken, MappedError } from './report.js'
import type { ExecCursor } from './heartbeat.js'

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
  /** The run lock: checked on the server before every commit (runGuardSql). Absent for a run without one. */
  runLock?: RunLock
  onRetry?: (attempt: number, delayMs: number, reason: string) => void
  /**
   * Work for the client while the server runs a migration's message (an apply's lint of
   * the next file, steps/lint-pending.ts): called right after the message is sent.
   */
  whileWaiting?: () => void
  /** Moved to the statement running now, for the heartbeat line (heartbeat.ts). */
  cursor?: ExecCursor
  /**
   * Read the locks each transactional migration took (pg_locks, just before its
   * COMMIT), keeping those on these pre-existing relations. Set on ephemeral
   * databases (test-rollback); a deploy skips the extra result set.
   */
  collectLocks?: Map<number, string>
  /**
   * A rollback: each down also records itself in history's rollback log
   * (db/rollback-log.ts), in the same transaction. Set only when the log is writable.
   */
  rollbackLog?: boolean
  /** Kept when the Supabase CLI's history is (DESIGN 8): its row commits with ours. */
  supabase?: {
    entries: Map<string, SupabaseEntry>
    columns: Set<string>
    tableExists: boolean
    /** Applied by the CLI and not (yet) in pgshift's history, which may not even exist: only the CLI row goes. */
    adopted: Set<string>
  }
}

export interface ExecOutcome {
  ok: boolean
  durationMs: number
  retries: number
  error?: MappedError
  /** The locks the migration took, when ExecContext.collectLocks asked for them. */
  locks?: LockTaken[]
  /** Statement-by-statement files: statements committed when the run stopped. */
  statementsDone?: number
  leftovers?: string[]
  /** A transactional migration lost its connection: whether it committed is unknown until history is read. */
  connectionLost?: boolean
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Moves the heartbeat's cursor (when there is one) to statement `s` of `script`. */
function point(ctx: ExecContext, script: ParsedScript, s: Statement | undefined, transaction = false): void {
  if (!ctx.cursor || !s) return
  ctx.cursor.file = script.source.file
  ctx.cursor.line = s.position.line
  ctx.cursor.statement = transaction ? undefined : s.index + 1
  ctx.cursor.total = script.statements.length
  ctx.cursor.transaction = transaction
}

/** Exponential backoff with jitter for lock-timeout retries: 1 s, 2 s, 4 s ... capped at 30 s. */
export function retryDelayMs(attempt: number): number {
  const base = Math.min(1000 * 2 ** (attempt - 1), 30_000)
  return base + Math.floor(Math.random() * base * 0.25)
}

/** The history row of an applied migration; `extra` overrides (progress rows, measured durations). */
export function historyWrite(m: Migration, ctx: Pick<ExecContext, 'meta'>, extra: Partial<HistoryWrite>): HistoryWrite {
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

/**
 * Every migration starts from a clean session. SET SESSION AUTHORIZATION DEFAULT
 * first: RESET ALL leaves the session user alone (session_authorization and role
 * are GUC_NO_RESET_ALL), so a file's SET SESSION AUTHORIZATION would otherwise own
 * the next file's objects. Any user may go back to the one it logged in as.
 */
export const RESET_SESSION = 'SET SESSION AUTHORIZATION DEFAULT;RESET ROLE;RESET ALL'
const resetSql = (ctx: ExecContext) => (ctx.sessionSql ? `${RESET_SESSION};${ctx.sessionSql}` : RESET_SESSION)

/** The run guard's errors (custom SQLSTATEs, raised by runGuardSql). */
export const LOCK_LOST_SQLSTATE = 'PGSLK'
export const BACKEND_MOVED_SQLSTATE = 'PGSPL'

/**
 * The check that precedes every commit, as one statement run on the migration
 * connection inside the transaction it guards: the run lock is still held by the
 * lock connection's transaction, and this connection is still on the backend it
 * had at connect (a transaction pooler moves it). Either failing raises, so the
 * transaction rolls back before COMMIT: a lost lock (a kill, an idle cut, a NAT)
 * stops the run before another runner's copy could commit alongside ours.
 *
 * The lock is proved by its witness (db/lock.ts): a random key that the lock's
 * transaction took with the run lock and that ends with it. The migration
 * connection tries it; a try that succeeds means that transaction is over (the
 * witness is then held by this transaction, which the exception rolls back). One
 * lock-table probe instead of reading pg_locks, which copies the whole lock table
 * (about 0.6 ms a call against 0.08 ms, measured in a loop of 3,000).
 */
export function runGuardSql(ctx: Pick<ExecContext, 'client' | 'runLock'>): string {
  const checks: string[] = []
  const pid = backendPid(ctx.client)
  if (pid !== undefined) {
    checks.push(
      `IF pg_catalog.pg_backend_pid() <> ${pid} THEN RAISE EXCEPTION USING ERRCODE = '${BACKEND_MOVED_SQLSTATE}', MESSAGE = 'the migration connection is no longer on server backend ${pid}, which only a transaction-mode pooler does'; END IF;`
    )
  }
  if (ctx.runLock) {
    const { a, b } = ctx.runLock.witness
    checks.push(
      `IF pg_catalog.pg_try_advisory_xact_lock(${a}, ${b}) THEN RAISE EXCEPTION USING ERRCODE = '${LOCK_LOST_SQLSTATE}', MESSAGE = 'pgshift no longer holds its run lock (the lock connection, backend ${ctx.runLock.holderPid}, was closed or terminated)'; END IF;`
    )
  }
  return checks.length ? `DO $pgshift$BEGIN ${checks.join(' ')} END$pgshift$` : 'SELECT 1'
}

function isConnectionError(err: unknown): boolean {
  // 08P01 'database removed' is how PgBouncer drops a client whose database left its config.
  if (isPgError(err)) return ['57P01', '57P02', '57P03', '08006', '08003', '08000', '08P01'].includes(err.code as string)
  return true // not a server error at all: the socket broke
}

/** The next step when the run guard stopped a migration before its COMMIT. */
function guardNext(code: string | undefined, file: string): string | undefined {
  if (code === LOCK_LOST_SQLSTATE) {
    return `The run lock was lost while ${file} ran (its connection was closed or terminated: a kill, an idle-session cut, a NAT or proxy timeout), so ${file} was rolled back before its COMMIT and nothing more ran: another runner may hold the lock now. Migrations listed as applied committed before the lock was lost. Rerun pgshift: it reads history and starts at the first unapplied migration.`
  }
  if (code === BACKEND_MOVED_SQLSTATE) {
    return `${file} was rolled back before its COMMIT: the connection goes through a transaction-mode pooler, where the run lock and session settings do not hold. Use the session pooler (Supabase: port 5432), connect to Postgres directly, or go through a PgBouncer pool with pool_mode = session, then rerun.`
  }
  return undefined
}

/** What the run does when history already holds the row it inserts: another runner committed this migration. */
function duplicateNext(identity: string, file: string): string {
  return `History already records ${identity}: another runner committed it while this run was running it, so this run's copy of ${file} was rolled back (the history table's primary key guards the commit) and it ran once. Check why two runs ran at once (a lost lock, or a runner without one), then rerun: it applies nothing twice.`
}

async function tryQuery(client: pg.Client, sql: string): Promise<void> {
  try {
    await client.query(sql)
  } catch {
    // best effort: the caller reports the original error
  }
}

export async function executeMigration(ctx: ExecContext, run: PlannedRun): Promise<ExecOutcome> {
  const m = run.migration
  if (m.up.runMode !== 'transaction') return runStatements(ctx, run)
  const prior = priorRow(run)
  const record = [...(prior ? [deletePriorRowSql(ctx.historySchema, m.identity, prior)] : []), insertAppliedSql(ctx, m, {})]
  return runInTransaction(ctx, m.up, record, run.resumeFrom, m.identity)
}

/**
 * The history row a run replaces rather than inserts, handled explicitly: a
 * resumed statement-by-statement file (its 'partial' row) and a changed
 * repeatable (its row with the old checksum). Every other migration inserts.
 */
function priorRow(run: PlannedRun): PriorRow | undefined {
  if (run.resumed) return { partialDone: run.resumeFrom }
  if (run.migration.kind === 'repeatable') return { otherChecksum: run.migration.checksum }
  return undefined
}

/** The committing history write: a plain INSERT of pgshift's row (and the Supabase CLI's, when kept). */
export function insertAppliedSql(ctx: Pick<ExecContext, 'historySchema' | 'meta' | 'supabase'>, m: Migration, extra: Partial<HistoryWrite>): string {
  const ours = insertHistorySql(ctx.historySchema, historyWrite(m, ctx, extra))
  const entry = ctx.supabase?.entries.get(m.identity)
  return entry && ctx.supabase ? `WITH supabase_row AS (${insertSupabaseRowSql(entry, ctx.supabase.columns)})\n${ours}` : ours
}

/**
 * The history write of a migration's preview (rolled back, so an upsert; a real
 * run uses insertAppliedSql): pgshift's row and, when the Supabase CLI's history
 * is kept, the CLI's row. One statement (a data-modifying CTE).
 */
export function recordAppliedSql(ctx: Pick<ExecContext, 'historySchema' | 'meta' | 'supabase'>, m: Migration, extra: Partial<HistoryWrite>): string {
  const ours = upsertHistorySql(ctx.historySchema, historyWrite(m, ctx, extra))
  const entry = ctx.supabase?.entries.get(m.identity)
  return entry && ctx.supabase ? `WITH supabase_row AS (${insertSupabaseRowSql(entry, ctx.supabase.columns)})\n${ours}` : ours
}

/** The history change that commits with a down script: the migration's row goes (and the Supabase CLI's). */
export function deleteHistorySql(ctx: ExecContext, identity: string): string {
  const ours = `DELETE FROM ${historyTableName(ctx.historySchema)} WHERE identity = ${escapeLiteral(identity)}`
  const entry = ctx.supabase?.entries.get(identity)
  if (entry && ctx.supabase?.adopted.has(identity)) return deleteSupabaseRowSql(entry.version)
  // No table (pgshift applied without it): no CLI row to delete.
  return entry && ctx.supabase?.tableExists ? `WITH supabase_row AS (${deleteSupabaseRowSql(entry.version)})\n${ours}` : ours
}

/** History's record of this rollback (db/rollback-log.ts): which down ran, when, in which run. */
function rollbackRecordSql(ctx: ExecContext, m: Migration, down: ParsedScript): string {
  return insertRollbackSql(ctx.historySchema, {
    identity: m.identity,
    version: m.version,
    script: m.file,
    checksum: m.checksum,
    downScript: down.source.file,
    downChecksum: checksum(down.source.text),
    ...ctx.meta
  })
}

/**
 * History is written as the user pgshift logged in as, whatever SET ROLE or SET
 * SESSION AUTHORIZATION the file ran: LOCAL, so the file's own setting is back
 * after COMMIT (and RESET then clears it).
 */
export const AS_LOGIN_USER = 'SET LOCAL SESSION AUTHORIZATION DEFAULT;SET LOCAL ROLE NONE'
const AS_LOGIN_USER_STATEMENTS = 2

/** A history write in its own transaction, for statement-by-statement files (outside the file's BEGIN blocks), behind the run guard. */
// READ WRITE: a file that ran SET default_transaction_read_only = on still gets its progress recorded.
const ownTransaction = (ctx: ExecContext, sql: string) => `BEGIN READ WRITE;${AS_LOGIN_USER};${runGuardSql(ctx)};${sql};COMMIT`

/**
 * Runs a down script. A transactional down commits with the history delete; a
 * statement-by-statement one (DROP INDEX CONCURRENTLY) deletes the row after its
 * last statement, so a failure midway leaves the migration recorded as applied.
 */
export async function executeDown(ctx: ExecContext, m: Migration): Promise<ExecOutcome> {
  const down = m.down
  if (!down) throw new Error(`${m.identity} has no down script`)
  const records = [deleteHistorySql(ctx, m.identity), ...(ctx.rollbackLog ? [rollbackRecordSql(ctx, m, down)] : [])]
  const record = records.join(';')
  if (down.runMode === 'transaction') return runInTransaction(ctx, down, records, 0, m.identity)
  const started = performance.now()
  let done = 0
  try {
    for (const s of down.statements) {
      if (ctx.isCancelled()) throw Object.assign(new Error('cancelled before the next statement'), { code: '57014' })
      point(ctx, down, s)
      await ctx.client.query(`${timeoutsFor(ctx, s)};${runGuardSql(ctx)}`)
      try {
        await ctx.client.query(s.sql)
      } catch (error) {
        throw Object.assign(error as Error, { statementIndex: done })
      }
      done++
    }
    await ctx.client.query(`${ownTransaction(ctx, record)};${resetSql(ctx)}`)
    return { ok: true, durationMs: performance.now() - started, retries: 0 }
  } catch (error) {
    const statement = down.statements[(error as { statementIndex?: number }).statementIndex ?? -1]
    const mapped = mapRunError(error, { script: down, text: statement?.sql ?? '', fileOffset: statement?.offset ?? down.source.offset, prefixCodePoints: 0 }, statement)
    mapped.next = `This down script runs statement by statement. Statements 1-${done} of ${down.statements.length} ran; the migration is still recorded as applied. Fix the down script (make it idempotent, e.g. IF EXISTS) and rerun the rollback.`
    await tryQuery(ctx.client, resetSql(ctx))
    return { ok: false, durationMs: performance.now() - started, retries: 0, error: mapped, statementsDone: done }
  }
}

/**
 * Runs a callback file (beforeMigrate.sql ...): like a migration, with the same
 * timeouts and error mapping, but no history row. A file that cannot run in a
 * transaction (VACUUM ANALYZE) runs statement by statement.
 */
export async function executeHook(ctx: ExecContext, script: ParsedScript): Promise<ExecOutcome> {
  if (script.runMode === 'transaction') return runInTransaction(ctx, script, [], 0)
  const started = performance.now()
  let done = 0
  try {
    for (const s of script.statements) {
      if (s.strippedWrapper) continue
      if (ctx.isCancelled()) throw Object.assign(new Error('cancelled before the next statement'), { code: '57014', statementIndex: s.index })
      point(ctx, script, s)
      await ctx.client.query(`${timeoutsFor(ctx, s)};${runGuardSql(ctx)}`)
      try {
        await ctx.client.query(s.sql)
      } catch (error) {
        throw Object.assign(error as Error, { statementIndex: s.index })
      }
      done++
    }
    await ctx.client.query(resetSql(ctx))
    return { ok: true, durationMs: performance.now() - started, retries: 0 }
  } catch (error) {
    const statement = script.statements[(error as { statementIndex?: number }).statementIndex ?? -1]
    const mapped = mapRunError(error, { script, text: statement?.sql ?? '', fileOffset: statement?.offset ?? script.source.offset, prefixCodePoints: 0 }, statement)
    await tryQuery(ctx.client, 'ROLLBACK')
    await tryQuery(ctx.client, resetSql(ctx))
    return { ok: false, durationMs: performance.now() - started, retries: 0, error: mapped, statementsDone: done }
  }
}

/**
 * Session timeouts for one statement of a statement-by-statement file. A
 * CONCURRENTLY statement waits for older transactions, not for a lock that blocks
 * traffic (its SHARE UPDATE EXCLUSIVE lets reads and writes through), so
 * lock_timeout would only make it fail and leave an INVALID index; statement-timeout
 * still bounds it.
 */
function timeoutsFor(ctx: ExecContext, s: Statement): string {
  const concurrently = s.nonTransactional?.includes('CONCURRENTLY')
  return `SET lock_timeout = ${concurrently ? 0 : ctx.lockTimeoutMs};SET statement_timeout = ${ctx.statementTimeoutMs}`
}

/**
 * A script's text up to this size (UTF-16 units) goes in one message with its BEGIN,
 * history row and COMMIT. A bigger one is sent in messages of about this size, cut
 * between statements, inside the one transaction: the client never builds one
 * message (a flat copy of the file plus its UTF-8 buffer) the size of the file
 * (issue 17: a 50 MB seed file). Tests lower it (setSendChunkChars).
 */
const DEFAULT_SEND_CHUNK_CHARS = 4 * 1024 * 1024
let sendChunkChars = DEFAULT_SEND_CHUNK_CHARS

/** For tests: the message size of the multi-message path (undefined: the default). */
export function setSendChunkChars(chars: number | undefined): void {
  sendChunkChars = chars ?? DEFAULT_SEND_CHUNK_CHARS
}

/** One message of a transactional script: `text` is `sendText.slice(start, start + text.length)`. */
export interface SendPart {
  start: number
  text: string
  /** Index in `sent` of the part's first statement. */
  first: number
  /** Statements of `sent` in the part. */
  count: number
}

/**
 * Cuts `sendText` into parts of about `chunk` characters, each cut at the first token
 * of a sent statement (what lies between two statements, `;`, blanks and comments,
 * stays with the one before), so every part holds whole statements and positions in a
 * part map back to the file by its start. One part when the text fits.
 */
export function sendParts(script: ParsedScript, sendText: string, sent: Statement[], chunk = sendChunkChars): SendPart[] {
  if (sendText.length <= chunk || sent.length < 2) return [{ start: 0, text: sendText, first: 0, count: sent.length }]
  const base = script.source.offset
  const parts: SendPart[] = []
  let start = 0
  let first = 0
  for (let i = 1; i < sent.length; i++) {
    const at = (sent[i] as Statement).offset - base
    if (at - start < chunk) continue
    parts.push({ start, text: sendText.slice(start, at), first, count: i - first })
    start = at
    first = i
  }
  parts.push({ start, text: sendText.slice(start), first, count: sent.length - first })
  return parts
}

/**
 * One transaction, one round trip: BEGIN, the file, the guard, the history row and
 * COMMIT in one message. A big file goes in several messages (sendParts) inside the
 * same transaction; only the last carries the guard, the history row and COMMIT, so
 * the row still commits with the file or not at all, and an error in any message
 * rolls the whole transaction back. `resumeFrom` > 0 (a file that ran partly
 * statement by statement, now transactional): the statements that already committed
 * are blanked out, keeping every position in the file.
 */
async function runInTransaction(ctx: ExecContext, script: ParsedScript, record: string[], resumeFrom: number, identity?: string): Promise<ExecOutcome> {
  const skipped = script.statements.filter((s) => s.index < resumeFrom && !s.strippedWrapper && !s.stubbed)
  const sendText = skipped.length ? blankStatements(script, skipped) : script.sendText
  const sent = script.statements.filter((s) => !s.strippedWrapper && !s.stubbed && s.index >= resumeFrom)
  // synchronous_commit off: no WAL flush per migration; makeDurable() flushes once at the end of the run.
  const prefix = `BEGIN;SET LOCAL lock_timeout = ${ctx.lockTimeoutMs};SET LOCAL statement_timeout = ${ctx.statementTimeoutMs};SET LOCAL synchronous_commit = off;\n`
  const prefixStatements = 4
  const lockQuery = ctx.collectLocks ? `${HELD_LOCKS_SQL};` : ''
  // The newline ends a trailing `--` comment; the semicolon ends a last statement written without one.
  // The guard and the history write run as the login user, after the file.
  const suffix = `\n;${lockQuery}${AS_LOGIN_USER};${runGuardSql(ctx)};${record.map((r) => `${r};`).join('')}COMMIT;${resetSql(ctx)}`
  const guardIndex = sent.length + (lockQuery ? 1 : 0) + AS_LOGIN_USER_STATEMENTS
  const commitIndex = guardIndex + 1 + record.length
  const parts = sendParts(script, sendText, sent)
  const last = parts.length - 1
  /** Part `j` as sent: the first carries our prefix, the last our suffix. */
  const message = (j: number) => (j === 0 ? prefix : '') + (parts[j] as SendPart).text + (j === last ? suffix : '')
  const started = performance.now()
  let retries = 0
  for (;;) {
    let error: unknown
    let completed = 0
    let results: pg.QueryArrayResult[] = []
    let j = 0
    for (; j <= last; j++) {
      // The server reports statements as they complete only at the end of a message, so the
      // heartbeat names the message's first statement and says it is one transaction.
      point(ctx, script, sent[(parts[j] as SendPart).first] ?? sent[0], true)
      ;({ error, completed, results } = await queryCountingStatements(ctx.client, message(j), ctx.whileWaiting))
      if (error) break
    }
    const part = parts[Math.min(j, last)] as SendPart
    if (!error) {
      const rows = ctx.collectLocks ? (results[(last === 0 ? prefixStatements : 0) + part.count]?.rows ?? []) : []
      const locks = ctx.collectLocks ? locksOn(ctx.collectLocks, rows as [number, string][]) : undefined
      return { ok: true, durationMs: performance.now() - started, retries, locks }
    }
    // The failing statement's index among `sent` (past them: our suffix).
    const idx = part.first + completed - (j === 0 ? prefixStatements : 0)
    // Past COMMIT: the migration and its history row are committed; only our session reset failed.
    if (idx > commitIndex) return { ok: true, durationMs: performance.now() - started, retries }
    const lost = isConnectionError(error)
    if (!lost) await tryQuery(ctx.client, 'ROLLBACK')
    const statement: Statement | undefined = idx >= 0 && idx < sent.length ? sent[idx] : undefined
    const canRetry = isPgError(error) && error.code === '55P03' && retries < ctx.lockRetries && !ctx.isCancelled()
    if (canRetry) {
      retries++
      const delay = retryDelayMs(retries)
      ctx.onRetry?.(retries, delay, `${(error as Error).message} at ${script.source.file}${statement ? `:${statement.position.line}` : ''}`)
      await sleep(delay)
      continue
    }
    // Postgres counts positions in the message it received: the part's text, after our prefix in the first.
    const origin: SentTextOrigin = { script, text: part.text, fileOffset: script.source.offset + part.start, prefixCodePoints: j === 0 ? prefix.length : 0 }
    // Positions past the file belong to our suffix: they say nothing about the file.
    const mapped = mapRunError(idx >= sent.length && isPgError(error) ? Object.assign(error, { position: undefined }) : error, origin, statement)
    const guarded = isPgError(error) ? guardNext(error.code, script.source.file) : undefined
    if (guarded) {
      mapped.next = guarded
    } else if (identity && idx > guardIndex && idx < commitIndex && isPgError(error) && error.code === '23505') {
      mapped.next = duplicateNext(identity, script.source.file)
    } else if (idx >= sent.length && idx < commitIndex) {
      mapped.next = `Every statement of the file ran, but recording it in ${historyTableName(ctx.historySchema)} failed, so the whole migration was rolled back. Check that the login user can write to the history schema (history-schema input). ${nextStepFor(undefined, script.source.file)}`
    } else if (idx === commitIndex) {
      mapped.next = `The migration failed at COMMIT (a deferred constraint or trigger, or a serialization failure), so all of it was rolled back. ${mapped.next}`
    }
    if (lost) {
      mapped.next =
        j < last
          ? `The connection was lost while the migration ran, before its COMMIT was sent: it was not applied. Rerun pgshift: it reads history first and never runs a recorded migration twice.`
          : `The connection was lost while the migration ran. If it broke during COMMIT, the outcome is unknown until the next run reads history: rerun pgshift, which reads history first and never runs a recorded migration twice.`
    }
    return { ok: false, durationMs: performance.now() - started, retries, error: mapped, connectionLost: lost }
  }
}

/**
 * Transactional migrations commit with synchronous_commit off, each with its history
 * row, so a crash can only lose whole migrations together with their rows. This one
 * synchronous commit flushes the WAL up to itself, and with it every earlier commit:
 * once it returns, all of them are durable. Postgres flushes at commit only for a
 * transaction that wrote WAL (an xid alone is not enough), so it writes and deletes a
 * row of the history table (or, when that table does not exist, creates a temporary
 * table: catalog rows are WAL-logged). It runs with the session's own
 * synchronous_commit (the server's or role's setting), as the login user, whatever
 * identity the last migration took.
 */
export async function makeDurable(client: pg.Client, historySchema: string): Promise<void> {
  const table = historyTableName(historySchema)
  const sentinel = "'.pgshift-durable'"
  const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table])
  await client.query(
    exists.rows[0]?.t
      ? `BEGIN READ WRITE;${AS_LOGIN_USER};INSERT INTO ${table} (identity, version, name, kind, script, checksum, duration_ms, statements) VALUES (${sentinel}, '', '', 'versioned', '', '', 0, 0);DELETE FROM ${table} WHERE identity = ${sentinel};COMMIT`
      : `BEGIN READ WRITE;${AS_LOGIN_USER};CREATE TEMPORARY TABLE pgshift_durable () ON COMMIT DROP;COMMIT`
  )
}

async function runStatements(ctx: ExecContext, run: PlannedRun): Promise<ExecOutcome> {
  const m = run.migration
  const script = m.up
  const statements = script.statements
  const started = performance.now()
  let retries = 0
  let committed = run.resumeFrom
  let inBlock = false
  let bookkeeping = false
  // Each write replaces exactly the row the previous one left (or, the first time, the
  // row the plan saw), so a second runner on the same file fails on the primary key.
  let prior = priorRow(run)
  const replacing = (sql: string) => (prior ? `${deletePriorRowSql(ctx.historySchema, m.identity, prior)};${sql}` : sql)
  const progress = async (n: number) => {
    bookkeeping = true
    const row = insertHistorySql(ctx.historySchema, historyWrite(m, ctx, { status: 'partial', statementsDone: n, doneHash: doneHash(m, n), durationMs: Math.round(performance.now() - started) }))
    await ctx.client.query(ownTransaction(ctx, replacing(row)))
    prior = { partialDone: n }
    bookkeeping = false
  }
  try {
    // A 'partial' row before the first statement: if the runner dies, the next run knows this file started.
    await progress(committed)
    for (let i = run.resumeFrom; i < statements.length; i++) {
      const s = statements[i] as Statement
      if (ctx.isCancelled()) throw Object.assign(new Error('cancelled before the next statement'), { code: '57014' })
      point(ctx, script, s)
      // The run guard before every statement: each one outside a BEGIN block commits on its own.
      await ctx.client.query(inBlock ? runGuardSql(ctx) : `${timeoutsFor(ctx, s)};${runGuardSql(ctx)}`)
      for (;;) {
        try {
          // A stubbed CREATE EXTENSION (supabase-shim-extensions: stub) is satisfied by the shim, not sent.
          if (!s.stubbed) await ctx.client.query(s.sql)
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
      // CREATE INDEX CONCURRENTLY IF NOT EXISTS succeeds over an INVALID leftover: never record that as done.
      const invalid = await invalidIndexes(ctx.client, s)
      if (invalid.length) {
        throw Object.assign(new Error(`the statement left an INVALID index: ${invalid.join(', ')}`), { statementIndex: i, leftovers: invalid })
      }
      if (s.transactionControl === 'begin') inBlock = true
      else if (s.transactionControl === 'commit') inBlock = false
      if (!inBlock) {
        committed = i + 1
        await progress(committed)
      }
    }
    bookkeeping = true
    await ctx.client.query(`${ownTransaction(ctx, replacing(insertAppliedSql(ctx, m, { durationMs: Math.round(performance.now() - started) })))};${resetSql(ctx)}`)
    return { ok: true, durationMs: performance.now() - started, retries }
  } catch (error) {
    const lost = isConnectionError(error) && !(error instanceof Error && (error as { code?: string }).code === '57014') && !(error as { leftovers?: unknown }).leftovers
    const index = (error as { statementIndex?: number }).statementIndex
    const statement = index !== undefined ? statements[index] : undefined
    const origin: SentTextOrigin = { script, text: statement?.sql ?? '', fileOffset: statement?.offset ?? script.source.offset, prefixCodePoints: 0 }
    const mapped = mapRunError(error, origin, statement)
    let leftovers: string[] | undefined = (error as { leftovers?: string[] }).leftovers
    if (!lost) {
      // A failed history write leaves its own transaction aborted, like a failed BEGIN block of the file.
      if (inBlock || bookkeeping) await tryQuery(ctx.client, 'ROLLBACK')
      await tryQuery(ctx.client, resetSql(ctx))
      leftovers ??= await invalidIndexes(ctx.client, statement)
    }
    const total = statements.length
    const guarded = isPgError(error) ? guardNext(error.code, script.source.file) : undefined
    if (guarded) {
      mapped.next = `${guarded} Statements 1-${committed} of ${statements.length} committed and are recorded in history as partial.`
    } else if (bookkeeping && isPgError(error) && error.code === '23505') {
      mapped.next = `${duplicateNext(m.identity, script.source.file)} Statements 1-${committed} of ${statements.length} committed in this run.`
    } else if (bookkeeping) {
      mapped.next = `Writing progress to ${historyTableName(ctx.historySchema)} failed; statements 1-${committed} of ${total} committed. Check that the login user can write to the history schema (history-schema input), then rerun: pgshift resumes after the last recorded statement.`
    } else {
      mapped.next =
        committed > 0
          ? `This file runs statement by statement (outside a transaction). Statements 1-${committed} of ${total} committed and are recorded in history as partial; statement ${committed + 1} failed. Fix it and rerun: pgshift resumes at statement ${committed + 1}.`
          : `This file runs statement by statement (outside a transaction). No statement of it committed. Fix it and rerun: pgshift starts the file again.`
      if (run.resumeFrom === index && run.resumed && isPgError(error) && ['42P07', '42710'].includes(error.code as string)) {
        mapped.next = `This statement probably completed in the earlier run just before that run was killed (it was not yet recorded). Check the object; if it is complete and valid, drop and recreate it, or finish the file by hand and delete its row from ${historyTableName(ctx.historySchema)}. ${mapped.next}`
      }
    }
    if (leftovers?.length) mapped.next += ` Drop the INVALID index first: ${leftovers.map((n) => `DROP INDEX CONCURRENTLY ${n};`).join(' ')}`
    if (committed === 0 && !lost && !run.resumed) await tryQuery(ctx.client, ownTransaction(ctx, `DELETE FROM ${historyTableName(ctx.historySchema)} WHERE identity = ${escapeLiteral(m.identity)} AND status = 'partial'`))
    return { ok: false, durationMs: performance.now() - started, retries, error: mapped, statementsDone: committed, leftovers }
  }
}

/**
 * INVALID indexes a CREATE/REINDEX ... CONCURRENTLY left behind (T16): by the
 * statement's index name, or else on the statement's table.
 */
async function invalidIndexes(client: pg.Client, statement: Statement | undefined): Promise<string[]> {
  if (!statement?.nonTransactional?.includes('CONCURRENTLY') || !['IndexStmt', 'ReindexStmt'].includes(statement.kind)) return []
  const rel = statement.node.relation as { schemaname?: string; relname?: string } | undefined
  const wanted = typeof statement.node.idxname === 'string' ? statement.node.idxname : typeof statement.node.name === 'string' ? statement.node.name : undefined
  try {
    const r = await client.query<{ qualified: string; name: string; tbl: string }>(
      `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qualified, c.relname AS name, t.relname AS tbl FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT i.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema')`
    )
    return r.rows
      .filter((x) => (wanted ? x.name === wanted : rel?.relname ? x.tbl === rel.relname : true))
      .map((x) => x.qualified)
  } catch {
    return []
  }
}
