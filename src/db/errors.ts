// Maps a Postgres error onto the migration file (DESIGN 13): Postgres reports
// `position` as a 1-based count of characters in the query string it received.
// We know where that string came from in the file, so we can give file:line:col.
import type { MappedError } from '../engine/report.js'
import { advanceCodePoints, lineColAt } from '../source/positions.js'
import type { ParsedScript, Statement } from '../source/types.js'
import { shortenStatement } from '../report/text.js'
import { missingExtensionInError, STUBBED_EXTENSIONS } from '../supabase/extensions.js'

/** The fields of a pg DatabaseError we use (pg's own type has them all optional). */
export interface PgErrorLike {
  message: string
  code?: string
  detail?: string
  hint?: string
  position?: string
  where?: string
  internalQuery?: string
  internalPosition?: string
}

export function isPgError(e: unknown): e is PgErrorLike & Error {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((e as unknown as { code: string }).code)
}

/** Where the sent text came from: `sent` starts `prefixCodePoints` characters before `origin` text in the file. */
export interface SentTextOrigin {
  script: ParsedScript
  /** The text whose characters Postgres counted, minus our prefix. */
  text: string
  /** JS index in the file where `text` starts. */
  fileOffset: number
  /** Characters we sent before `text` (our BEGIN/SET prefix). */
  prefixCodePoints: number
}

/**
 * Maps an error raised while running `origin` (or `statement`, when known).
 * Without a position, the error points at the failing statement's first line.
 */
export function mapRunError(err: unknown, origin: SentTextOrigin, statement?: Statement): MappedError {
  const e = (isPgError(err) ? err : { message: err instanceof Error ? err.message : String(err) }) as PgErrorLike
  const file = origin.script.source.file
  let position = statement?.position
  const pos = e.position ? Number(e.position) : NaN
  if (Number.isFinite(pos) && pos > 0) {
    const cp = pos - 1 - origin.prefixCodePoints
    if (cp >= 0) {
      const idx = advanceCodePoints(origin.text, 0, cp)
      position = lineColAt(origin.script.source.fileText, origin.fileOffset + idx)
    }
  }
  const stmt = statement ?? (position ? statementAtLine(origin.script, position.line, position.col) : undefined)
  return {
    file,
    position: position ?? stmt?.position,
    sqlstate: e.code,
    message: e.message,
    detail: e.detail,
    hint: e.hint,
    where: e.where,
    // The report keeps a generous excerpt; renderers shorten further for display.
    statement: stmt ? shortenStatement(stmt.sql, 200, 10_000) : undefined,
    next: missingExtensionNext(e) ?? roleExistsNext(e, file) ?? nextStepFor(e.code, file)
  }
}

/** CREATE EXTENSION of an extension the server lacks (0A000 since PG 15, 58P01 before): the fix, by name. */
function missingExtensionNext(e: PgErrorLike): string | undefined {
  if (e.code !== '0A000' && e.code !== '58P01') return undefined
  const name = missingExtensionInError(e.message)
  if (!name) return undefined
  const stub = name in STUBBED_EXTENSIONS ? ', or, on an ephemeral check, set supabase-shim: true and supabase-shim-extensions: stub for a callable stand-in' : ''
  return `The server has no extension ${name}: its files are not installed there. Use a Postgres image that has it (supabase/postgres${name === 'vector' ? ' or pgvector/pgvector' : ''})${stub}. Nothing of this file was kept, so a rerun starts again at this file.`
}

/**
 * CREATE ROLE of a role that exists (42710): roles belong to the whole server, so
 * another database on it (a staging copy, a PR check's neighbour) may have made it.
 */
function roleExistsNext(e: PgErrorLike, file: string): string | undefined {
  if (e.code !== '42710' || !/^role ".*" already exists$/.test(e.message)) return undefined
  return `Roles belong to the whole server, not to one database: another database on the same server (or an earlier run against one) may have created it, and dropping a database never drops its roles. Create it only when missing (\`DO $$ BEGIN CREATE ROLE ...; EXCEPTION WHEN duplicate_object THEN NULL; END $$\`), or drop it if nothing else uses it. Nothing of ${file} was kept, so a rerun starts again at this file.`
}

/** The statement that contains file position line:col (the last one starting at or before it). */
export function statementAtLine(script: ParsedScript, line: number, col: number): Statement | undefined {
  let found: Statement | undefined
  for (const s of script.statements) {
    if (s.position.line < line || (s.position.line === line && s.position.col <= col)) found = s
    else break
  }
  return found
}

/** What to do next, by SQLSTATE class. The rerun behaviour is stated because users fear half-applied states. */
export function nextStepFor(code: string | undefined, file: string): string {
  const rerun = `Nothing of ${file} was kept, so a rerun starts again at this file.`
  switch (code) {
    case '42P07':
    case '42710':
    case '42723':
      return `The object already exists in the database, but history does not record the migration that creates it (created by hand, or by another tool?). Either drop it, or make the statement idempotent (IF NOT EXISTS). ${rerun}`
    case '42P01':
    case '42883':
    case '42704':
    case '3F000':
      return `Something this statement needs does not exist yet: check that an earlier migration creates it and that the order shown by \`pgshift plan\` is right. ${rerun}`
    case '55P03':
      return `Another session held a conflicting lock for longer than lock-timeout on every retry. Production traffic was not blocked behind us for longer than lock-timeout. Run again when the table is quieter, or raise lock-timeout / lock-retries. ${rerun}`
    case '57014':
      return `The statement was cancelled: statement-timeout was reached, or the run was cancelled. Raise statement-timeout for long data migrations, or split the work. ${rerun}`
    case '2D000':
      return `COMMIT or ROLLBACK inside a DO block or procedure cannot run in a transaction, and pgshift runs this file in one. Give it its own file with a \`-- pgshift:no-transaction\` line, so it runs statement by statement and the block can commit. ${rerun}`
    case '25006':
      return `This server is read-only (a hot standby, or default_transaction_read_only is on for this database or role): point database-url at the primary, or turn read-only off for the migration role. ${rerun}`
    case '25001':
      return `This statement cannot run inside a transaction block. Put it in its own file, or add a \`-- pgshift:no-transaction\` line to the file. ${rerun}`
    case '42501':
      return `The database user lacks a privilege this statement needs. Grant it, or run migrations as the schema owner. ${rerun}`
    case '57P01':
    case '57P02':
    case '57P03':
      return `The server terminated the connection (shutdown or pg_terminate_backend). ${rerun}`
    case '40001':
    case '40P01':
      return `A serialization failure or deadlock with another session. ${rerun}`
    default:
      if (code?.startsWith('23')) return `Existing data violates this change. Fix the data first (in an earlier migration), or change the constraint. ${rerun}`
      if (code?.startsWith('42')) return `Fix the SQL at this position. ${rerun}`
      return `Fix the cause shown above. ${rerun}`
  }
}
