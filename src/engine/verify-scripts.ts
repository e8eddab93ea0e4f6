// Runs one verify script (DESIGN 12) and turns the outcome into a VerifyCheck.
//
// A verify script is plain SQL: `verify/X.sql` (Sqitch), `X.verify.sql`, or a
// dbmate-style `-- migrate:verify` section. It fails on an error, or when any row
// it returns has a first column that is false or NULL; otherwise it passes
// (a statement that returns no rows, or a non-boolean first column, passes).
// The natural form is one `SELECT <boolean expression> AS ok`.
//
// It runs read-only, and nothing it does is kept:
//   BEGIN READ ONLY; SET LOCAL statement_timeout/lock_timeout; SELECT 1
//   <the script's sendText>          (one simple query: one result per statement)
//   ROLLBACK
// The `SELECT 1` takes the transaction's first snapshot, after which Postgres
// refuses `SET TRANSACTION READ WRITE` (25001): without it, a script starting
// with that statement could write (and, for non-transactional effects such as
// nextval(), keep what it wrote). ROLLBACK also undoes any SET the script made.
import type pg from 'pg'
import { queryCountingStatements, type CountedQuery } from '../db/counting-query.js'
import { mapRunError, type SentTextOrigin } from '../db/errors.js'
import type { Migration, ParsedScript, Statement } from '../source/types.js'
import type { MappedError, VerifyCheck } from './report.js'

export interface VerifyScriptOptions {
  /** statement_timeout for the script, in ms (never 0: a runaway verify query must not hang CI). */
  statementTimeoutMs: number
  /** lock_timeout, in ms: a verify query must not queue behind a migration's lock for long. */
  lockTimeoutMs: number
}

/** information_schema views that show only objects on tables the current role owns or holds a non-SELECT privilege on. */
const PRIVILEGE_FILTERED_VIEWS =
  /\binformation_schema\s*\.\s*(triggers|table_constraints|key_column_usage|constraint_column_usage|constraint_table_usage|referential_constraints|check_constraints|triggered_update_columns)\b/i

/** Statements the script sends (the stripped outer BEGIN/COMMIT wrapper is not sent). */
function sentStatements(script: ParsedScript): Statement[] {
  return script.statements.filter((s) => !s.strippedWrapper && !s.stubbed)
}

function formatValue(v: unknown): string {
  let s: string
  if (v === null || v === undefined) s = 'NULL'
  else if (v instanceof Date) s = v.toISOString()
  else if (Buffer.isBuffer(v)) s = `\\x${v.toString('hex')}`
  else if (typeof v === 'object') s = JSON.stringify(v)
  else s = String(v)
  return s.length > 80 ? `${s.slice(0, 77)}...` : s
}

/** A row as `name=value, name=value`, shortened for a report line. */
export function formatRow(fields: { name: string }[], row: unknown[]): string {
  const text = row.map((v, i) => `${fields[i]?.name ?? `column${i + 1}`}=${formatValue(v)}`).join(', ')
  return text.length > 300 ? `${text.slice(0, 297)}...` : text
}

/** A row fails when its first column is false or NULL. */
function failingRows(result: pg.QueryArrayResult): unknown[][] {
  if (!result.fields?.length) return []
  return result.rows.filter((r) => r[0] === false || r[0] === null || r[0] === undefined)
}

function nextForVerifyError(e: MappedError, file: string): string {
  const where = e.position ? `${file}:${e.position.line}` : file
  switch (e.sqlstate) {
    case '25006':
      return `Verify scripts run in a read-only transaction and must not write: remove the write at ${where}. Nothing was changed.`
    case '25001':
      return `Verify scripts run inside pgshift's read-only transaction: remove the transaction control (SET TRANSACTION, VACUUM, CONCURRENTLY...) at ${where}. Nothing was changed.`
    case '57014':
      return `The verify query at ${where} hit statement-timeout (or the run was cancelled). Make it cheaper, or raise statement-timeout. Nothing was changed.`
    case '55P03':
      return `The verify query at ${where} waited longer than lock-timeout for a lock (a migration or a long transaction holds it). Rerun when it is done. Nothing was changed.`
    case '42501':
      return `The verify role lacks a privilege the query at ${where} needs: grant it SELECT (and USAGE on the schema), or run verify as the owner. Nothing was changed.`
    default:
      if (e.sqlstate?.startsWith('42')) {
        return `The verify query at ${where} failed: fix the query, or the schema it checks if the query is right (an object it names may be missing: was it dropped by hand?). Nothing was changed.`
      }
      return `The verify script ${where} failed: fix the script, or the database if the script is right. Nothing was changed.`
  }
}

/**
 * Runs the verify script of `m` on `client` (no transaction open) and returns its check.
 * Never throws for a database error; the connection is left outside any transaction.
 */
export async function runVerifyScript(client: pg.Client, m: Migration, script: ParsedScript, opts: VerifyScriptOptions): Promise<VerifyCheck> {
  const file = script.source.file
  const sent = sentStatements(script)
  const first = sent[0]
  const base = { subject: m.identity, file, line: first?.position.line ?? 1 }

  // Transaction control would end our read-only transaction (COMMIT), after which the rest would run read-write.
  const control = sent.find((s) => s.transactionControl && s.transactionControl !== 'savepoint')
  if (control) {
    return {
      ...base,
      line: control.position.line,
      ok: false,
      message: `${file}:${control.position.line}: verify scripts cannot hold transaction control (${control.kind}); pgshift runs each one in its own read-only transaction. The script was not run.`
    }
  }

  const timeout = Math.max(1, Math.round(opts.statementTimeoutMs))
  const lockTimeout = Math.max(1, Math.round(opts.lockTimeoutMs))
  try {
    await client.query(`BEGIN READ ONLY;SET LOCAL statement_timeout = ${timeout};SET LOCAL lock_timeout = ${lockTimeout};SELECT 1`)
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    const origin: SentTextOrigin = { script, text: script.sendText, fileOffset: script.source.offset, prefixCodePoints: 0 }
    const mapped = mapRunError(error, origin, first)
    mapped.next = nextForVerifyError(mapped, file)
    return { ...base, ok: false, message: `${file}: could not start the read-only transaction: ${mapped.message}`, error: mapped }
  }

  let outcome: CountedQuery
  try {
    outcome = await queryCountingStatements(client, script.sendText)
  } finally {
    await client.query('ROLLBACK').catch(() => {})
  }

  if (outcome.error) {
    const statement = outcome.completed < sent.length ? sent[outcome.completed] : undefined
    const origin: SentTextOrigin = { script, text: script.sendText, fileOffset: script.source.offset, prefixCodePoints: 0 }
    const mapped = mapRunError(outcome.error, origin, statement)
    mapped.next = nextForVerifyError(mapped, file)
    const line = mapped.position?.line ?? statement?.position.line ?? base.line
    const col = mapped.position?.col
    return {
      ...base,
      line,
      ok: false,
      message: `${file}:${line}${col ? `:${col}` : ''}: ${mapped.sqlstate ? `${mapped.sqlstate} ` : ''}${mapped.message}`,
      error: mapped
    }
  }

  // One result per statement, in order (pg builds one per CommandComplete).
  const results = outcome.results
  const aligned = results.length === sent.length
  let rowsSeen = 0
  const failures: { line: number; row: string; count: number; of: number; column: string; value: 'false' | 'NULL'; sql: string }[] = []
  results.forEach((r, i) => {
    rowsSeen += r.rows.length
    const bad = failingRows(r)
    if (!bad.length) return
    const statement = aligned ? sent[i] : undefined
    failures.push({
      line: statement?.position.line ?? base.line,
      row: formatRow(r.fields, bad[0] as unknown[]),
      count: bad.length,
      of: r.rows.length,
      column: r.fields[0]?.name ?? 'column 1',
      value: (bad[0] as unknown[])[0] === false ? 'false' : 'NULL',
      // Unaligned (never seen): the whole script stands in for the statement.
      sql: statement?.sql ?? script.sendText
    })
  })
  if (failures.length) {
    const f = failures[0]!
    const rows = f.of > 1 ? ` (${f.count} of ${f.of} rows)` : ''
    const more = failures.length > 1 ? `; ${failures.length - 1} more statement${failures.length > 2 ? 's' : ''} also returned failing rows (line ${failures.slice(1).map((x) => x.line).join(', ')})` : ''
    const hint = failures.some((x) => PRIVILEGE_FILTERED_VIEWS.test(x.sql))
      ? ' Note: information_schema.triggers, table_constraints and key_column_usage show only objects on tables the current role owns or holds a privilege other than SELECT on; for a read-only verify role, query pg_trigger / pg_constraint instead.'
      : ''
    return {
      ...base,
      line: f.line,
      ok: false,
      message: `${file}:${f.line}: the statement at line ${f.line} returned a row whose first column (${f.column}) is ${f.value}: ${f.row}${rows}${more}.${hint}`
    }
  }
  const n = sent.length
  return {
    ...base,
    ok: true,
    message: `${file}: ${n} statement${n === 1 ? '' : 's'} ran read-only; ${rowsSeen === 0 ? 'no rows returned' : `${rowsSeen} row${rowsSeen === 1 ? '' : 's'}, first column true in each`}`
  }
}
