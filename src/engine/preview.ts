// Previews scripts inside one transaction that is always rolled back (DESIGN 10):
// a savepoint per migration, each statement timed, the locks each migration took
// read from pg_locks. Statements that cannot run in a transaction run as their
// transactional twin (CREATE INDEX for CREATE INDEX CONCURRENTLY) or are skipped
// and listed (VACUUM). Used by dry-run (up scripts) and rollback with dry-run (downs).
import { escapeIdentifier } from 'pg'
import { createHistorySql } from '../db/history.js'
import { existingRelations, heldLocks, newLocks } from '../db/locks.js'
import { isPgError, mapRunError } from '../db/errors.js'
import { scanSql } from '../source/parser.js'
import type { Migration, ParsedScript, Statement } from '../source/types.js'
import type { ModeContext } from './modes/context.js'
import type { MigrationResult, StatementTiming } from './report.js'

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
  /** The first migration that could not be previewed; the ones after it were not previewed either. */
  stoppedAt?: MigrationResult
}

const SAVEPOINT = escapeIdentifier('pgshift_preview')

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

function label(s: Statement): string {
  return s.kind.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase()
}

export async function previewInTransaction(ctx: ModeContext, items: PreviewItem[]): Promise<PreviewOutcome> {
  const { client, settings } = ctx
  const outcome: PreviewOutcome = {}
  const existing = await existingRelations(client, settings.historySchema)
  await client.query(`BEGIN;${timeoutsSql(ctx)}`)
  try {
    // The history table may not exist yet on a first deploy: create it inside the preview, so it rolls back too.
    await client.query(createHistorySql(settings.historySchema))
    // supabase-shim: created inside the preview, so it is rolled back with everything else.
    if (ctx.previewSetupSql) await client.query(ctx.previewSetupSql)
    const enumsAdded: string[] = []
    for (const item of items) {
      const { result, script } = item
      if (outcome.failed || outcome.stoppedAt || ctx.isCancelled()) {
        result.status = 'skipped'
        result.note = outcome.stoppedAt ? `not previewed: it runs after ${outcome.stoppedAt.identity}, which cannot be previewed` : result.note
        continue
      }
      if (script.hasTransactionBlocks) {
        result.notDryRunnable = 'its BEGIN ... COMMIT blocks commit on their own, so it cannot run inside the preview transaction; apply runs it statement by statement'
        outcome.stoppedAt = result
        continue
      }
      const before = await heldLocks(client, existing)
      await client.query(`SAVEPOINT ${SAVEPOINT}`)
      const timings: StatementTiming[] = []
      const started = performance.now()
      let failure: { error: unknown; statement: Statement; sent: string } | undefined
      for (const s of script.statements) {
        if (s.strippedWrapper || s.stubbed) continue
        if (s.nonTransactional && SKIPPED.some((k) => s.nonTransactional?.includes(k))) {
          timings.push({ line: s.position.line, label: s.nonTransactional, ms: 0, twin: `skipped: ${s.nonTransactional} cannot run in a transaction; apply runs it` })
          continue
        }
        const twin = transactionalTwin(s)
        const sql = twin ?? s.sql
        const t = performance.now()
        try {
          await client.query(sql)
        } catch (error) {
          failure = { error, statement: s, sent: sql }
          break
        }
        timings.push({ line: s.position.line, label: s.nonTransactional ?? label(s), ms: Math.round((performance.now() - t) * 10) / 10, twin: twin ? `ran as its transactional twin (without CONCURRENTLY)` : undefined })
        if (s.kind === 'AlterEnumStmt' && typeof s.node.newVal === 'string') enumsAdded.push(item.migration.identity)
      }
      if (!failure) {
        try {
          await client.query(item.recordSql)
        } catch (error) {
          failure = { error, statement: script.statements[script.statements.length - 1] as Statement, sent: '' }
        }
      }
      result.statementTimings = timings
      result.durationMs = Math.round(performance.now() - started)
      if (!failure) {
        result.locks = newLocks(before, await heldLocks(client, existing))
        // Each migration starts from clean settings, as in apply (SET LOCAL timeouts included).
        await client.query(`RELEASE SAVEPOINT ${SAVEPOINT};RESET ALL;RESET ROLE;${ctx.sessionSql ? `${ctx.sessionSql};` : ''}${timeoutsSql(ctx)}`)
        result.status = 'previewed'
        continue
      }
      await client.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`)
      const code = isPgError(failure.error) ? failure.error.code : undefined
      const earlierEnum = enumsAdded.find((id) => id !== item.migration.identity)
      if (code === '55P04' && earlierEnum) {
        result.notDryRunnable = `it uses an enum value that ${earlierEnum} adds in this run; Postgres cannot use a new enum value in the transaction that adds it, and apply commits each migration separately`
        outcome.stoppedAt = result
        continue
      }
      if (code === '2D000' && failure.statement.kind === 'CallStmt') {
        result.notDryRunnable = 'the procedure it calls commits, which cannot happen inside the preview transaction'
        outcome.stoppedAt = result
        continue
      }
      const s = failure.statement
      result.status = 'failed'
      result.error = mapRunError(failure.error, { script, text: failure.sent || s.sql, fileOffset: s.offset, prefixCodePoints: 0 }, s)
      result.error.next = `The preview stopped here and rolled everything back. Fix the statement at this position and run the preview again.`
      outcome.failed = result
    }
  } finally {
    // Always: a preview never keeps anything.
    await client.query('ROLLBACK').catch(() => {})
  }
  return outcome
}
