// CREATE EXTENSION of an extension the server lacks. Supabase images ship dozens of
// extensions a vanilla Postgres does not (pg_net, pg_cron, vault, vector...). The
// statements are found in the parse trees and checked against pg_available_extensions
// before anything runs, so the run is refused with the extension's name and the fix,
// instead of failing halfway. With supabase-shim-extensions: stub, a few are satisfied
// by callable stand-ins (see stubs.ts); the statements themselves are then blanked out
// of the sent text (Statement.stubbed), so file checksums and error positions stay as
// they are.
import type pg from 'pg'
import { formatPosition } from '../source/positions.js'
import { blankStatements } from '../source/script.js'
import type { FilePosition, Migration, ParsedScript, Statement } from '../source/types.js'

/** Extensions the shim can stand in for, and what the stand-in provides. */
export const STUBBED_EXTENSIONS: Record<string, string> = {
  pg_net: 'schema net: http_get/http_post/http_delete record the request in net.http_request_queue and send nothing',
  pg_cron: 'schema cron: cron.job, cron.job_run_details, schedule/unschedule/alter_job record jobs that never run',
  supabase_vault: 'schema vault: vault.secrets, vault.decrypted_secrets, create_secret/update_secret (stored in plain text)',
  // Not an extension name, but what people write for supabase_vault.
  vault: 'schema vault (as supabase_vault)',
  // Enabled by every `supabase db dump` header; migrations rarely call them.
  pgsodium: 'accepted as a no-op: its schema only, no functions',
  pg_graphql: 'accepted as a no-op: schemas graphql and graphql_public only, no resolver',
  pgjwt: 'accepted as a no-op: no sign()/verify() functions'
}

/** Where the extension can be found, for the error's fix. */
const WHERE: Record<string, string> = {
  vector: 'pgvector/pgvector:pg17 or supabase/postgres',
  postgis: 'postgis/postgis or supabase/postgres',
  timescaledb: 'timescale/timescaledb or supabase/postgres'
}

export interface ExtensionUse {
  name: string
  file: string
  position: FilePosition
  ifNotExists: boolean
  /** The WITH SCHEMA option, when given. */
  schema?: string
}

/** Every CREATE EXTENSION in these scripts, in order. */
export function createdExtensions(scripts: ParsedScript[]): ExtensionUse[] {
  const out: ExtensionUse[] = []
  for (const script of scripts) {
    for (const s of script.statements) {
      if (s.kind !== 'CreateExtensionStmt' || typeof s.node.extname !== 'string') continue
      const schemaOpt = (s.node.options as Array<{ DefElem?: { defname?: string; arg?: { String?: { sval?: string } } } }> | undefined)?.find((o) => o.DefElem?.defname === 'schema')
      out.push({
        name: s.node.extname,
        file: script.source.file,
        position: s.position,
        ifNotExists: s.node.if_not_exists === true,
        schema: schemaOpt?.DefElem?.arg?.String?.sval
      })
    }
  }
  return out
}

const EXTENSION_KINDS = new Set(['CreateExtensionStmt', 'AlterExtensionStmt', 'AlterExtensionContentsStmt', 'DropStmt', 'CommentStmt'])

/** The extension a statement creates, alters, drops or comments on (undefined for any other statement). */
export function extensionOf(s: Statement): string[] {
  // The tree is read only for the kinds that can name an extension (a released tree is parsed again: see source/script.ts).
  if (!EXTENSION_KINDS.has(s.kind)) return []
  const n = s.node
  if ((s.kind === 'CreateExtensionStmt' || s.kind === 'AlterExtensionStmt' || s.kind === 'AlterExtensionContentsStmt') && typeof n.extname === 'string') return [n.extname]
  if (s.kind === 'DropStmt' && n.removeType === 'OBJECT_EXTENSION') {
    return ((n.objects as Array<{ String?: { sval?: string } }>) ?? []).map((o) => o.String?.sval).filter((x): x is string => typeof x === 'string')
  }
  if (s.kind === 'CommentStmt' && n.objtype === 'OBJECT_EXTENSION') {
    const v = (n.object as { String?: { sval?: string } } | undefined)?.String?.sval
    return v ? [v] : []
  }
  return []
}

/** Names the server can install (pg_available_extensions: control files on the server). */
export async function availableExtensions(client: pg.Client): Promise<Set<string>> {
  const { rows } = await client.query<{ name: string }>('SELECT name FROM pg_catalog.pg_available_extensions')
  return new Set(rows.map((r) => r.name))
}

export interface ExtensionCheck {
  /** Extensions the server lacks that the shim stubs (stub mode only). */
  stubbed: ExtensionUse[]
  /** Extensions the server lacks and nothing stands in for: the run is refused. */
  missing: ExtensionUse[]
}

export function checkExtensions(uses: ExtensionUse[], available: Set<string>, mode: 'error' | 'stub' | 'no-shim'): ExtensionCheck {
  const lacking = uses.filter((u) => !available.has(u.name))
  const stubbable = (u: ExtensionUse) => mode === 'stub' && u.name in STUBBED_EXTENSIONS
  return { stubbed: lacking.filter(stubbable), missing: lacking.filter((u) => !stubbable(u)) }
}

/** The refusal for extensions the server lacks: each named with its file:line, then the fix. */
export function missingExtensionsMessage(missing: ExtensionUse[], mode: 'error' | 'stub' | 'no-shim', serverVersion: string): { message: string; next: string } {
  const names = [...new Set(missing.map((m) => m.name))]
  // Each extension once, with every place that creates it (a set may create one in two files).
  const where = names.map((n) => `${n} (${missing.filter((m) => m.name === n).map((m) => formatPosition(m.file, m.position)).join(', ')})`).join(', ')
  const major = /^(\d+)/.exec(serverVersion)?.[1] ?? '17'
  const images = names.map((n) => `${n}: ${WHERE[n] ?? 'supabase/postgres'}`).join('; ')
  const canStub = names.filter((n) => n in STUBBED_EXTENSIONS)
  const cannot = names.filter((n) => !(n in STUBBED_EXTENSIONS))
  const fixes = [`run the check on a Postgres image that has ${names.length === 1 ? 'it' : 'them'} (${images}; e.g. the service image supabase/postgres:${major}.x, the same major version as now)`]
  if (canStub.length && mode !== 'stub') {
    fixes.push(`or, for ${canStub.join(', ')}, set supabase-shim: true and supabase-shim-extensions: stub to load callable stand-ins`)
  }
  if (cannot.length && mode === 'stub') fixes.push(`${cannot.join(', ')} ${cannot.length === 1 ? 'is a real dependency' : 'are real dependencies'}: pgshift does not fake ${cannot.length === 1 ? 'it' : 'them'}`)
  return {
    message: `The server lacks ${names.length === 1 ? 'the extension' : 'extensions'} ${names.join(', ')}, which the pending migrations create: ${where}.`,
    next: `Nothing was changed. To check these migrations, ${fixes.join('; ')}.`
  }
}

/**
 * Marks every statement about a stubbed extension (CREATE, ALTER, DROP, COMMENT ON
 * EXTENSION) in the ups and downs as stubbed, and blanks it out of the sent text.
 */
export function stubExtensionStatements(migrations: Migration[], names: Set<string>): number {
  let n = 0
  for (const m of migrations) {
    for (const script of [m.up, m.down].filter((x): x is ParsedScript => x !== undefined)) {
      const hit = script.statements.filter((s) => !s.strippedWrapper && extensionOf(s).some((e) => names.has(e)))
      if (!hit.length) continue
      for (const s of hit) s.stubbed = extensionOf(s).find((e) => names.has(e))
      script.sendText = blankStatements(script, hit)
      n += hit.length
    }
  }
  return n
}

/** The server error for an extension it lacks (0A000 since PG 15, 58P01 before). */
export function missingExtensionInError(message: string): string | undefined {
  return /extension "([^"]+)" is not available/.exec(message)?.[1] ?? /could not open extension control file "[^"]*\/([^/"]+)\.control"/.exec(message)?.[1]
}
