// supabase-shim: true. Makes an ephemeral vanilla Postgres accept Supabase
// migrations by creating what a Supabase project has before its first migration
// (shim-sql.ts), and only what is missing. Three steps, so every mode can use the
// read-only part:
//   inspectShim  read-only: what exists, whether the database already is Supabase;
//   planShim     pure: what to create, where to step aside for the migrations' own objects;
//   shimSql      the statements; the caller runs them in a transaction (apply: committed
//                before the migrations; dry-run: inside the preview, rolled back).
import type pg from 'pg'
import type { ParsedScript } from '../source/types.js'
import { ownObjects } from './detect.js'
import type { ExtensionUse } from './extensions.js'
import {
  AUTH_FUNCTION_NAMES,
  authenticatorGrantsSql,
  authSql,
  extensionsSql,
  publicGrantsSql,
  REALTIME_FUNCTION_NAMES,
  REALTIME_PUBLICATION_SQL,
  realtimeSql,
  roleSql,
  SEARCH_PATH,
  searchPathSql,
  SHIM_ROLES,
  STORAGE_FUNCTION_NAMES,
  storageSql,
  webhooksSql
} from './shim-sql.js'
import { stubSql } from './stubs.js'

export interface ShimState {
  database: string
  roles: Set<string>
  /** Signs that this database is Supabase (or the supabase/postgres image): the shim refuses it. */
  supabaseSigns: string[]
  schemas: Set<string>
  /** 'auth.users', 'storage.objects'... */
  tables: Set<string>
  /** 'auth.uid', 'storage.foldername'... */
  functions: Set<string>
  extensions: Set<string>
  publications: Set<string>
  /** Whether `public` already has default privileges for the API roles (granted once; a later REVOKE stays). */
  publicDefaults: boolean
  /** The database's own search_path setting, as stored (e.g. '"$user", public, extensions'). */
  searchPath?: string
}

const STATE_SQL = `SELECT
  current_database() AS database,
  ARRAY(SELECT rolname::text FROM pg_catalog.pg_roles) AS roles,
  ARRAY(SELECT nspname::text FROM pg_catalog.pg_namespace) AS schemas,
  ARRAY(SELECT n.nspname || '.' || c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('auth', 'storage', 'realtime', 'supabase_functions') AND c.relkind IN ('r', 'p', 'v')) AS tables,
  ARRAY(SELECT n.nspname || '.' || p.proname FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname IN ('auth', 'storage', 'realtime', 'supabase_functions')) AS functions,
  ARRAY(SELECT extname::text FROM pg_catalog.pg_extension) AS extensions,
  ARRAY(SELECT pubname::text FROM pg_catalog.pg_publication) AS publications,
  (SELECT substring(c FROM '^search_path=(.*)$') FROM pg_catalog.pg_db_role_setting s, unnest(s.setconfig) c
    WHERE s.setdatabase = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()) AND s.setrole = 0
      AND c LIKE 'search_path=%') AS search_path,
  EXISTS (SELECT FROM pg_catalog.pg_default_acl d WHERE d.defaclnamespace = to_regnamespace('public')
    AND d.defaclrole = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user)
    AND array_to_string(d.defaclacl, ',') ~ '(^|,)(anon|authenticated|service_role)=') AS public_defaults`

/** Read-only: what the database has. */
export async function inspectShim(client: pg.Client): Promise<ShimState> {
  const { rows } = await client.query(STATE_SQL)
  const r = rows[0] as { database: string; roles: string[]; schemas: string[]; tables: string[]; functions: string[]; extensions: string[]; publications: string[]; search_path: string | null; public_defaults: boolean }
  const roles = new Set(r.roles)
  const tables = new Set(r.tables)
  const signs: string[] = []
  if (roles.has('supabase_admin')) signs.push('role supabase_admin exists')
  if (tables.has('auth.schema_migrations')) signs.push('auth.schema_migrations exists (GoTrue ran here)')
  if (tables.has('storage.migrations')) signs.push('storage.migrations exists (the Storage API ran here)')
  return {
    database: r.database,
    roles,
    supabaseSigns: signs,
    schemas: new Set(r.schemas),
    tables,
    functions: new Set(r.functions),
    extensions: new Set(r.extensions),
    publications: new Set(r.publications),
    searchPath: r.search_path ?? undefined,
    publicDefaults: r.public_defaults
  }
}

export interface ShimPlan {
  /** Set when the database already is Supabase: the run is refused. */
  refusal?: { message: string; next: string }
  /** What will be created, in words ('role anon', 'auth.users', ...). Empty: nothing is missing. */
  creates: string[]
  /** Objects the migrations create themselves, with where ('role authenticated (file:3:1)'). */
  steppedAside: string[]
  /** Stubbed extensions, in words. */
  stubs: string[]
  /** The statements, in order; empty when there is nothing to do. */
  statements: string[]
  /** True when the database's search_path changes: sessions opened before it need it set. */
  setsSearchPath: boolean
}

/** Pure: what the shim does on a database in `state`, given the migrations' up scripts (applied and pending) and the extensions to stub. */
export function planShim(state: ShimState, ups: ParsedScript[], stubs: ExtensionUse[]): ShimPlan {
  if (state.supabaseSigns.length) {
    return {
      refusal: {
        message: `supabase-shim: this database already is a Supabase database (${state.supabaseSigns.join('; ')}). The shim is for an ephemeral vanilla Postgres, and never touches a Supabase database.`,
        next: 'Nothing was changed. Against Supabase (or a supabase/postgres service container) the roles, auth, storage and extensions are real: remove supabase-shim: true from this step.'
      },
      creates: [],
      steppedAside: [],
      stubs: [],
      statements: [],
      setsSearchPath: false
    }
  }
  const own = ownObjects(ups)
  const creates: string[] = []
  const aside: string[] = []
  const statements: string[] = []

  // Roles.
  const roles = new Set(state.roles)
  for (const role of SHIM_ROLES) {
    if (roles.has(role.name)) continue
    const by = own.roles.get(role.name)
    if (by) {
      aside.push(`role ${role.name} (${by}); its grants are left to the migrations`)
      continue
    }
    statements.push(roleSql(role))
    creates.push(`role ${role.name}`)
    roles.add(role.name)
  }
  if (roles.has('authenticator')) {
    const api = ['anon', 'authenticated', 'service_role'].filter((r) => roles.has(r))
    statements.push(...authenticatorGrantsSql(api))
  }
  const present = [...roles].filter((r) => SHIM_ROLES.some((s) => s.name === r))

  // Schema extensions, pgcrypto, uuid-ossp and the search_path.
  const extBy = own.units.get('extensions')
  if (extBy) aside.push(`schema extensions (${extBy})`)
  else if (!state.schemas.has('extensions') || !state.extensions.has('pgcrypto') || !state.extensions.has('uuid-ossp')) {
    const wants = (ext: string) => {
      if (state.extensions.has(ext)) return false
      const by = own.extensions.get(ext)
      if (by) aside.push(`extension ${ext} (${by})`)
      return !by
    }
    const pgcrypto = wants('pgcrypto')
    const uuidOssp = wants('uuid-ossp')
    if (!state.schemas.has('extensions')) creates.push('schema extensions')
    if (pgcrypto) creates.push('pgcrypto')
    if (uuidOssp) creates.push('uuid-ossp')
    statements.push(...extensionsSql({ pgcrypto, uuidOssp, roles: present.filter((r) => ['postgres', 'anon', 'authenticated', 'service_role'].includes(r)) }))
  }
  const setsSearchPath = normalise(state.searchPath) !== normalise(SEARCH_PATH)
  if (setsSearchPath) {
    statements.push(searchPathSql(state.database))
    creates.push(`search_path ${SEARCH_PATH}`)
  }

  // auth and storage.
  const unit = (schema: string, tables: string[], fnNames: string[], sql: typeof authSql) => {
    const by = own.units.get(schema)
    if (by) {
      aside.push(`schema ${schema} (${by})`)
      return
    }
    const fns = fnNames.filter((f) => {
      if (state.functions.has(`${schema}.${f}`)) return false
      const defined = own.functions.get(`${schema}.${f}`)
      if (defined) aside.push(`${schema}.${f}() (${defined})`)
      return !defined
    })
    const missingTables = tables.filter((t) => !state.tables.has(`${schema}.${t}`))
    // Nothing missing: leave the unit alone (a migration may have changed its RLS, comments or grants since).
    if (!missingTables.length && !fns.length) return
    // The unit's tables exist: only its missing functions are added. Its CREATE TABLE IF NOT
    // EXISTS would do nothing, but its indexes, partitions and grants assume the shim's columns.
    // When only some exist, someone else made them (a migration or a prelude the parse cannot
    // read, a hook): the shim makes them together, so it says it stepped aside.
    const existing = tables.filter((t) => state.tables.has(`${schema}.${t}`))
    if (existing.length) {
      if (missingTables.length) aside.push(`schema ${schema} (${existing.map((t) => `${schema}.${t}`).join(', ')} exist${existing.length === 1 ? 's' : ''} in the database, not made by the shim)`)
      if (!fns.length) return
      creates.push(...fns.map((f) => `${schema}.${f}()`))
      statements.push(...sql({ functions: fns, roles: present, functionsOnly: true }))
      return
    }
    creates.push(...missingTables.map((t) => `${schema}.${t}`), ...fns.map((f) => `${schema}.${f}()`))
    statements.push(...sql({ functions: fns, roles: present }))
  }
  unit('auth', ['users', 'identities'], AUTH_FUNCTION_NAMES, authSql)
  unit('storage', ['buckets', 'objects'], STORAGE_FUNCTION_NAMES, storageSql)
  unit('realtime', ['messages'], REALTIME_FUNCTION_NAMES, realtimeSql)
  unit('supabase_functions', ['hooks'], ['http_request'], webhooksSql)

  // Realtime.
  if (!state.publications.has('supabase_realtime')) {
    const by = own.publications.get('supabase_realtime')
    if (by) aside.push(`publication supabase_realtime (${by})`)
    else {
      statements.push(REALTIME_PUBLICATION_SQL)
      creates.push('publication supabase_realtime')
    }
  }

  if (!state.publicDefaults) {
    const grants = publicGrantsSql(present)
    statements.push(...grants)
    if (grants.length) creates.push('grants and default privileges on public')
  }

  // Stubs for extensions the server lacks.
  const stubbed: string[] = []
  for (const use of stubs) {
    if (stubbed.includes(use.name)) continue
    stubbed.push(use.name)
    statements.push(...stubSql(use.name, use.schema))
  }
  return { creates, steppedAside: aside, stubs: stubbed, statements, setsSearchPath }
}

function normalise(path: string | undefined): string {
  return (path ?? '').replace(/\s+/g, '').replace(/"\$user"/, '$user').toLowerCase()
}

/** The shim's statements as one script (the caller wraps it in its transaction). */
export function shimScript(plan: ShimPlan): string {
  return plan.statements.map((s) => `${s};`).join('\n')
}

/** The session-level search_path for a connection opened before the database default changed. */
export const SESSION_SEARCH_PATH_SQL = `SET search_path TO ${SEARCH_PATH}`

/** One line for the report. */
export function shimLine(plan: ShimPlan, verb: 'created' | 'would create' | 'created inside the preview (rolled back)'): string {
  const parts: string[] = []
  parts.push(plan.creates.length ? `${verb} ${plan.creates.join(', ')}` : 'nothing missing: created nothing')
  if (plan.stubs.length) parts.push(`stubbed extensions ${plan.stubs.join(', ')} (their CREATE EXTENSION statements are not sent)`)
  if (plan.steppedAside.length) parts.push(`stepped aside for what the migrations create themselves: ${plan.steppedAside.join(', ')}`)
  return parts.join('; ')
}
