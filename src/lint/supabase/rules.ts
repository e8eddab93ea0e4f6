// The Supabase lint rules: one catalog query each, read on the applied schema.
// The ids follow Supabase's database linter (supabase/splinter) where it has the
// same check, so the link explains the reason in Supabase's own words.

export interface SupabaseRule {
  id: string
  /** splinter's lint name, '' when Supabase's linter has no such check. */
  supabaseLint: string
  url: string
  summary: string
}

const LINTER = 'https://supabase.com/docs/guides/database/database-linter?lint='

export const SUPABASE_RULES: SupabaseRule[] = [
  { id: 'supabase/rls-disabled-in-public', supabaseLint: '0013_rls_disabled_in_public', url: `${LINTER}0013_rls_disabled_in_public`, summary: 'A table in an exposed schema without row level security: anyone with the anon key can read and write it through the API.' },
  { id: 'supabase/rls-enabled-no-policy', supabaseLint: '0008_rls_enabled_no_policy', url: `${LINTER}0008_rls_enabled_no_policy`, summary: 'Row level security is on but the table has no policy: the API returns no rows to anyone.' },
  { id: 'supabase/auth-rls-initplan', supabaseLint: '0003_auth_rls_initplan', url: `${LINTER}0003_auth_rls_initplan`, summary: 'A policy calls auth.uid() or auth.jwt() per row: wrap it as (select auth.uid()) so it runs once per query.' },
  { id: 'supabase/function-search-path-mutable', supabaseLint: '0011_function_search_path_mutable', url: `${LINTER}0011_function_search_path_mutable`, summary: 'A SECURITY DEFINER function without a pinned search_path: a caller can make it resolve names to their own objects. Add SET search_path = \'\'.' },
  { id: 'supabase/security-definer-view', supabaseLint: '0010_security_definer_view', url: `${LINTER}0010_security_definer_view`, summary: "A view in an exposed schema without security_invoker: it runs with its owner's rights and bypasses the caller's RLS. Use WITH (security_invoker = true)." },
  { id: 'supabase/new-anon-grant', supabaseLint: '', url: 'https://supabase.com/docs/guides/database/postgres/roles#anon', summary: 'This run granted a privilege to anon, the role of every unauthenticated API request.' },
  { id: 'supabase/uuid-generate-v4', supabaseLint: '', url: 'https://www.postgresql.org/docs/current/functions-uuid.html', summary: 'uuid_generate_v4() needs the uuid-ossp extension; the built-in gen_random_uuid() does the same.' }
]

export const RULE_BY_ID = new Map(SUPABASE_RULES.map((r) => [r.id, r]))

/** Schemas Supabase and pgshift manage: never linted. */
export const MANAGED_SCHEMAS = [
  'pg_catalog', 'information_schema', 'pg_toast', 'auth', 'storage', 'extensions', 'realtime', '_realtime', 'graphql', 'graphql_public',
  'vault', 'pgsodium', 'pgsodium_masks', 'net', 'cron', 'supabase_functions', 'supabase_migrations', 'pgbouncer', '_analytics', 'pgmq', 'pgtle'
]

/** Objects an extension owns are the extension's business. */
const NOT_EXTENSION = (classid: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${classid}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`

/** Each query takes $1 = exposed schemas, $2 = schemas never linted; returns (kind, schema, name, detail). */
export const RULE_QUERIES: Record<string, string> = {
  'supabase/rls-disabled-in-public': `
    SELECT 'table' AS kind, n.nspname AS schema, c.relname AS name, '' AS detail FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND NOT c.relrowsecurity AND n.nspname = ANY($1) AND NOT n.nspname = ANY($2) AND ${NOT_EXTENSION('pg_class', 'c.oid')}`,
  'supabase/rls-enabled-no-policy': `
    SELECT 'table' AS kind, n.nspname AS schema, c.relname AS name, '' AS detail FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND c.relrowsecurity AND n.nspname = ANY($1) AND NOT n.nspname = ANY($2)
       AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)`,
  // As splinter: a call to auth.<fn>() that no "select" precedes, in USING or WITH CHECK.
  'supabase/auth-rls-initplan': `
    SELECT 'policy' AS kind, p.schemaname AS schema, p.tablename AS name, p.policyname AS detail FROM pg_policies p
     WHERE NOT p.schemaname = ANY($2) AND $1::text[] IS NOT NULL AND (
       (p.qual ~ 'auth\\.(uid|jwt)\\(\\)' AND lower(p.qual) !~ 'select\\s+auth\\.(uid|jwt)\\(\\)')
       OR (p.with_check ~ 'auth\\.(uid|jwt)\\(\\)' AND lower(p.with_check) !~ 'select\\s+auth\\.(uid|jwt)\\(\\)'))`,
  'supabase/function-search-path-mutable': `
    SELECT 'function' AS kind, n.nspname AS schema, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS detail FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE p.prosecdef AND NOT n.nspname = ANY($2) AND $1::text[] IS NOT NULL AND ${NOT_EXTENSION('pg_proc', 'p.oid')}
       AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(p.proconfig, '{}')) s WHERE s LIKE 'search_path=%')`,
  'supabase/security-definer-view': `
    SELECT 'view' AS kind, n.nspname AS schema, c.relname AS name, '' AS detail FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'v' AND n.nspname = ANY($1) AND NOT n.nspname = ANY($2) AND ${NOT_EXTENSION('pg_class', 'c.oid')}
       AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(c.reloptions, '{}')) o WHERE lower(o) IN ('security_invoker=true', 'security_invoker=on', 'security_invoker=1', 'security_invoker=yes'))`,
  'supabase/uuid-generate-v4': `
    SELECT 'column' AS kind, n.nspname AS schema, c.relname AS name, a.attname AS detail FROM pg_attrdef d
      JOIN pg_class c ON c.oid = d.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
     WHERE pg_get_expr(d.adbin, d.adrelid) ~ 'uuid_generate_v4\\(' AND NOT n.nspname = ANY($2) AND $1::text[] IS NOT NULL
       AND current_setting('server_version_num')::int >= 130000`
}

/**
 * What anon may do, as 'kind schema.name privilege' strings: table, view and
 * sequence privileges, and EXECUTE on functions, explicit grants and PUBLIC's
 * aside. A privilege the schema's default privileges give anon (Supabase grants
 * anon on every new public table that way) is not a new grant of this run's.
 */
export const ANON_GRANTS_SQL = `
  SELECT 'relation' AS kind, n.nspname AS schema, c.relname AS name, a.privilege_type AS privilege,
         EXISTS (SELECT 1 FROM pg_default_acl da, aclexplode(da.defaclacl) x
                  WHERE da.defaclobjtype IN ('r', 'S') AND da.defaclrole = c.relowner AND da.defaclnamespace IN (0, n.oid)
                    AND x.grantee = 'anon'::regrole AND x.privilege_type = a.privilege_type) AS by_default
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
   WHERE a.grantee = 'anon'::regrole AND NOT n.nspname = ANY($1)
  UNION ALL
  SELECT 'function', n.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', a.privilege_type,
         EXISTS (SELECT 1 FROM pg_default_acl da, aclexplode(da.defaclacl) x
                  WHERE da.defaclobjtype = 'f' AND da.defaclrole = p.proowner AND da.defaclnamespace IN (0, n.oid)
                    AND x.grantee = 'anon'::regrole AND x.privilege_type = a.privilege_type)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, aclexplode(p.proacl) a
   WHERE a.grantee = 'anon'::regrole AND NOT n.nspname = ANY($1)`
