// Statements that change the server rather than the database being migrated
// (issue 14 item 10): roles and their memberships and settings, ALTER SYSTEM,
// tablespaces, other databases and the database's own entry. They live in the
// cluster's shared catalogs (pg_authid, pg_auth_members, pg_db_role_setting,
// pg_tablespace, pg_database) or in postgresql.auto.conf, so they outlive a
// dropped or restored database and reach every other database on the server.
// Read from the parse tree's node types; shared by the lint rule
// `server-wide-change` and plan's per-migration note.
import { parseStatementTree, plpgsqlStatements } from '../source/parser.js'
import type { Statement } from '../source/types.js'
import { defElem, list, type Node, optionOn, str, unwrap } from './tree.js'

/** The statement kinds that can change the server (RenameStmt and AlterOwnerStmt only for some objects). */
export const SERVER_WIDE_KINDS: ReadonlySet<string> = new Set([
  'CreateRoleStmt',
  'AlterRoleStmt',
  'AlterRoleSetStmt',
  'DropRoleStmt',
  'GrantRoleStmt',
  'AlterSystemStmt',
  'AlterDatabaseStmt',
  'AlterDatabaseSetStmt',
  'AlterDatabaseRefreshCollStmt',
  'AlterOwnerStmt',
  'RenameStmt',
  'CreatedbStmt',
  'CreateTableSpaceStmt',
  'DropTableSpaceStmt',
  'AlterTableSpaceOptionsStmt',
  // The usual idempotent form: DO $$ BEGIN IF NOT EXISTS (...) THEN CREATE ROLE ... END IF; END $$.
  'DoStmt'
])

export interface ServerWideChange {
  /** A short label: `CREATE ROLE app_reader`, `ALTER ROLE app NOSUPERUSER`, `ALTER SYSTEM SET work_mem`. */
  what: string
  /** The database's own entry (owner, settings, name) rather than a cluster-wide object. */
  database: boolean
  /** It can take a role's login or rights away: pgshift's own login role may be the one. */
  lockout: boolean
  /** Inside a DO block: lines from the DO statement's first line to this statement's. */
  lineOffset?: number
}

const ROLE_OPTIONS: Record<string, [string, string]> = {
  superuser: ['SUPERUSER', 'NOSUPERUSER'],
  canlogin: ['LOGIN', 'NOLOGIN'],
  createdb: ['CREATEDB', 'NOCREATEDB'],
  createrole: ['CREATEROLE', 'NOCREATEROLE'],
  inherit: ['INHERIT', 'NOINHERIT'],
  isreplication: ['REPLICATION', 'NOREPLICATION'],
  bypassrls: ['BYPASSRLS', 'NOBYPASSRLS']
}
const OTHER_OPTIONS: Record<string, string> = { password: 'PASSWORD', validUntil: 'VALID UNTIL', connectionlimit: 'CONNECTION LIMIT', sysid: 'SYSID' }
/** Options whose change can keep a role from logging in or from doing what it did. */
const LOCKING = new Set(['NOSUPERUSER', 'NOLOGIN', 'NOINHERIT', 'NOCREATEROLE', 'NOBYPASSRLS', 'PASSWORD', 'VALID UNTIL', 'CONNECTION LIMIT'])

/** `app`, `CURRENT_USER`, `PUBLIC` from a RoleSpec node (wrapped or not). */
function role(n: unknown): string {
  const r = (unwrap(n, 'RoleSpec') ?? n) as Node | undefined
  if (!r) return '?'
  if (r.roletype === 'ROLESPEC_CSTRING') return String(r.rolename)
  return String(r.roletype ?? '?').replace(/^ROLESPEC_/, '')
}

function roleOptions(options: unknown): string[] {
  return list({ options }, 'options').flatMap((o) => {
    const d = unwrap(o, 'DefElem')
    const name = typeof d?.defname === 'string' ? d.defname : ''
    const pair = ROLE_OPTIONS[name]
    if (pair && d) return [optionOn(d) ? pair[0] : pair[1]]
    return OTHER_OPTIONS[name] ? [OTHER_OPTIONS[name]] : []
  })
}

const setName = (n: unknown): string => {
  const s = n as Node | undefined
  return s?.kind === 'VAR_RESET_ALL' ? 'RESET ALL' : `${s?.kind === 'VAR_RESET' ? 'RESET' : 'SET'} ${String(s?.name ?? '')}`.trim()
}

/** What `s` changes on the server, when it does; undefined for everything else (read without parsing when the kind rules it out). */
export function serverWideChange(s: Pick<Statement, 'kind' | 'node'>): ServerWideChange | undefined {
  if (!SERVER_WIDE_KINDS.has(s.kind)) return undefined
  const n = s.node
  const at = (what: string, lockout = false, database = false): ServerWideChange => ({ what, lockout, database })
  switch (s.kind) {
    case 'CreateRoleStmt': {
      const kind = n.stmt_type === 'ROLESTMT_USER' ? 'USER' : n.stmt_type === 'ROLESTMT_GROUP' ? 'GROUP' : 'ROLE'
      return at(`CREATE ${kind} ${String(n.role)}`)
    }
    case 'AlterRoleStmt': {
      const opts = roleOptions(n.options)
      // ALTER GROUP g ADD USER u / DROP USER u (action -1 takes a membership away).
      const members = defElem(n.options, 'rolemembers')
      if (members) {
        const who = list(unwrap(members.arg, 'List'), 'items').map(role).join(', ')
        return at(`ALTER GROUP ${role(n.role)} ${n.action === -1 ? 'DROP' : 'ADD'} USER ${who}`, n.action === -1)
      }
      return at(`ALTER ROLE ${role(n.role)}${opts.length ? ` ${opts.join(' ')}` : ''}`, opts.some((o) => LOCKING.has(o)))
    }
    case 'AlterRoleSetStmt': {
      // ALTER ROLE ... IN DATABASE d SET: a setting for one database; still the role's, for every session it opens there.
      const who = n.role ? role(n.role) : 'ALL'
      return at(`ALTER ROLE ${who}${typeof n.database === 'string' ? ` IN DATABASE ${n.database}` : ''} ${setName(n.setstmt)}`)
    }
    case 'DropRoleStmt':
      return at(`DROP ROLE ${list(n, 'roles').map(role).join(', ')}`, true)
    case 'GrantRoleStmt': {
      const granted = list(n, 'granted_roles').map((g) => String(unwrap(g, 'AccessPriv')?.priv_name ?? '?'))
      const to = list(n, 'grantee_roles').map(role)
      return n.is_grant ? at(`GRANT ${granted.join(', ')} TO ${to.join(', ')}`) : at(`REVOKE ${granted.join(', ')} FROM ${to.join(', ')}`, true)
    }
    case 'AlterSystemStmt':
      return at(`ALTER SYSTEM ${setName(n.setstmt)}`)
    case 'AlterDatabaseStmt':
    case 'AlterDatabaseRefreshCollStmt':
      return at(`ALTER DATABASE ${String(n.dbname)}`, false, true)
    case 'AlterDatabaseSetStmt':
      return at(`ALTER DATABASE ${String(n.dbname)} ${setName(n.setstmt)}`, false, true)
    case 'AlterOwnerStmt':
      if (n.objectType === 'OBJECT_DATABASE') return at(`ALTER DATABASE ${str(n.object) ?? '?'} OWNER TO ${role(n.newowner)}`, true, true)
      if (n.objectType === 'OBJECT_TABLESPACE') return at(`ALTER TABLESPACE ${str(n.object) ?? '?'} OWNER TO ${role(n.newowner)}`)
      return undefined
    case 'RenameStmt':
      // Renaming a role clears its MD5 password (the name is its salt).
      if (n.renameType === 'OBJECT_ROLE') return at(`ALTER ROLE ${String(n.subname)} RENAME TO ${String(n.newname)}`, true)
      if (n.renameType === 'OBJECT_DATABASE') return at(`ALTER DATABASE ${String(n.subname)} RENAME TO ${String(n.newname)}`, true, true)
      if (n.renameType === 'OBJECT_TABLESPACE') return at(`ALTER TABLESPACE ${String(n.subname)} RENAME TO ${String(n.newname)}`)
      return undefined
    case 'CreatedbStmt':
      return at(`CREATE DATABASE ${String(n.dbname)}`)
    case 'CreateTableSpaceStmt':
      return at(`CREATE TABLESPACE ${String(n.tablespacename)}`)
    case 'DropTableSpaceStmt':
      return at(`DROP TABLESPACE ${String(n.tablespacename)}`)
    case 'AlterTableSpaceOptionsStmt':
      return at(`ALTER TABLESPACE ${String(n.tablespacename)}`)
  }
  return undefined
}

/**
 * Every server-wide change of a statement: itself, or the static statements of a
 * PL/pgSQL DO block (what EXECUTE builds at run time is not seen).
 */
export function serverWideChanges(s: Pick<Statement, 'kind' | 'node' | 'sql'>): ServerWideChange[] {
  if (!SERVER_WIDE_KINDS.has(s.kind)) return []
  switch (s.kind) {
    case 'DoStmt':
      return doBlockChanges(s)
    default: {
      const c = serverWideChange(s)
      return c ? [c] : []
    }
  }
}

function doBlockChanges(s: Pick<Statement, 'node' | 'sql'>): ServerWideChange[] {
  const language = str(defElem(s.node.args, 'language')?.arg)
  const body = str(defElem(s.node.args, 'as')?.arg)
  if (body === undefined || (language !== undefined && language.toLowerCase() !== 'plpgsql')) return []
  const at = s.sql.indexOf(body)
  const bodyLine = at < 0 ? 0 : s.sql.slice(0, at).split('\n').length - 1
  return (plpgsqlStatements(body) ?? []).flatMap((inner) => {
    let c: ServerWideChange | undefined
    try {
      c = serverWideChange(parseStatementTree(inner.query, 0))
    } catch {
      return []
    }
    return c ? [{ ...c, what: `${c.what} (in a DO block)`, lineOffset: at < 0 ? 0 : bodyLine + inner.line - 1 }] : []
  })
}

/** A rule message: the change, and why it matters beyond this database. */
export function serverWideMessage(c: ServerWideChange): string {
  const where = c.database
    ? `changes the database's own entry in the server's shared catalog (pg_database), not a schema object: a down script does not restore it, and a dump of the schema (pg_dump without --create) does not carry it`
    : 'changes the whole server, not this database: it outlives a dropped or restored database, every other database on the server (a staging copy, a PR check on the same server) sees it, and a down script of this database does not restore it'
  const lockout = c.lockout ? `; if it touches the role pgshift logs in as (or one that role relies on), the next run may not log in or may lack the rights it needs` : ''
  return `${c.what} ${where}${lockout}`
}
