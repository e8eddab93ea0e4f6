// Previews scripts inside one transaction that is always rolled back (DESIGN 10).
// Each migration is one message (one round trip): its statements with a clock
// marker between each two (per-statement timings), the history write, and one read
// of pg_locks. Statements that cannot run in a transaction run as their
// transactional twin (CREATE INDEX for CREATE INDEX CONCURRENTLY) or are skipped
// and listed (VACUUM). The first failure ends the preview, so no savepoints are
// needed. Used by dry-run (up scripts) and rollback with dry-run (downs).
import type pg from 'pg'
import { queryCountingStatements } from '../db/counting-query.js'
import { ensureHistoryTable } from '../db/history.js'
import { createSupabaseHistorySql } from '../db/supabase-history.js'
import { existingRelations, HELD_LOCKS_SQL, heldLocks, newLocks, type HeldLock } from '../db/locks.js'
import { isPgError, mapRunError } from '../db/errors.js'
import { commandTag } from '../source/classify.js'
import { scanSql } from '../source/parser.js'
import type { FilePosition, Hook, Migration, ParsedScript, Statement } from '../source/types.js'
import { AS_LOGIN_USER } from './executor.js'
import { historyStep } from './steps/ensure-history.js'
import type { ModeContext } from './modes/context.js'
import type { MappedError, MigrationResult, StatementTiming } from './report.js'

export interface PreviewItem {
  migration: Migration
  script: ParsedScript
  result: MigrationResult
  /** The history change the real run commits with the script (exercised, then rolled back). */
  recordSql: string
}

export interface PreviewOutcome {
  /** The first migration that failed. */
  failed?: MigrationResult
  /** A hook that failed (the preview stopped there). */
  hookFailed?: MappedError
  /** The first migration that could not be previewed; the ones after it were not previewed either. */
  stoppedAt?: MigrationResult
  /** Where in its file the preview stopped (the statement or block it cannot hold), when known. */
  stoppedPosition?: FilePosition
  /** The stop came from an error, so the transaction is aborted: nothing more can run in it. */
  aborted?: boolean
  /** The PR check's lint refused the PR's migrations at S0 (lint: error): they were not previewed. */
  refused?: string
}

/** The statement without its CONCURRENTLY keyword (found by the parser's scanner, never by text search). */
export function transactionalTwin(s: Statement): string | undefined {
  if (!s.nonTransactional?.includes('CONCURRENTLY')) return undefined
  const tokens = scanSql(s.sql)
  const i = tokens.findIndex((t) => t.text.toUpperCase() === 'CONCURRENTLY')
  if (i < 0) return undefined
  // REINDEX (CONCURRENTLY) TABLE t: drop the now-empty option list too.
  const from = tokens[i - 1]?.text === '(' && tokens[i + 1]?.text === ')' ? i - 1 : i
  const to = from === i - 1 ? i + 1 : i
  const start = tokens[from]?.start ?? 0
  const end = tokens[to]?.end ?? 0
  return s.sql.slice(0, start) + ' '.repeat(end - start) + s.sql.slice(end)
}

/** Statements a preview transaction cannot run at all: listed, not run. */
const SKIPPED = ['VACUUM', 'ALTER SYSTEM', 'CREATE DATABASE', 'DROP DATABASE', 'TABLESPACE', 'SUBSCRIPTION', 'REINDEX SCHEMA', 'REINDEX SYSTEM', 'REINDEX DATABASE', 'SET TABLESPACE']

function timeoutsSql(ctx: ModeContext): string {
  return `SET LOCAL lock_timeout = ${ctx.settings.lockTimeoutMs};SET LOCAL statement_timeout = ${ctx.settings.statementTimeoutMs}`
}

/** Each migration starts from clean settings, as in apply (SET LOCAL timeouts included); one statement each. */
function resetStatements(ctx: ModeContext): string[] {
  return ['SET SESSION AUTHORIZATION DEFAULT', 'RESET ROLE', 'RESET ALL', ...(ctx.sessionSql ? [ctx.sessionSql] : []), ...timeoutsSql(ctx).split(';')]
}

/** The statement's whole command tag (CREATE TRIGGER, CREATE INDEX), for the timings. */
const label = (s: Statement): string => commandTag(s)

/** A piece of a migration's preview message: one statement of SQL, one CommandComplete. */
type Part = { kind: 'setup' } | { kind: 'marker' } | { kind: 'statement'; statement: Statement; sent: string; prefixCodePoints: number } | { kind: 'record' } | { kind: 'locks' }

const MARKER = 'SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8'

/** The message for one migration, and what each of its statements is. */
function previewMessage(ctx: ModeContext, item: PreviewItem, first: boolean, lockSql: string | undefined, timings: StatementTiming[]): { sql: string; parts: Part[] } {
  const parts: Part[] = []
  let sql = ''
  let codePoints = 0
  const add = (part: Part, text: string) => {
    parts.push(part)
    // The newline ends a trailing `--` comment; the semicolon ends the statement.
    const piece = `${text}\n;`
    sql += piece
    codePoints += [...piece].length
  }
  // Each migration starts from clean settings, as in apply (SET LOCAL timeouts included).
  if (!first) for (const setup of resetStatements(ctx)) add({ kind: 'setup' }, setup)
  add({ kind: 'marker' }, MARKER)
  for (const s of item.script.statements) {
    if (s.strippedWrapper || s.stubbed) continue
    if (s.nonTransactional && SKIPPED.some((k) => s.nonTransactional?.includes(k))) {
      timings.push({ line: s.position.line, label: s.nonTransactional, ms: 0, twin: `skipped: ${s.nonTransactional} cannot run in a transaction; apply runs it` })
      continue
    }
    const twin = transactionalTwin(s)
    const sent = twin ?? s.sql
    timings.push({ line: s.position.line, label: s.nonTransactional ?? label(s), ms: 0, twin: twin ? `ran as its transactional twin (without CONCURRENTLY)` : undefined })
    add({ kind: 'statement', statement: s, sent, prefixCodePoints: codePoints }, sent)
    add({ kind: 'marker' }, MARKER)
  }
  for (const setup of AS_LOGIN_USER.split(';')) add({ kind: 'setup' }, setup)
  add({ kind: 'record' }, item.recordSql)
  if (lockSql) add({ kind: 'locks' }, lockSql)
  return { sql, parts }
}

/** What a preview runs inside its transaction besides the migrations. */
export interface PreviewExtras {
  /** Hooks, as apply would run them around the migrations. */
  before?: Hook
  afterEach?: Hook
  after?: Hook
  /** After the last migration, when none failed (the Supabase lint). */
  beforeRollback?: () => Promise<void>
  /**
   * The PR check (issue 15): the first `baseCount` items are the base phase. Their locks
   * are not read; after them `atS0` runs (snapshot, lint); a refusal it returns ends the
   * preview. The PR's items then report the locks they take on relations of S0.
   */
  phases?: { baseCount: number; atS0: () => Promise<string | undefined> }
}

/**
 * Runs a hook inside the preview transaction. Statements a transaction cannot hold
 * (VACUUM) are skipped, as in a migration's preview. A failure ends the preview, so
 * no savepoint is needed; after a success the session starts clean again.
 */
async function previewHook(ctx: ModeContext, hook: Hook, after?: string): Promise<MappedError | undefined> {
  const { client } = ctx
  const script = hook.script
  const started = performance.now()
  let error: MappedError | undefined
  for (const s of script.statements) {
    if (s.strippedWrapper || s.stubbed || (s.nonTransactional && SKIPPED.some((k) => s.nonTransactional?.includes(k)))) continue
    const sql = transactionalTwin(s) ?? s.sql
    try {
      await client.query(sql)
    } catch (e) {
      error = mapRunError(e, { script, text: sql, fileOffset: s.offset, prefixCodePoints: 0 }, s)
      break
    }
  }
  if (!error) await client.query(resetStatements(ctx).join(';'))
  const file = script.source.file
  ;(ctx.report.hooks ??= []).push({ hook: hook.name, file, status: error ? 'failed' : 'previewed', ...(after ? { after } : {}), durationMs: Math.round(performance.now() - started), ...(error ? { error } : {}) })
  if (error) error.next = `The preview stopped at the hook ${file}${error.position ? `:${error.position.line}` : ''} and rolled everything back. Fix the hook and run the preview again.`
  return error
}

export async function previewInTransaction(ctx: ModeContext, items: PreviewItem[], extras: PreviewExtras = {}): Promise<PreviewOutcome> {
  const { client, settings } = ctx
  const outcome: PreviewOutcome = {}
  // Locks on relations created inside the preview block nobody: with none existing
  // (a first deploy), pg_locks is never read. Otherwise it is read once per migration
  // (locks only pile up inside one transaction, so "before" is the previous "after");
  // new relations get higher oids, so most of their rows stay on the server.
  let existing = await existingRelations(client, settings.historySchema)
  const lockSqlFor = (rels: Map<number, string>) => (rels.size ? `${HELD_LOCKS_SQL} AND relation <= ${Math.max(...rels.keys())}` : undefined)
  let lockSql = extras.phases?.baseCount ? undefined : lockSqlFor(existing)
  let held: HeldLock[] = []
  await client.query(`BEGIN;${timeoutsSql(ctx)}`)
  try {
    // The history table may not exist yet on a first deploy: create it inside the preview, so it rolls back too.
    await historyStep(() => ensureHistoryTable(client, settings.historySchema, { inTransaction: true }), settings.historySchema)
    // The Supabase CLI's table too, when it is kept and absent: it rolls back with the rest.
    if (ctx.supabase && !ctx.supabase.tableExists) await client.query(createSupabaseHistorySql(ctx.supabase.schemaExists))
    // supabase-shim: created inside the preview, so it is rolled back with everything else.
    if (ctx.previewSetupSql) await client.query(ctx.previewSetupSql)
    const enumsAdded: string[] = []
    let first = true
    if (extras.before) outcome.hookFailed = await previewHook(ctx, extras.before)
    for (const [index, item] of items.entries()) {
      const { result, script } = item
      if (extras.phases && index === extras.phases.baseCount && !outcome.failed && !outcome.stoppedAt && !outcome.hookFailed && !ctx.isCancelled()) {
        outcome.refused = await extras.phases.atS0()
        // S0: what exists now is what production traffic would wait on; our own locks so far are the baseline.
        existing = await existingRelations(client, settings.historySchema)
        lockSql = lockSqlFor(existing)
        held = lockSql ? await heldLocks(client, existing) : []
      }
      if (outcome.failed || outcome.stoppedAt || outcome.hookFailed || outcome.refused || ctx.isCancelled()) {
        result.status = 'skipped'
        result.note = outcome.stoppedAt ? `not previewed: it runs after ${outcome.stoppedAt.identity}, which cannot be previewed` : result.note
        continue
      }
      if (script.hasTransactionBlocks) {
        result.notDryRunnable = 'its BEGIN ... COMMIT blocks commit on their own, so it cannot run inside the preview transaction; apply runs it statement by statement'
        outcome.stoppedAt = result
        outcome.stoppedPosition = script.nonTransactionalReasons.find((r) => r.what.endsWith(' block'))?.position
        continue
      }
      const timings: StatementTiming[] = []
      const message = previewMessage(ctx, item, first, lockSql, timings)
      first = false
      const started = performance.now()
      const r = await queryCountingStatements(client, message.sql)
      result.durationMs = Math.round(performance.now() - started)
      if (r.error === undefined) {
        fillTimings(timings, message.parts, r.results)
        result.statementTimings = timings
        if (lockSql) {
          const after = heldOn(existing, r.results[r.results.length - 1]?.rows as [number, string][])
          result.locks = newLocks(held, after)
          held = after
        } else if (!extras.phases || index >= extras.phases.baseCount) result.locks = []
        for (const s of script.statements) if (s.kind === 'AlterEnumStmt' && typeof s.node.newVal === 'string') enumsAdded.push(item.migration.identity)
        result.status = 'previewed'
        if (extras.afterEach) outcome.hookFailed = await previewHook(ctx, extras.afterEach, item.migration.identity)
        continue
      }
      const failedPart = message.parts[r.completed]
      const code = isPgError(r.error) ? r.error.code : undefined
      const statement = failedPart?.kind === 'statement' ? failedPart.statement : (script.statements[script.statements.length - 1] as Statement)
      const earlierEnum = enumsAdded.find((id) => id !== item.migration.identity)
      const stop = (why: string) => {
        result.notDryRunnable = why
        outcome.stoppedAt = result
        outcome.stoppedPosition = statement.position
        outcome.aborted = true
      }
      if (code === '55P04' && earlierEnum) {
        stop(`it uses an enum value that ${earlierEnum} adds in this run; Postgres cannot use a new enum value in the transaction that adds it, and apply commits each migration separately`)
        continue
      }
      // A file that runs statement by statement (a no-transaction directive, CALL) may hold
      // a statement that commits or that Postgres refuses inside a transaction block. In a
      // file that runs in one transaction the same error is a real failure: apply hits it too.
      const why = script.runMode === 'statements' ? autocommitOnly(code, statement) : undefined
      if (why) {
        stop(why)
        continue
      }
      const origin =
        failedPart?.kind === 'statement'
          ? { script, text: failedPart.sent, fileOffset: statement.offset, prefixCodePoints: failedPart.prefixCodePoints }
          : { script, text: statement.sql, fileOffset: statement.offset, prefixCodePoints: Number.MAX_SAFE_INTEGER }
      result.status = 'failed'
      result.error = mapRunError(r.error, origin, statement)
      result.error.next = `The preview stopped here and rolled everything back. Fix the statement at this position and run the preview again.`
      outcome.failed = result
    }
    if (extras.phases && items.length === extras.phases.baseCount && !outcome.failed && !outcome.stoppedAt && !outcome.hookFailed && !ctx.isCancelled()) outcome.refused = await extras.phases.atS0()
    if (extras.after && !outcome.failed && !outcome.stoppedAt && !outcome.hookFailed && !outcome.refused && !ctx.isCancelled()) outcome.hookFailed = await previewHook(ctx, extras.after)
    if (extras.beforeRollback && !outcome.failed && !outcome.hookFailed && !outcome.refused && !outcome.aborted && !ctx.isCancelled()) await extras.beforeRollback()
  } finally {
    // Always: a preview never keeps anything.
    await client.query('ROLLBACK').catch(() => {})
  }
  return outcome
}

/**
 * Why a statement of a statement-by-statement file cannot run in the preview
 * transaction, from the error it raised there: it commits (2D000: a procedure or a DO
 * block that COMMITs) or Postgres refuses it inside a transaction block (25001).
 */
function autocommitOnly(code: string | undefined, s: Statement): string | undefined {
  const at = `line ${s.position.line}`
  if (code === '2D000') {
    return s.kind === 'CallStmt'
      ? 'the procedure it calls commits, which cannot happen inside the preview transaction'
      : `its statement at ${at} commits, which cannot happen inside the preview transaction; apply runs the file statement by statement in autocommit`
  }
  if (code === '25001') return `its statement at ${at} cannot run inside a transaction block, so it cannot run inside the preview transaction; apply runs the file statement by statement in autocommit`
  return undefined
}

/** Each statement's time: the difference of the clock markers around it. */
function fillTimings(timings: StatementTiming[], parts: Part[], results: pg.QueryArrayResult[]): void {
  const clock = (i: number) => Number(results[i]?.rows[0]?.[0])
  let t = 0
  parts.forEach((p, i) => {
    if (p.kind !== 'statement') return
    while (timings[t]?.twin?.startsWith('skipped:')) t++
    const ms = clock(i + 1) - clock(i - 1)
    if (timings[t]) timings[t].ms = Number.isFinite(ms) ? Math.round(ms * 10) / 10 : 0
    t++
  })
}

/** The rows of the lock query that fall on relations that existed before the preview. */
function heldOn(existing: Map<number, string>, rows: [number, string][] = []): HeldLock[] {
  return rows.filter(([oid]) => existing.has(oid)).map(([oid, mode]) => ({ oid, relation: existing.get(oid) as string, mode }))
}
