// What one parsed statement means for the executor (DESIGN 3 and 4): must it run
// outside a transaction block, is it transaction control, is it COPY FROM STDIN.
// Only the parse tree is consulted, never the text, so comments and strings that
// merely mention CONCURRENTLY or COMMIT cannot fool it.
import type { Statement } from './types.js'

export interface Classification {
  /** Why it cannot run in a transaction block, e.g. 'CREATE INDEX CONCURRENTLY'. */
  nonTransactional?: string
  transactionControl?: Statement['transactionControl']
  /** COPY ... FROM STDIN: psql feeds the rows; we cannot. */
  copyFromStdin?: boolean
}

type Node = Record<string, unknown>

const defElems = (list: unknown): Node[] =>
  Array.isArray(list) ? list.map((d) => (d as { DefElem?: Node }).DefElem).filter((d): d is Node => !!d) : []

/** The boolean value of an option written `name`, `name true`, `name = off`... */
function optionOn(def: Node): boolean {
  const arg = def.arg as Node | undefined
  if (!arg) return true
  if ('Boolean' in arg) return !!(arg.Boolean as { boolval?: boolean }).boolval
  if ('Integer' in arg) return !!(arg.Integer as { ival?: number }).ival
  if ('String' in arg) return !['false', 'off', 'no', '0'].includes(String((arg.String as { sval?: string }).sval).toLowerCase())
  return true
}

const option = (list: unknown, name: string): Node | undefined => defElems(list).find((d) => d.defname === name)

const TRANSACTION_KINDS: Record<string, Statement['transactionControl']> = {
  TRANS_STMT_BEGIN: 'begin',
  TRANS_STMT_START: 'begin',
  TRANS_STMT_COMMIT: 'commit',
  TRANS_STMT_ROLLBACK: 'rollback',
  TRANS_STMT_SAVEPOINT: 'savepoint',
  TRANS_STMT_RELEASE: 'savepoint',
  TRANS_STMT_ROLLBACK_TO: 'savepoint',
  TRANS_STMT_PREPARE: 'other',
  TRANS_STMT_COMMIT_PREPARED: 'other',
  TRANS_STMT_ROLLBACK_PREPARED: 'other'
}

export function classify(kind: string, node: Node): Classification {
  switch (kind) {
    case 'TransactionStmt': {
      let tc = TRANSACTION_KINDS[String(node.kind)] ?? 'other'
      // COMMIT AND CHAIN commits and opens a new transaction: never a plain wrapper end.
      if (tc === 'commit' && node.chain) tc = 'other'
      return { transactionControl: tc }
    }
    case 'IndexStmt':
      return node.concurrent ? { nonTransactional: 'CREATE INDEX CONCURRENTLY' } : {}
    case 'DropStmt':
      return node.concurrent ? { nonTransactional: 'DROP INDEX CONCURRENTLY' } : {}
    case 'ReindexStmt': {
      const conc = option(node.params, 'concurrently')
      if (conc && optionOn(conc)) return { nonTransactional: 'REINDEX CONCURRENTLY' }
      // Postgres refuses these three in a transaction block.
      const multi: Record<string, string> = {
        REINDEX_OBJECT_SCHEMA: 'REINDEX SCHEMA',
        REINDEX_OBJECT_SYSTEM: 'REINDEX SYSTEM',
        REINDEX_OBJECT_DATABASE: 'REINDEX DATABASE'
      }
      const what = multi[String(node.kind)]
      return what ? { nonTransactional: what } : {}
    }
    case 'VacuumStmt':
      // Plain ANALYZE is a VacuumStmt too, and runs fine in a transaction.
      return node.is_vacuumcmd ? { nonTransactional: 'VACUUM' } : {}
    case 'AlterSystemStmt':
      return { nonTransactional: 'ALTER SYSTEM' }
    case 'CreatedbStmt':
      return { nonTransactional: 'CREATE DATABASE' }
    case 'DropdbStmt':
      return { nonTransactional: 'DROP DATABASE' }
    case 'AlterDatabaseStmt':
      return option(node.options, 'tablespace') ? { nonTransactional: 'ALTER DATABASE ... SET TABLESPACE' } : {}
    case 'CreateTableSpaceStmt':
      return { nonTransactional: 'CREATE TABLESPACE' }
    case 'DropTableSpaceStmt':
      return { nonTransactional: 'DROP TABLESPACE' }
    case 'CallStmt':
      // A procedure may COMMIT, which only works outside a transaction block.
      return { nonTransactional: 'CALL' }
    case 'CreateSubscriptionStmt': {
      const slot = option(node.options, 'create_slot')
      const connect = option(node.options, 'connect')
      const createsSlot = (!slot || optionOn(slot)) && (!connect || optionOn(connect))
      return createsSlot ? { nonTransactional: 'CREATE SUBSCRIPTION' } : {}
    }
    case 'DropSubscriptionStmt':
      return { nonTransactional: 'DROP SUBSCRIPTION' }
    case 'AlterTableStmt': {
      const cmds = Array.isArray(node.cmds) ? (node.cmds as Array<{ AlterTableCmd?: Node }>) : []
      const detach = cmds.some((c) => {
        const cmd = c.AlterTableCmd
        const def = (cmd?.def as { PartitionCmd?: Node } | undefined)?.PartitionCmd
        return cmd?.subtype === 'AT_DetachPartition' && !!def?.concurrent
      })
      return detach ? { nonTransactional: 'ALTER TABLE ... DETACH PARTITION CONCURRENTLY' } : {}
    }
    case 'CopyStmt':
      return node.is_from && !node.filename && !node.is_program ? { copyFromStdin: true } : {}
    default:
      return {}
  }
}

const TRANSACTION_LABELS: Record<string, string> = {
  TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
  TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED',
  TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
  TRANS_STMT_START: 'START TRANSACTION',
  TRANS_STMT_ROLLBACK_TO: 'ROLLBACK TO SAVEPOINT'
}

/** A short name for messages: 'COMMIT', 'END', 'PREPARE TRANSACTION', 'COMMIT AND CHAIN'... */
export function statementLabel(s: Pick<Statement, 'kind' | 'node' | 'sql' | 'nonTransactional'>): string {
  if (s.nonTransactional) return s.nonTransactional
  if (s.kind === 'TransactionStmt') {
    const fixed = TRANSACTION_LABELS[String(s.node.kind)]
    if (fixed) return fixed
    const word = (/^[A-Za-z]+/.exec(s.sql)?.[0] ?? 'COMMIT').toUpperCase()
    return s.node.chain ? `${word} AND CHAIN` : word
  }
  if (s.kind === 'CopyStmt') return 'COPY ... FROM STDIN'
  return s.sql.split(/\s+/).slice(0, 2).join(' ').toUpperCase()
}

/** Parser node kinds whose name is not their command tag (`IndexStmt` is CREATE INDEX). */
const TAGS: Record<string, string> = {
  IndexStmt: 'CREATE INDEX',
  CreateStmt: 'CREATE TABLE',
  CreateTrigStmt: 'CREATE TRIGGER',
  CreateFunctionStmt: 'CREATE FUNCTION',
  CreateSeqStmt: 'CREATE SEQUENCE',
  CreateSchemaStmt: 'CREATE SCHEMA',
  CreateExtensionStmt: 'CREATE EXTENSION',
  CreatePolicyStmt: 'CREATE POLICY',
  CreateRoleStmt: 'CREATE ROLE',
  CreateEnumStmt: 'CREATE TYPE',
  CompositeTypeStmt: 'CREATE TYPE',
  CreateDomainStmt: 'CREATE DOMAIN',
  CreateTableAsStmt: 'CREATE TABLE AS',
  ViewStmt: 'CREATE VIEW',
  RuleStmt: 'CREATE RULE',
  DefineStmt: 'CREATE',
  DropStmt: 'DROP',
  AlterTableStmt: 'ALTER TABLE',
  AlterEnumStmt: 'ALTER TYPE',
  RenameStmt: 'ALTER',
  GrantStmt: 'GRANT',
  GrantRoleStmt: 'GRANT',
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  SelectStmt: 'SELECT',
  CommentStmt: 'COMMENT',
  DoStmt: 'DO',
  VariableSetStmt: 'SET',
  TruncateStmt: 'TRUNCATE',
  CallStmt: 'CALL',
  CopyStmt: 'COPY'
}

/**
 * The statement's whole command tag, as psql prints it: `CREATE TRIGGER`, `CREATE INDEX`
 * (never `CREATE TRIG` or `INDEX`). DROP and the generic kinds take their object from
 * the SQL's own words (`DROP TABLE`, `CREATE AGGREGATE`).
 */
export function commandTag(s: Pick<Statement, 'kind' | 'sql'>): string {
  const words = s.sql.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, '').split(/\s+/).map((w) => w.toUpperCase())
  const tag = TAGS[s.kind]
  if (tag === 'DROP' || tag === 'CREATE') return `${tag} ${words[1] === 'OR' ? words[3] ?? '' : words[1] ?? ''}`.trim()
  if (tag) return tag
  return s.kind.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase()
}
