// Supabase lint of the applied schema (issue 5 item 4): after apply, or inside
// dry-run's preview transaction before its rollback, read the catalog and report
// what Supabase's own linter would flag, plus new grants to anon and
// uuid_generate_v4(). Each finding points at the migration statement that made
// the object, when one of the files did.
import type pg from 'pg'
import type { Migration } from '../../source/types.js'
import { ANON_GRANTS_SQL, MANAGED_SCHEMAS, RULE_BY_ID, RULE_QUERIES, SUPABASE_RULES } from './rules.js'
import type { SupabaseLintFinding } from './types.js'

export { SUPABASE_RULES } from './rules.js'
export type { SupabaseLintFinding } from './types.js'

/**
 * The database looks like Supabase (or the shim ran on it): the API roles anon and
 * authenticated exist, and so does the schema auth. Roles belong to the whole
 * server, the schema to this database: both, so a neighbour database does not count.
 */
export async function looksLikeSupabase(client: pg.Client): Promise<boolean> {
  const r = await client.query<{ ok: boolean }>(
    `SELECT (SELECT count(*) FROM pg_roles WHERE rolname IN ('anon', 'authenticated')) = 2 AND to_regnamespace('auth') IS NOT NULL AS ok`
  )
  return r.rows[0]?.ok === true
}

/** anon's privileges that no default privilege explains, as 'kind schema.name PRIVILEGE'. */
export async function anonGrants(client: pg.Client, skipSchemas: string[] = []): Promise<Set<string>> {
  const r = await client.query<{ kind: string; schema: string; name: string; privilege: string; by_default: boolean }>(ANON_GRANTS_SQL, [[...MANAGED_SCHEMAS, ...skipSchemas]])
  return new Set(r.rows.filter((x) => !x.by_default).map((x) => `${x.kind} ${x.schema}.${x.name} ${x.privilege}`))
}

/** Statement kinds that make (or change) each kind of object, to find the file and line. */
const MAKERS: Record<string, string[]> = {
  table: ['CreateStmt', 'CreateTableAsStmt', 'AlterTableStmt'],
  column: ['CreateStmt', 'AlterTableStmt'],
  policy: ['CreatePolicyStmt', 'AlterPolicyStmt'],
  function: ['CreateFunctionStmt', 'AlterFunctionStmt'],
  view: ['ViewStmt'],
  relation: ['GrantStmt'],
  grant: ['GrantStmt']
}

/** The latest statement of the files that makes this object: its kind matches and its tree names it. */
function locate(migrations: Migration[], kind: string, names: string[]): { file: string; line: number } | undefined {
  const kinds = MAKERS[kind] ?? []
  const needles = names.filter(Boolean).map((n) => JSON.stringify(n))
  for (let i = migrations.length - 1; i >= 0; i--) {
    const m = migrations[i] as Migration
    for (let j = m.up.statements.length - 1; j >= 0; j--) {
      const s = m.up.statements[j]
      if (!s || !kinds.includes(s.kind)) continue
      const tree = JSON.stringify(s.node)
      if (needles.every((n) => tree.includes(n))) return { file: m.up.source.file, line: s.position.line }
    }
  }
  return undefined
}

export interface SupabaseLintOptions {
  migrations: Migration[]
  /** anon's grants before this run (see anonGrants); undefined skips the new-grant rule. */
  anonBefore?: Set<string>
  exposedSchemas?: string[]
  /** Schemas never linted besides Supabase's own (pgshift's history schema). */
  skipSchemas?: string[]
  level: 'warning' | 'error'
}

export async function lintAppliedSchema(client: pg.Client, opts: SupabaseLintOptions): Promise<SupabaseLintFinding[]> {
  const exposed = opts.exposedSchemas ?? ['public']
  const skip = [...MANAGED_SCHEMAS, ...(opts.skipSchemas ?? [])]
  const findings: SupabaseLintFinding[] = []
  const add = (ruleId: string, object: string, message: string, where: { file: string; line: number } | undefined) => {
    const rule = RULE_BY_ID.get(ruleId)
    if (!rule) return
    findings.push({ rule: rule.id, supabaseLint: rule.supabaseLint, url: rule.url, object, message, file: where?.file, line: where?.line, level: opts.level })
  }
  for (const rule of SUPABASE_RULES) {
    const sql = RULE_QUERIES[rule.id]
    if (!sql) continue
    const r = await client.query<{ kind: string; schema: string; name: string; detail: string }>(`${sql} ORDER BY 2, 3, 4`, [exposed, skip])
    for (const x of r.rows) {
      const q = `${x.schema}.${x.name}`
      switch (rule.id) {
        case 'supabase/rls-disabled-in-public':
          add(rule.id, `table ${q}`, `Table ${q} is in an exposed schema without row level security: ALTER TABLE ${q} ENABLE ROW LEVEL SECURITY, then add policies.`, locate(opts.migrations, 'table', [x.name]))
          break
        case 'supabase/rls-enabled-no-policy':
          add(rule.id, `table ${q}`, `Table ${q} has row level security on and no policy, so the API returns nothing from it: add a policy, or say why in a comment if only the service role uses it.`, locate(opts.migrations, 'table', [x.name]))
          break
        case 'supabase/auth-rls-initplan':
          add(rule.id, `policy ${x.detail} on ${q}`, `Policy "${x.detail}" on ${q} calls auth.uid() or auth.jwt() for every row: write (select auth.uid()) instead, which runs once per query.`, locate(opts.migrations, 'policy', [x.detail]))
          break
        case 'supabase/function-search-path-mutable':
          add(rule.id, `function ${q}(${x.detail})`, `SECURITY DEFINER function ${q}(${x.detail}) has no pinned search_path: add SET search_path = '' (and schema-qualify the names it uses).`, locate(opts.migrations, 'function', [x.name]))
          break
        case 'supabase/security-definer-view':
          add(rule.id, `view ${q}`, `View ${q} is in an exposed schema without security_invoker, so it bypasses the caller's row level security: CREATE VIEW ... WITH (security_invoker = true) (Postgres 15+).`, locate(opts.migrations, 'view', [x.name]))
          break
        case 'supabase/uuid-generate-v4':
          add(rule.id, `column ${q}.${x.detail}`, `Column ${q}.${x.detail} defaults to uuid_generate_v4(): use the built-in gen_random_uuid(), which needs no extension.`, locate(opts.migrations, 'column', [x.name, x.detail]))
          break
      }
    }
  }
  if (opts.anonBefore) {
    const before = opts.anonBefore
    for (const g of await anonGrants(client, opts.skipSchemas)) {
      if (before.has(g)) continue
      const [kind, qualified, privilege] = g.split(' ') as [string, string, string]
      const bare = qualified.slice(qualified.indexOf('.') + 1).replace(/\(.*$/, '')
      add('supabase/new-anon-grant', `${kind} ${qualified}`, `This run granted ${privilege} on ${qualified} to anon, the role of every unauthenticated API request: grant to authenticated instead, or make sure row level security covers it.`, locate(opts.migrations, 'grant', [bare, 'anon']))
    }
  }
  return findings
}
