// supabase step, before the mode: extensions the server lacks, and supabase-shim
// (src/supabase/prepare.ts decides; apply commits the shim here, in its own
// transaction, before the first migration). A refusal or a failure of the shim
// still reports what history holds: applied migrations stay "applied", and the
// report never says the shim created what its transaction rolled back.
import type pg from 'pg'
import type { HistoryRow } from '../../db/history.js'
import { queryCountingStatements } from '../../db/counting-query.js'
import type { Settings } from '../../settings.js'
import { formatPosition } from '../../source/positions.js'
import type { DiscoveryResult, FilePosition } from '../../source/types.js'
import { prepareSupabase } from '../../supabase/prepare.js'
import { plan } from '../plan.js'
import type { MappedError, RunReport } from '../report.js'
import type { RunLogger } from '../run.js'
import { fillFromPlan } from './plan.js'

export interface ShimSession {
  /** Session SQL to restore after RESET ALL. */
  sessionSql?: string
  /** dry-run: run first inside the preview transaction. */
  previewSql?: string
}

/** An error of the shim, with where it points (the migration file that made the object it collided with). */
export class ShimError extends Error {
  constructor(
    readonly mapped: MappedError,
    readonly code?: string
  ) {
    super(mapped.message)
    this.name = 'ShimError'
  }
  get next(): string {
    return this.mapped.next
  }
}

/** The Supabase step; undefined when the run stops here (the report says why). Throws a ShimError when the shim fails. */
export async function supabaseStep(client: pg.Client, settings: Settings, found: DiscoveryResult, history: HistoryRow[], report: RunReport, log: RunLogger): Promise<ShimSession | undefined> {
  const step = await prepareSupabase(client, settings, found, history, report.serverVersion ?? '')
  if (step.line) log.info(`supabase-shim: ${step.line}`)
  if (step.refusal) {
    if (step.line) report.supabaseShim = step.line
    fillFromPlan(report, plan(found.migrations, history, settings))
    report.status = 'blocked'
    report.error = { message: step.refusal.message, next: step.refusal.next }
    report.nextStep = step.refusal.next
    return undefined
  }
  if (step.commitSql && step.shim) {
    // The search_path set on the database reaches new sessions only: set it on this one too.
    const r = await queryCountingStatements(client, `BEGIN;${step.commitSql}\nCOMMIT;${step.sessionSql ?? ''}`)
    if (r.error) {
      await client.query('ROLLBACK').catch(() => {})
      report.supabaseShim = `failed, and its transaction rolled back: created nothing (it was to create ${step.shim.creates.join(', ') || 'grants'})`
      fillFromPlan(report, plan(found.migrations, history, settings))
      // completed counts BEGIN: the failing shim statement is the next one.
      const failed = step.shim.statements[r.completed - 1]
      throw new ShimError(await shimFailure(client, r.error, failed, found), errorCode(r.error))
    }
  }
  if (step.line) report.supabaseShim = step.line
  return { sessionSql: step.sessionSql, previewSql: step.previewSql }
}

const errorCode = (e: unknown) => (e as { code?: string })?.code

const SHIM_SCHEMAS = ['auth', 'storage', 'realtime', 'supabase_functions', 'extensions']

/**
 * What the user needs to know: the server's error, the shim statement, the
 * migration that made the object the shim collided with (file:line:col), and the
 * fix that fits the login role: only a role that is not a superuser is told it
 * lacks the rights.
 */
async function shimFailure(client: pg.Client, e: unknown, statement: string | undefined, found: DiscoveryResult): Promise<MappedError> {
  const err = e as { message?: string; code?: string; detail?: string; hint?: string }
  const superuser = await client
    .query<{ s: boolean }>('SELECT rolsuper AS s FROM pg_catalog.pg_roles WHERE rolname = current_user')
    .then((x) => Boolean(x.rows[0]?.s))
    .catch(() => false)
  const schema = statement ? SHIM_SCHEMAS.find((s) => new RegExp(`\\b${s}\\.|SCHEMA (IF NOT EXISTS )?${s}\\b`, 'i').test(statement)) : undefined
  const maker = schema ? firstStatementIn(found, schema) : undefined
  const parts = ['Nothing was changed: the supabase-shim transaction rolled back before any migration ran.']
  if (err.code === '42501' && !superuser) {
    parts.push('The login role is not a superuser, and the shim creates roles, schemas and extensions: run it as a superuser (as on an ephemeral service container).')
  } else if (maker) {
    parts.push(
      `A migration makes ${schema} objects itself (${formatPosition(maker.file, maker.position)}), with objects the shim's do not match. The shim steps aside for a unit a migration creates without IF NOT EXISTS; here it could not tell. If these migrations bring their own Supabase stand-in, turn supabase-shim off for this directory, or create the whole unit in the migrations (${schema} with all its tables).`
    )
  } else {
    parts.push('An object the shim creates exists in another shape (made by hand, a hook or another tool?): drop it on this ephemeral database, or turn supabase-shim off.')
  }
  return {
    message: `supabase-shim failed: ${err.message ?? String(e)}`,
    ...(err.code ? { sqlstate: err.code } : {}),
    ...(err.detail ? { detail: err.detail } : {}),
    ...(err.hint ? { hint: err.hint } : {}),
    ...(statement ? { statement: statement.length > 300 ? `${statement.slice(0, 300)}…` : statement } : {}),
    ...(maker ? { file: maker.file, position: maker.position } : {}),
    next: parts.join(' ')
  }
}

/** The first statement, in run order, of a migration that creates schema `schema` or a table in it. */
function firstStatementIn(found: DiscoveryResult, schema: string): { file: string; position?: FilePosition } | undefined {
  for (const m of found.migrations) {
    for (const s of m.up.statements) {
      const rel = s.node.relation as { schemaname?: string } | undefined
      const makes = (s.kind === 'CreateSchemaStmt' && s.node.schemaname === schema) || (s.kind === 'CreateStmt' && rel?.schemaname === schema)
      if (makes) return { file: m.up.source.file, position: s.position }
    }
  }
  return undefined
}
