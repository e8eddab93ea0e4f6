// The one catalog query behind a snapshot. Every object kind is a branch of a
// single UNION ALL over shared CTEs, so a snapshot costs one round trip however
// many objects the database holds. Each branch yields (key, def): the key names
// the object ('column public.users.email'), def is a jsonb object of its
// normalised properties (nulls are dropped by the caller).
//
// The query must run with search_path = '' (see snapshot.ts): pg_get_*def,
// pg_get_expr, format_type and regclass::text then qualify every name outside
// pg_catalog, so the text does not depend on the session's search_path.
//
// `excluded` is a SQL expression of type text[]: the schemas to leave out
// (besides the system ones).

/** A schema-qualified, quoted name: quote_ident(schema) || '.' || quote_ident(name). */
const q = (schema: string, name: string): string => `quote_ident(${schema}) || '.' || quote_ident(${name})`

/** A grantee oid as a role name; 0 is PUBLIC. */
const grantee = (oid: string): string => `CASE WHEN ${oid} = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(${oid})) END`

/** aclexplode rows as one sorted, de-duplicated json array of privileges. */
const privileges = `to_jsonb(array_agg(DISTINCT x.privilege_type || CASE WHEN x.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END
    ORDER BY x.privilege_type || CASE WHEN x.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END))`

/** Not a member of an extension (pg_depend deptype 'e'). */
const notExt = (catalog: string, oid: string): string =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`

/** pgshift's own tables: `schema` a SQL text literal, `tables` a SQL text[] expression. */
export interface OwnTablesSql {
  schema: string
  tables: string
}

/**
 * Relation `c` (in pgshift's schema) is one of pgshift's tables, or a sequence one of them
 * owns (an identity column's, deptype 'i'; a serial's, 'a'): the rollback log's id.
 */
const ownRelation = (c: string, own: OwnTablesSql): string =>
  `(${c}.relname = ANY (${own.tables}) OR EXISTS (SELECT 1 FROM pg_depend d JOIN pg_class o ON o.oid = d.refobjid
      WHERE d.classid = 'pg_class'::regclass AND d.objid = ${c}.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        AND o.relnamespace = ${c}.relnamespace AND o.relname = ANY (${own.tables})))`

export function snapshotSql(serverVersion: number, excluded = 'ARRAY[]::text[]', own?: OwnTablesSql): string {
  const pg13 = serverVersion >= 130000
  const pg14 = serverVersion >= 140000
  const pg15 = serverVersion >= 150000

  const ns = `ns AS (
  SELECT n.oid, n.nspname, n.nspowner, n.nspacl FROM pg_namespace n
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
    AND n.nspname <> ALL (${excluded})
    AND ${notExt('pg_namespace', 'n.oid')}${
      own
        ? `
    -- pgshift's schema is left out while it holds nothing but pgshift's tables (and their row and array types).
    AND NOT (n.nspname = ${own.schema}
      AND NOT EXISTS (SELECT 1 FROM pg_class c2 WHERE c2.relnamespace = n.oid AND c2.relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'c') AND NOT ${ownRelation('c2', own)})
      AND NOT EXISTS (SELECT 1 FROM pg_proc p2 WHERE p2.pronamespace = n.oid)
      AND NOT EXISTS (SELECT 1 FROM pg_type t2 WHERE t2.typnamespace = n.oid AND t2.typrelid = 0 AND t2.typelem = 0))`
        : ''
    }
)`

  const rel = `rel AS (
  SELECT c.oid, c.relname, c.relkind, c.relowner, c.relacl, c.relpersistence, c.reloptions,
         c.relrowsecurity, c.relforcerowsecurity, c.relispartition, c.relpartbound, ns.nspname,
         ${q('ns.nspname', 'c.relname')} AS qname
  FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
    AND ${notExt('pg_class', 'c.oid')}${own ? `
    AND NOT (ns.nspname = ${own.schema} AND ${ownRelation('c', own)})` : ''}
)`

  const fn = `fn AS (
  SELECT p.*, ns.nspname,
         CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END AS kind,
         ${q('ns.nspname', 'p.proname')} || '(' || array_to_string(ARRAY(
           SELECT format_type(u.t, NULL) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS u(t, i) ORDER BY u.i
         ), ', ') || ')' AS signature
  FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
  WHERE ${notExt('pg_proc', 'p.oid')}
)`

  const body = pg14 ? `coalesce(pg_get_function_sqlbody(p.oid), p.prosrc)` : `p.prosrc`

  const branches: string[] = [
    // schemas
    `SELECT 'schema ' || quote_ident(ns.nspname), '{}'::jsonb FROM ns`,

    // tables (plain, partitioned, foreign)
    `SELECT 'table ' || r.qname, jsonb_build_object(
      'kind', CASE r.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' ELSE 'foreign table' END,
      'persistence', CASE WHEN r.relpersistence = 'u' THEN 'unlogged' END,
      'partition_key', CASE WHEN r.relkind = 'p' THEN pg_get_partkeydef(r.oid) END,
      'partition_of', CASE WHEN r.relispartition THEN (
        SELECT i.inhparent::regclass::text || ' ' || pg_get_expr(r.relpartbound, r.oid)
        FROM pg_inherits i WHERE i.inhrelid = r.oid LIMIT 1) END,
      'inherits', CASE WHEN NOT r.relispartition THEN to_jsonb(ARRAY(
        SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = r.oid ORDER BY i.inhseqno)) END,
      'options', to_jsonb(ARRAY(SELECT o FROM unnest(r.reloptions) o ORDER BY o)))
    FROM rel r WHERE r.relkind IN ('r', 'p', 'f')`,

    // views and materialized views: the definition with its whitespace collapsed
    `SELECT CASE r.relkind WHEN 'v' THEN 'view ' ELSE 'matview ' END || r.qname, jsonb_build_object(
      'definition', regexp_replace(btrim(pg_get_viewdef(r.oid, true)), '\\s+', ' ', 'g'),
      'options', to_jsonb(ARRAY(SELECT o FROM unnest(r.reloptions) o ORDER BY o)))
    FROM rel r WHERE r.relkind IN ('v', 'm')`,

    // columns of tables
    `SELECT 'column ' || r.qname || '.' || quote_ident(a.attname), jsonb_build_object(
      'type', format_type(a.atttypid, a.atttypmod),
      'nullable', CASE WHEN a.attnotnull THEN 'no' ELSE 'yes' END,
      'default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END,
      'generated', CASE a.attgenerated
        WHEN 's' THEN pg_get_expr(ad.adbin, ad.adrelid) || ' stored'
        WHEN 'v' THEN pg_get_expr(ad.adbin, ad.adrelid) || ' virtual' END,
      'identity', CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END,
      'collation', CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN (
        SELECT ${q('cn.nspname', 'co.collname')} FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
        WHERE co.oid = a.attcollation) END)
    FROM rel r
    JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    WHERE r.relkind IN ('r', 'p', 'f')`,

    // table constraints (NOT NULL is a column property; PG 18 also lists it here as 'n')
    `SELECT 'constraint ' || r.qname || '.' || quote_ident(con.conname), jsonb_build_object(
      'type', CASE con.contype WHEN 'p' THEN 'primary key' WHEN 'f' THEN 'foreign key' WHEN 'u' THEN 'unique'
        WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion' WHEN 't' THEN 'trigger' ELSE con.contype::text END,
      'definition', pg_get_constraintdef(con.oid))
    FROM pg_constraint con JOIN rel r ON r.oid = con.conrelid
    WHERE con.contype <> 'n'`,

    // indexes (including those behind constraints), with validity
    `SELECT 'index ' || ${q('r.nspname', 'ic.relname')}, jsonb_build_object(
      'definition', pg_get_indexdef(i.indexrelid),
      'valid', CASE WHEN i.indisvalid THEN 'yes' ELSE 'no' END)
    FROM pg_index i JOIN rel r ON r.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid`,

    // sequences (identity sequences belong to their column)
    `SELECT 'sequence ' || r.qname, jsonb_build_object(
      'type', format_type(s.seqtypid, NULL),
      'start', s.seqstart::text, 'increment', s.seqincrement::text,
      'min', s.seqmin::text, 'max', s.seqmax::text, 'cache', s.seqcache::text,
      'cycle', CASE WHEN s.seqcycle THEN 'yes' ELSE 'no' END,
      'owned_by', (SELECT d.refobjid::regclass::text || '.' || quote_ident(a.attname)
        FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.deptype = 'a'
          AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 LIMIT 1))
    FROM rel r JOIN pg_sequence s ON s.seqrelid = r.oid
    WHERE r.relkind = 'S' AND NOT EXISTS (
      SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.deptype = 'i')`,

    // row level security flags, only where one is set
    `SELECT 'rls ' || r.qname, jsonb_build_object(
      'enabled', CASE WHEN r.relrowsecurity THEN 'yes' ELSE 'no' END,
      'forced', CASE WHEN r.relforcerowsecurity THEN 'yes' ELSE 'no' END)
    FROM rel r WHERE r.relkind IN ('r', 'p') AND (r.relrowsecurity OR r.relforcerowsecurity)`,

    // policies
    `SELECT 'policy ' || r.qname || '.' || quote_ident(pol.polname), jsonb_build_object(
      'command', CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
        WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
      'as', CASE WHEN pol.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
      'roles', to_jsonb(ARRAY(SELECT ${grantee('ro')} FROM unnest(pol.polroles) ro ORDER BY 1)),
      'using', pg_get_expr(pol.polqual, pol.polrelid),
      'with_check', pg_get_expr(pol.polwithcheck, pol.polrelid))
    FROM pg_policy pol JOIN rel r ON r.oid = pol.polrelid`,

    // triggers (not the internal ones behind foreign keys)
    `SELECT 'trigger ' || r.qname || '.' || quote_ident(tg.tgname), jsonb_build_object(
      'definition', pg_get_triggerdef(tg.oid),
      'enabled', CASE tg.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END)
    FROM pg_trigger tg JOIN rel r ON r.oid = tg.tgrelid
    WHERE NOT tg.tgisinternal`,

    // functions, procedures and aggregates: the body as a hash
    `SELECT p.kind || ' ' || p.signature, jsonb_build_object(
      'arguments', pg_get_function_arguments(p.oid),
      'returns', pg_get_function_result(p.oid),
      'language', l.lanname,
      'volatility', CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END,
      'security', CASE WHEN p.prosecdef THEN 'definer' ELSE 'invoker' END,
      'strict', CASE WHEN p.proisstrict THEN 'yes' ELSE 'no' END,
      'parallel', CASE p.proparallel WHEN 's' THEN 'safe' WHEN 'r' THEN 'restricted' ELSE 'unsafe' END,
      'leakproof', CASE WHEN p.proleakproof THEN 'yes' END,
      'config', to_jsonb(ARRAY(SELECT cfg FROM unnest(p.proconfig) cfg ORDER BY cfg)),
      'body', md5(coalesce(${body}, '')))
    FROM fn p JOIN pg_language l ON l.oid = p.prolang`,

    // enums, with their labels in order
    `SELECT 'enum ' || ${q('ns.nspname', 't.typname')}, jsonb_build_object(
      'labels', to_jsonb(ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)))
    FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
    WHERE t.typtype = 'e' AND ${notExt('pg_type', 't.oid')}`,

    // domains
    `SELECT 'domain ' || ${q('ns.nspname', 't.typname')}, jsonb_build_object(
      'type', format_type(t.typbasetype, t.typtypmod),
      'nullable', CASE WHEN t.typnotnull THEN 'no' ELSE 'yes' END,
      'default', pg_get_expr(t.typdefaultbin, 0),
      'constraints', to_jsonb(ARRAY(
        SELECT quote_ident(con.conname) || ' ' || pg_get_constraintdef(con.oid)
        FROM pg_constraint con WHERE con.contypid = t.oid AND con.contype <> 'n' ORDER BY con.conname)))
    FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
    WHERE t.typtype = 'd' AND ${notExt('pg_type', 't.oid')}`,

    // composite types (not the row types of tables)
    `SELECT 'type ' || ${q('ns.nspname', 't.typname')}, jsonb_build_object(
      'attributes', to_jsonb(ARRAY(
        SELECT quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
        FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)))
    FROM pg_type t JOIN ns ON ns.oid = t.typnamespace JOIN pg_class c ON c.oid = t.typrelid
    WHERE t.typtype = 'c' AND c.relkind = 'c' AND ${notExt('pg_type', 't.oid')}`,

    // extensions: name and schema, not the version
    `SELECT 'extension ' || quote_ident(e.extname), jsonb_build_object('schema', n.nspname)
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace`,

    // publications and their member tables (and, from PG 15, schemas)
    `SELECT 'publication ' || quote_ident(pb.pubname), jsonb_build_object(
      'all_tables', CASE WHEN pb.puballtables THEN 'yes' ELSE 'no' END,
      'operations', to_jsonb(ARRAY(SELECT op FROM (VALUES
        (1, 'insert', pb.pubinsert), (2, 'update', pb.pubupdate), (3, 'delete', pb.pubdelete), (4, 'truncate', pb.pubtruncate)
      ) v(i, op, on_) WHERE v.on_ ORDER BY v.i)),
      'via_root', ${pg13 ? `CASE WHEN pb.pubviaroot THEN 'yes' END` : 'NULL::text'})
    FROM pg_publication pb`,

    `SELECT 'publication-member ' || quote_ident(pb.pubname) || ' ' || r.qname, jsonb_build_object(
      'row_filter', ${pg15 ? 'pg_get_expr(pr.prqual, pr.prrelid)' : 'NULL::text'},
      'columns', ${
        pg15
          ? `CASE WHEN pr.prattrs IS NOT NULL THEN to_jsonb(ARRAY(
        SELECT quote_ident(a.attname) FROM pg_attribute a
        WHERE a.attrelid = pr.prrelid AND a.attnum = ANY (pr.prattrs::int2[]) ORDER BY a.attnum)) END`
          : 'NULL::jsonb'
      })
    FROM pg_publication_rel pr JOIN pg_publication pb ON pb.oid = pr.prpubid JOIN rel r ON r.oid = pr.prrelid`,

    ...(pg15
      ? [
          `SELECT 'publication-schema ' || quote_ident(pb.pubname) || ' ' || quote_ident(ns.nspname), '{}'::jsonb
    FROM pg_publication_namespace pn JOIN pg_publication pb ON pb.oid = pn.pnpubid JOIN ns ON ns.oid = pn.pnnspid`
        ]
      : []),

    // grants on tables, views, materialized views, sequences and foreign tables,
    // per grantee; the owner's own privileges and the grantor are left out
    `SELECT 'grant ' || r.qname || ' ' || ${grantee('x.grantee')}, jsonb_build_object('privileges', ${privileges})
    FROM rel r CROSS JOIN LATERAL aclexplode(r.relacl) x
    WHERE x.grantee <> r.relowner
    GROUP BY r.qname, x.grantee`,

    // column grants
    `SELECT 'grant column ' || r.qname || '.' || quote_ident(a.attname) || ' ' || ${grantee('x.grantee')},
      jsonb_build_object('privileges', ${privileges})
    FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT NULL
    CROSS JOIN LATERAL aclexplode(a.attacl) x
    WHERE x.grantee <> r.relowner
    GROUP BY r.qname, a.attname, x.grantee`,

    // EXECUTE on functions: a function with no ACL is executable by PUBLIC, so
    // the default is spelled out and REVOKE ... FROM PUBLIC shows
    `SELECT 'grant ' || p.kind || ' ' || p.signature || ' ' || ${grantee('x.grantee')},
      jsonb_build_object('privileges', ${privileges})
    FROM fn p CROSS JOIN LATERAL aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) x
    WHERE x.grantee <> p.proowner AND p.prokind <> 'a'
    GROUP BY p.kind, p.signature, x.grantee`,

    // USAGE / CREATE on schemas
    `SELECT 'grant schema ' || quote_ident(ns.nspname) || ' ' || ${grantee('x.grantee')},
      jsonb_build_object('privileges', ${privileges})
    FROM ns CROSS JOIN LATERAL aclexplode(ns.nspacl) x
    WHERE x.grantee <> ns.nspowner
    GROUP BY ns.nspname, x.grantee`,

    // ALTER DEFAULT PRIVILEGES entries (grants to roles other than the one whose objects they cover)
    `SELECT 'default-privileges ' || quote_ident(pg_get_userbyid(da.defaclrole)) || ' '
        || coalesce(quote_ident(dn.nspname), '*') || ' '
        || CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
             WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE da.defaclobjtype::text END || ' '
        || ${grantee('x.grantee')},
      jsonb_build_object('privileges', ${privileges})
    FROM pg_default_acl da LEFT JOIN pg_namespace dn ON dn.oid = da.defaclnamespace
    CROSS JOIN LATERAL aclexplode(da.defaclacl) x
    WHERE x.grantee <> da.defaclrole
      AND (da.defaclnamespace = 0 OR EXISTS (SELECT 1 FROM ns WHERE ns.oid = da.defaclnamespace))
    GROUP BY da.defaclrole, dn.nspname, da.defaclobjtype, x.grantee`
  ]

  return `WITH ${ns},
${rel},
${fn}
SELECT s.key, s.def FROM (
${branches.map((b) => `  ${b}`).join('\n  UNION ALL\n')}
) AS s(key, def)`
}
