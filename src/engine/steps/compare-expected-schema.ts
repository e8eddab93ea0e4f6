// compare expected schema (verify, step 3, with expected-database-url): apply the
// files to that separate, empty database with the engine itself, snapshot both
// inside READ ONLY transactions, and report every difference (e.g. a hand-made
// change in production). Guards make sure it never applies to a real database.
import type pg from 'pg'
import { historyTableName } from '../../db/history.js'
import { parseDatabaseUrl, type ConnectionTarget } from '../../db/url.js'
import { diffSnapshots } from '../../inspect/diff.js'
import { takeSnapshot, type SnapshotOptions } from '../../inspect/snapshot.js'
import { registerDatabaseUrl } from '../../report/redact.js'
import type { ModeContext } from '../modes/context.js'
import type { SchemaDifference, VerifyCheck } from '../report.js'
import { progressText, type RunLogger } from '../run.js'
import { bookkeepingOf } from './snapshot.js'

export const SCHEMA_DIFF_TITLE = 'live database vs the schema the files build'

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`

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
    warn: (m, o) => log.warn(p(m), o),
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
async function readOnlySnapshot(client: pg.Client, opts: SnapshotOptions) {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
  try {
    return await takeSnapshot(client, opts)
  } finally {
    await client.query('ROLLBACK').catch(() => {})
  }
}

/** The live schema against the schema the files build on expected-database-url. */
export async function compareWithExpected(ctx: ModeContext, expectedUrl: string): Promise<VerifyCheck[]> {
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
    const exclude = bookkeepingOf(historySchema)
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
