// A tenant-schema set: every schema of one database, migrated in one job, N at a
// time. Each schema's run is the normal engine run (runPgshift) with two settings
// changed: history-schema is the tenant schema (so its history table lives in it,
// and the lock key, derived from the history schema, is its own), and search-path
// is the tenant schema (so the files' unqualified names land in it). At most
// `concurrency` runs are open at once, each with its two connections (migration
// and lock): the pool is 2 x concurrency connections.
import { connect } from '../db/connect.js'
import { parseDatabaseUrl } from '../db/url.js'
import { runPgshift, type RunContext, type RunLogger } from '../engine/run.js'
import type { RunReport } from '../engine/report.js'
import type { Settings } from '../settings.js'
import type { SchemaSet } from './targets.js'

/** The schema names of a set: its list, or its query's first column, read in a read-only transaction. */
export async function resolveSchemas(set: SchemaSet, databaseUrl: string, connectTimeoutMs: number): Promise<string[]> {
  if (set.list) return [...new Set(set.list)]
  const client = await connect(parseDatabaseUrl(databaseUrl), { connectTimeoutMs })
  try {
    await client.query('BEGIN READ ONLY')
    const r = await client.query({ text: set.query as string, rowMode: 'array' })
    await client.query('ROLLBACK')
    const names = r.rows.map((row: unknown[]) => row[0]).filter((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 63)
    return [...new Set(names)]
  } catch (e) {
    throw Object.assign(e as Error, {
      next: "The schemas query of this target failed, so no schema was migrated. It runs read-only and its first column must hold the schema names, e.g. SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' ORDER BY 1."
    })
  } finally {
    await client.end().catch(() => {})
  }
}

export interface SchemaRun {
  schema: string
  /** Undefined when it did not start (fail-fast after an earlier failure). */
  report?: RunReport
}

/** A logger for one schema's run among several running at once: every line names the schema. */
function schemaLogger(log: RunLogger, schema: string): RunLogger {
  const p = (m: string) => `[${schema}] ${m}`
  return {
    info: (m) => log.info(p(m)),
    warn: (m, o) => log.warn(p(m), o),
    // Log groups cannot interleave: a schema's migrations are plain lines.
    group: (_title, fn) => fn(),
    progress: (x) => log.info(p(`[${x.index}/${x.total}] ${x.title} ${x.verb} in ${Math.round(x.durationMs)} ms`))
  }
}

/** The settings of one schema's run. */
export function schemaSettings(settings: Readonly<Settings>, set: SchemaSet, schema: string, databaseUrl: string): Readonly<Settings> {
  return { ...settings, databaseUrl, historySchema: schema, searchPath: set['search-path'].map((s) => (s === '{schema}' ? schema : s)) }
}

/**
 * Runs the engine on every schema, `set.concurrency` at a time, in list order.
 * With fail-fast, no schema starts after one failed (those running finish:
 * cancelling a migration midway only makes it roll back).
 */
export async function runSchemas(settings: Readonly<Settings>, set: SchemaSet, schemas: string[], databaseUrl: string, ctx: RunContext): Promise<SchemaRun[]> {
  const runs: SchemaRun[] = schemas.map((schema) => ({ schema }))
  let next = 0
  let stop = false
  const worker = async () => {
    while (!stop && next < runs.length && !ctx.signal?.aborted) {
      const run = runs[next++] as SchemaRun
      run.report = await runPgshift(schemaSettings(settings, set, run.schema, databaseUrl), { ...ctx, logger: schemaLogger(ctx.logger, run.schema) })
      const s = run.report.status
      ctx.logger.info(`[${run.schema}] ${settings.mode}: ${s}`)
      if ((s === 'failed' || s === 'blocked') && set['fail-fast']) stop = true
    }
  }
  await Promise.all(Array.from({ length: Math.min(set.concurrency, runs.length) }, worker))
  return runs
}
