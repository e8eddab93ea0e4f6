// The static lint (issue 6 item 1, issue 16): rules over the real parse tree, never
// over the text, so comments, strings and dollar-quoted bodies cannot fire a rule.
//
// "Existing table" means: in LintContext.existingTables (the snapshot before the PR's
// migrations), or any table not created in the set when `unknownTablesExist` is on;
// a table created (or renamed into place from a new table) earlier in the linted set
// is new, whatever the snapshot says. Only the up scripts are linted, in list order.
//
// Lock and rewrite rules judge impact: a table the facts say is empty is quiet, one
// with rows is named with its estimate. Statements that share a transaction (a whole
// file that runs in one, or a BEGIN ... COMMIT block) are judged together: a lock
// taken early is held until COMMIT, through every later statement (./transaction.ts).
import { ByteCursor, LineMap } from '../source/positions.js'
import type { Migration, ParsedScript, Statement } from '../source/types.js'
import { NON_VOLATILE_BUILTINS } from './builtin-functions.js'
import { changeWithoutRewrite, type ColumnType, parsedType, typeText } from './column-types.js'
import { RULE_BY_ID, RULES } from './rules.js'
import { SERVER_WIDE_KINDS, serverWideChanges, serverWideMessage } from './server-wide.js'
import { findIgnores, type Ignore } from './suppress.js'
import { Transaction, type Lock, lockName, ACCESS_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE } from './transaction.js'
import {
  defElem,
  findAll,
  funcName,
  isNode,
  list,
  location,
  names,
  namesKey,
  type Node,
  optionOn,
  rangeVarKey,
  str,
  tableKey,
  typeLabel,
  unwrap
} from './tree.js'
import type { LintContext, LintFinding, TableFacts } from './types.js'
import { thousands } from '../report/thousands.js'

/** A finding before positions and suppressions are resolved. */
export interface Raw {
  rule: string
  migration: number
  statement: number
  /** Byte offset (node location) in the script text; the statement's start when absent. */
  at?: number
  /** JS index in the script text (for comment findings). */
  index?: number
  message: string
  why?: string
  fix?: string
}

type Status = 'new' | 'existing' | 'gone'

/** The statement kinds a rule reads (Linter.statement's cases). */
export const TREE_KINDS: ReadonlySet<string> = new Set([
  'IndexStmt',
  'AlterTableStmt',
  'RenameStmt',
  'AlterEnumStmt',
  'AlterObjectSchemaStmt',
  'DropStmt',
  'DropdbStmt',
  'TruncateStmt',
  'DeleteStmt',
  'UpdateStmt',
  'InsertStmt',
  'CreateStmt',
  'CreateTableAsStmt',
  'CreateFunctionStmt',
  'CreateEnumStmt',
  'CreateSchemaStmt',
  'CreateTrigStmt',
  'CreatePolicyStmt',
  'AlterPolicyStmt',
  'LockStmt',
  'VariableSetStmt',
  'VacuumStmt',
  'ClusterStmt',
  'ReindexStmt',
  ...SERVER_WIDE_KINDS
])
/** The name uuidCalls looks for, quoted or not, in any case. */
const UUID_V4 = /uuid_generate_v4/i
/** An INSERT reads other tables only through a SELECT (rules: INSERT ... SELECT scans). */
const SELECT = /select/i

// Functions whose every call gives a new value, named as such in messages. Any function
// that is neither a non-volatile built-in nor known from the database or the set counts
// as volatile too (CREATE FUNCTION makes a function VOLATILE unless it says otherwise).
const KNOWN_VOLATILE = new Set([
  'random',
  'random_normal',
  'gen_random_uuid',
  'gen_random_bytes',
  'gen_salt',
  'uuidv4',
  'uuidv7',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'setval'
])

const SERIAL_TYPES = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2'])
const SMALL_KEY_TYPES = new Set(['int2', 'int4'])

// ALTER TABLE subcommands that take less than ACCESS EXCLUSIVE (PostgreSQL's AlterTableGetLockLevel).
const WEAK_ALTERS: Record<string, number> = {
  AT_ValidateConstraint: SHARE_UPDATE_EXCLUSIVE,
  AT_SetStatistics: SHARE_UPDATE_EXCLUSIVE,
  AT_ClusterOn: SHARE_UPDATE_EXCLUSIVE,
  AT_DropCluster: SHARE_UPDATE_EXCLUSIVE,
  AT_SetRelOptions: SHARE_UPDATE_EXCLUSIVE,
  AT_ResetRelOptions: SHARE_UPDATE_EXCLUSIVE,
  AT_AttachPartition: SHARE_UPDATE_EXCLUSIVE,
  AT_DetachPartitionFinalize: SHARE_UPDATE_EXCLUSIVE
}

class Linter {
  readonly raws: Raw[] = []
  private readonly status = new Map<string, Status>()
  /** Tables created in the set without a primary key, until one is added or the table dropped. */
  private readonly noPk = new Map<string, Raw>()
  /** Per table: columns a validated CHECK (col IS NOT NULL) proves. */
  private readonly notNullProof = new Map<string, Set<string>>()
  /** Per table: NOT VALID CHECK (col IS NOT NULL) constraints by name. */
  private readonly pendingChecks = new Map<string, Map<string, string>>()
  /** Per table: constraints validated in the set that neither the set nor the facts define. */
  private readonly unknownValidated = new Map<string, string[]>()
  /** Per table and column: the type, when the set sets it (ADD COLUMN, ALTER TYPE). */
  private readonly columnTypes = new Map<string, ColumnType>()
  /** Indexes created in the set (REINDEX or DROP of those is harmless). */
  private readonly newIndexes = new Set<string>()
  /** Functions created in the set: name -> provolatile. */
  private readonly newFunctions = new Map<string, 'i' | 's' | 'v'>()
  /** Enum types and schemas created in the set (renaming those breaks no client). */
  private readonly newTypes = new Set<string>()
  private readonly newSchemas = new Set<string>()
  private mig = 0
  private stmt = 0
  private script!: ParsedScript
  private tx!: Transaction
  /** The statement being linted: the locks it takes and whether it scans or rewrites an existing table. */
  private locks: Lock[] = []
  private long: { what: string; table: string; validates?: string } | undefined
  private rawsBefore = 0

  constructor(private readonly ctx: LintContext) {}

  existing(key: string | undefined): boolean {
    if (!key) return false
    const s = this.status.get(key)
    if (s) return s === 'existing'
    return this.ctx.existingTables.has(key) || !!this.ctx.unknownTablesExist
  }

  private knownExisting(key: string): boolean {
    const s = this.status.get(key)
    return s ? s === 'existing' : this.ctx.existingTables.has(key)
  }

  /** The database's facts about a table still as it was (not re-created in the set). */
  private facts(key: string): TableFacts | undefined {
    const s = this.status.get(key)
    if (s && s !== 'existing') return undefined
    return this.ctx.facts?.tables?.get(key)
  }

  /** Existing and not known to be empty: where a lock or a rewrite costs something. */
  hurts(key: string | undefined): key is string {
    return !!key && this.existing(key) && this.facts(key)?.rows !== 0
  }

  /** `orders`, or `orders (~12,000 rows)` when the facts give an estimate. */
  private named(key: string): string {
    const rows = this.facts(key)?.rows
    return rows !== undefined && rows > 0 ? `${key} (~${thousands(Math.round(rows))} rows)` : key
  }

  private add(rule: string, message: string, at?: number, extra: { why?: string; fix?: string } = {}): void {
    this.raws.push({ rule, migration: this.mig, statement: this.stmt, at, message, ...extra })
  }

  private lock(table: string | undefined, mode: number): void {
    if (this.hurts(table)) this.locks.push({ table, mode })
  }

  /** Marks the current statement as one that scans or rewrites `table` (when it hurts). */
  private scans(table: string, what: string, validates?: string): void {
    if (!this.long && this.hurts(table)) this.long = { what, table, validates }
  }

  lintScript(migration: number, script: ParsedScript): void {
    this.mig = migration
    this.script = script
    this.tx = new Transaction(script.runMode === 'transaction')
    for (const s of script.statements) {
      if (s.strippedWrapper) continue
      this.stmt = s.index
      this.locks = []
      this.long = undefined
      this.rawsBefore = this.raws.length
      this.statement(s)
      this.sameTransaction(s)
    }
    this.mixedConcurrently(script)
  }

  /** Findings that wait for the whole set (a later ALTER TABLE may add the primary key). */
  finish(): void {
    this.raws.push(...this.noPk.values())
  }

  private statement(s: Statement): void {
    // A statement's tree is parsed again when read (source/script.ts releases it): read it
    // only when a rule can fire. Every rule below needs its kind, except the uuid check,
    // which needs the function's name in the text; an INSERT matters only with a SELECT.
    const uuid = UUID_V4.test(s.sql)
    if (!uuid && (!TREE_KINDS.has(s.kind) || (s.kind === 'InsertStmt' && !SELECT.test(s.sql)))) return
    const n = s.node
    if (uuid) this.uuidCalls(n)
    for (const c of serverWideChanges(s)) this.add('server-wide-change', serverWideMessage(c))
    switch (s.kind) {
      case 'IndexStmt':
        return this.createIndex(n)
      case 'AlterTableStmt':
        if (n.objtype === 'OBJECT_TABLE') this.alterTable(n)
        return
      case 'RenameStmt':
        return this.rename(n)
      case 'AlterEnumStmt':
        return this.alterEnum(n)
      case 'AlterObjectSchemaStmt':
        if (n.objectType === 'OBJECT_TABLE') this.move(rangeVarKey(n.relation), typeof n.newschema === 'string' ? n.newschema : undefined)
        return
      case 'DropStmt':
        return this.drop(n)
      case 'DropdbStmt':
        return this.add(
          'drop-database',
          `DROP DATABASE ${String(n.dbname)}${n.missing_ok ? ' (IF EXISTS)' : ''}: the whole database and its data are deleted, and DROP DATABASE cannot run in a transaction, so pgshift runs this file statement by statement with nothing to roll back`
        )
      case 'TruncateStmt':
        return this.truncate(n)
      case 'DeleteStmt':
      case 'UpdateStmt':
        return this.dml(s.kind, n)
      case 'InsertStmt':
        return this.insert(n)
      case 'CreateStmt':
        return this.createTable(n)
      case 'CreateTableAsStmt':
        if (n.objtype === 'OBJECT_TABLE' || n.objtype === 'OBJECT_MATVIEW') {
          const into = n.into as Node | undefined
          this.created(rangeVarKey(into?.rel), !!n.if_not_exists)
        }
        return
      case 'CreateFunctionStmt': {
        const parts = names(n.funcname)
        const v = str(defElem(n.options, 'volatility')?.arg)
        if (parts.length) this.newFunctions.set(parts[parts.length - 1].toLowerCase(), v === 'immutable' ? 'i' : v === 'stable' ? 's' : 'v')
        return
      }
      case 'CreateEnumStmt':
        this.newTypes.add(namesKey(names(n.typeName)) ?? '')
        return
      case 'CreateSchemaStmt':
        if (typeof n.schemaname === 'string') this.newSchemas.add(n.schemaname.toLowerCase())
        return
      case 'CreateTrigStmt':
        return this.lock(rangeVarKey(n.relation), SHARE_ROW_EXCLUSIVE)
      case 'CreatePolicyStmt':
      case 'AlterPolicyStmt':
        return this.lock(rangeVarKey(n.table), ACCESS_EXCLUSIVE)
      case 'LockStmt':
        return this.lockTable(n)
      case 'VariableSetStmt':
        return this.setVariable(n)
      case 'VacuumStmt':
      case 'ClusterStmt':
      case 'ReindexStmt':
        return this.maintenance(s.kind, n)
    }
  }

  // ---- the same transaction ------------------------------------------------

  /** Judges the statement against the locks earlier statements of its transaction still hold. */
  private sameTransaction(s: Statement): void {
    const tx = this.tx
    tx.enter(s)
    // A held lock adds harm only where it blocks more than this statement's own lock on
    // that table does (a second index build on the same table blocks its writes anyway).
    const blocks = (mode: number) => (mode >= ACCESS_EXCLUSIVE ? 2 : mode >= SHARE ? 1 : 0)
    const own = (table: string) => Math.max(0, ...this.locks.filter((l) => l.table === table).map((l) => blocks(l.mode)))
    // When both statements already have findings of their own, fixing those releases the lock.
    const flagged = this.raws.length > this.rawsBefore
    const held = tx.heldBy(this.stmt).filter((h) => blocks(h.mode) > own(h.table) && !(h.flagged && flagged))
    if (this.long && held.length > 0) {
      const long = this.long
      const add = long.validates ? tx.notValid(long.table, long.validates) : undefined
      if (add) {
        const blocked = add.mode >= ACCESS_EXCLUSIVE ? 'reads and writes' : 'writes'
        this.add(
          'validate-in-same-transaction',
          `VALIDATE CONSTRAINT ${long.validates} on ${this.named(long.table)} runs in the same transaction as the ADD CONSTRAINT ... NOT VALID at line ${add.line}: the ADD's ${lockName(add.mode)} lock on ${add.tables.join(' and ')} is held until COMMIT, so the validating scan blocks ${blocked} there as if NOT VALID had not been written`
        )
      } else {
        const list = held.slice(0, 3).map((h) => `${lockName(h.mode)} on ${h.table} (line ${h.line}, blocking ${h.mode >= ACCESS_EXCLUSIVE ? 'reads and writes' : 'writes'})`)
        this.add(
          'lock-held-until-commit',
          `${long.what} scans or rewrites ${this.named(long.table)} while this transaction still holds ${list.join(', ')}${held.length > 3 ? ` and ${held.length - 3} more` : ''}: those locks are held until COMMIT, so the traffic they block waits for this statement too`
        )
      }
    }
    tx.took(this.stmt, s.position.line, this.locks, flagged)
    tx.leave(s)
  }

  // ---- table bookkeeping -------------------------------------------------

  private created(key: string | undefined, ifNotExists: boolean): boolean {
    if (!key) return false
    // IF NOT EXISTS on a table known to exist is a no-op: the old table stays. (A table
    // only assumed to exist by unknownTablesExist is taken as created here.)
    if (ifNotExists && this.knownExisting(key)) return false
    this.status.set(key, 'new')
    this.notNullProof.delete(key)
    this.pendingChecks.delete(key)
    this.unknownValidated.delete(key)
    for (const k of [...this.columnTypes.keys()]) if (k.startsWith(`${key}\u0000`)) this.columnTypes.delete(k)
    return true
  }

  private move(from: string | undefined, newSchema: string | undefined, newName?: string): void {
    if (!from) return
    const [schema, name] = splitKey(from)
    const to = tableKey(newSchema ?? schema, newName ?? name)
    if (to === from) return
    this.status.set(to, this.existing(from) ? 'existing' : (this.status.get(from) ?? 'gone'))
    this.status.set(from, 'gone')
    const pending = this.noPk.get(from)
    if (pending) {
      this.noPk.delete(from)
      this.noPk.set(to, pending)
    }
  }

  // ---- rules ---------------------------------------------------------------

  private createIndex(n: Node): void {
    const key = rangeVarKey(n.relation)
    if (typeof n.idxname === 'string') this.newIndexes.add(tableKey(rangeVar(n.relation)?.schemaname as string | undefined, n.idxname))
    const name = typeof n.idxname === 'string' ? `${n.idxname} ` : ''
    const cols = list(n, 'indexParams').length
    if (!n.unique && cols > 3) {
      this.add(
        'too-many-index-columns',
        `CREATE INDEX ${name}on ${key ?? '?'} has ${cols} key columns: a non-unique B-tree index rarely helps past its first three columns, and each extra one makes it larger and every write slower`
      )
    }
    if (n.concurrent) return
    if (!this.hurts(key)) return
    this.lock(key, SHARE)
    this.scans(key, `CREATE INDEX ${name}on ${key}`)
    const unique = n.unique ? 'UNIQUE ' : ''
    this.add('require-concurrent-index', `CREATE ${unique}INDEX ${name}on existing table ${this.named(key)} without CONCURRENTLY: writes to ${key} are blocked until the index is built`)
  }

  private mixedConcurrently(script: ParsedScript): void {
    const sent = script.statements.filter((s) => !s.strippedWrapper)
    const concurrent = sent.filter((s) => s.nonTransactional?.includes('CONCURRENTLY'))
    if (concurrent.length === 0) return
    const others = sent.filter((s) => !s.nonTransactional && !s.transactionControl && s.kind !== 'VariableSetStmt')
    if (others.length === 0) return
    const first = others[0]
    for (const s of concurrent) {
      this.stmt = s.index
      const what = s.nonTransactional ?? 'CONCURRENTLY'
      this.add(
        'concurrently-mixed-file',
        `${what} shares its file with ${others.length} other statement${others.length === 1 ? '' : 's'} (the first at line ${first.position.line}): the whole file runs statement by statement in autocommit, so ${others.length === 1 ? 'that statement is' : 'those statements are'} not atomic`
      )
    }
  }

  private alterTable(n: Node): void {
    const key = rangeVarKey(n.relation)
    if (!key) return
    const ex = this.existing(key)
    for (const c of list(n, 'cmds')) {
      const cmd = unwrap(c, 'AlterTableCmd')
      if (!cmd) continue
      const col = typeof cmd.name === 'string' ? cmd.name : undefined
      const subtype = String(cmd.subtype)
      const fk = unwrap(cmd.def, 'Constraint')?.contype === 'CONSTR_FOREIGN'
      const weak = subtype.startsWith('AT_EnableTrig') || subtype.startsWith('AT_DisableTrig') || subtype.startsWith('AT_EnableAlwaysTrig') || subtype.startsWith('AT_EnableReplicaTrig') || fk
      const concurrentDetach = subtype === 'AT_DetachPartition' && !!unwrap(cmd.def, 'PartitionCmd')?.concurrent
      this.lock(key, concurrentDetach ? SHARE_UPDATE_EXCLUSIVE : (WEAK_ALTERS[subtype] ?? (weak ? SHARE_ROW_EXCLUSIVE : ACCESS_EXCLUSIVE)))
      switch (subtype) {
        case 'AT_AddColumn': {
          const def = unwrap(cmd.def, 'ColumnDef')
          if (def) this.addColumn(key, ex, def)
          break
        }
        case 'AT_AlterColumnType': {
          const def = unwrap(cmd.def, 'ColumnDef')
          if (def && col) this.alterColumnType(key, col, def)
          break
        }
        case 'AT_AddConstraint': {
          const con = unwrap(cmd.def, 'Constraint')
          if (con) this.addConstraint(key, ex, con)
          break
        }
        case 'AT_ValidateConstraint': {
          if (!col) break
          const column = this.pendingChecks.get(key)?.get(col) ?? this.facts(key)?.notNullChecks?.get(col)?.column
          if (column) this.prove(key, column)
          else if (!this.facts(key)?.notNullChecks) this.unknownValidated.set(key, [...(this.unknownValidated.get(key) ?? []), col.toLowerCase()])
          this.scans(key, `VALIDATE CONSTRAINT ${col}`, col)
          break
        }
        case 'AT_SetNotNull':
          if (col && this.hurts(key) && !this.proven(key, col)) {
            this.scans(key, `ALTER COLUMN ${col} SET NOT NULL`)
            this.add('set-not-null', `ALTER COLUMN ${col} SET NOT NULL on existing table ${this.named(key)}: the whole table is scanned under an ACCESS EXCLUSIVE lock`)
          }
          break
        case 'AT_DropNotNull':
          if (col && ex) {
            this.add('drop-not-null', `ALTER COLUMN ${col} DROP NOT NULL on existing table ${key}: code and functions that rely on ${col} never being NULL start receiving NULLs`)
          }
          break
        case 'AT_DropColumn':
          if (ex) {
            this.add('destructive', `DROP COLUMN ${col} on existing table ${key}: the column's data is lost and code still reading ${col} fails`)
          }
          break
        case 'AT_DetachPartition': {
          const part = unwrap(cmd.def, 'PartitionCmd')
          if (part?.concurrent || !this.hurts(key)) break
          this.add(
            'require-concurrent-detach-partition',
            `DETACH PARTITION ${rangeVarKey(part?.name) ?? '?'} from existing table ${this.named(key)} without CONCURRENTLY: ACCESS EXCLUSIVE on ${key} blocks every read and write of the whole partitioned table until the migration commits`
          )
          break
        }
      }
    }
  }

  private alterColumnType(key: string, col: string, def: Node): void {
    const to = parsedType(def.typeName)
    const using = !!def.raw_default
    const typeKey = `${key}\u0000${col}`
    const factsCol = this.facts(key)?.columns?.get(col)
    const from = this.columnTypes.get(typeKey) ?? factsCol
    if (to) {
      this.columnTypes.set(typeKey, to)
      this.typeChoice(to, col, key, location(def))
    }
    if (!using && from && to && changeWithoutRewrite(from, to)) return
    if (!this.hurts(key)) return
    this.scans(key, `ALTER COLUMN ${col} TYPE ${typeLabel(def.typeName)}`)
    const fromText = from ? ` (from ${typeText(from)})` : ''
    this.add(
      'changing-column-type',
      from
        ? `ALTER COLUMN ${col} TYPE ${typeLabel(def.typeName)}${fromText}${using ? ' with USING' : ''} on existing table ${this.named(key)}: not a binary-compatible change, so ${key} is rewritten (or every row checked) under an ACCESS EXCLUSIVE lock`
        : `ALTER COLUMN ${col} TYPE ${typeLabel(def.typeName)}${using ? ' (with USING)' : ''} on existing table ${this.named(key)}: unless the change is binary-compatible, ${key} is rewritten under an ACCESS EXCLUSIVE lock`,
      location(def)
    )
  }

  private addColumn(key: string, ex: boolean, def: Node): void {
    const col = String(def.colname ?? '?')
    const cons = list(def, 'constraints')
      .map((c) => unwrap(c, 'Constraint'))
      .filter((c): c is Node => !!c)
    const of = (t: string) => cons.find((c) => c.contype === t)
    const dflt = of('CONSTR_DEFAULT')
    const hasDefault = !!dflt && !isNullConst(dflt.raw_expr)
    const typeParts = names((def.typeName as Node | undefined)?.names)
    const serial = typeParts.length === 1 && SERIAL_TYPES.has(typeParts[0].toLowerCase())
    const identity = of('CONSTR_IDENTITY')
    const generated = of('CONSTR_GENERATED')
    const stored = generated && generated.generated_kind !== 'v'
    const pk = of('CONSTR_PRIMARY')
    if (pk) this.noPk.delete(key)
    this.columnDesign(def, key, !!pk)
    const type = parsedType(def.typeName)
    if (type && ex) this.columnTypes.set(`${key}\u0000${col}`, type)
    if (!ex) return
    const at = location(def)
    const notNull = of('CONSTR_NOTNULL') ?? pk
    if (notNull && !hasDefault && !serial && !identity && !generated) {
      this.add(
        'adding-not-null-column',
        `ADD COLUMN ${col} ${pk && !of('CONSTR_NOTNULL') ? 'PRIMARY KEY (so NOT NULL)' : 'NOT NULL'} without a DEFAULT on existing table ${key}: the ALTER fails as soon as ${key} holds a row`,
        at
      )
    }
    if (!this.hurts(key)) return
    if (dflt && hasDefault) {
      const known: string[] = []
      const unknown: string[] = []
      findAll(dflt.raw_expr, 'FuncCall', (f) => {
        const name = funcName(f)
        const v = this.volatility(name)
        if (v === 'v' && !known.includes(name)) known.push(name)
        if (v === undefined && !unknown.includes(name)) unknown.push(name)
      })
      if (known.length + unknown.length > 0) {
        this.scans(key, `ADD COLUMN ${col} with a volatile default`)
        const calls = (l: string[]) => l.map((v) => `${v}()`).join(', ')
        const what = [
          known.length ? `the volatile default ${calls(known)}` : '',
          unknown.length
            ? `${known.length ? 'and ' : 'the default '}${calls(unknown)}, ${unknown.length > 1 ? 'functions' : 'a function'} pgshift cannot prove non-volatile (a function is VOLATILE unless its CREATE FUNCTION says IMMUTABLE or STABLE), so counted as volatile`
            : ''
        ]
          .filter(Boolean)
          .join(' ')
        this.add(
          'volatile-default',
          `ADD COLUMN ${col} with ${what} on existing table ${this.named(key)}: every row gets its own value, so ${key} is rewritten under an ACCESS EXCLUSIVE lock`,
          location(dflt)
        )
      }
    }
    const generatedWhat = serial ? `${typeParts[0]} column (default nextval())` : identity ? 'identity column' : stored ? 'stored generated column' : undefined
    if (generatedWhat) {
      this.scans(key, `ADD COLUMN ${col} as a ${generatedWhat}`)
      this.add(
        'volatile-default',
        `ADD COLUMN ${col} as a ${generatedWhat} on existing table ${this.named(key)}: a value is computed for every existing row, so ${key} is rewritten under an ACCESS EXCLUSIVE lock`,
        location(identity ?? generated) ?? at,
        {
          fix:
            serial || identity
              ? 'Add a plain nullable column, create the sequence and SET DEFAULT nextval(...) (instant, new rows only), backfill the existing rows in batches, then add NOT NULL through a CHECK validated in a later migration.'
              : 'Add a plain nullable column kept up to date by a trigger, backfill it in batches (or use a VIRTUAL generated column on PG18+, which is not stored).'
        }
      )
    }
    for (const c of cons) {
      if (c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE') {
        const what = c.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE'
        this.scans(key, `ADD COLUMN ${col} ... ${what}`)
        this.add('add-pk-or-unique-without-index', `ADD COLUMN ${col} ... ${what} on existing table ${this.named(key)}: its unique index is built under an ACCESS EXCLUSIVE lock`, location(c), {
          fix: `Add the column without ${what}, fill it, CREATE UNIQUE INDEX CONCURRENTLY on it in its own file, then ADD CONSTRAINT ... ${what} USING INDEX (instant).`
        })
      } else if (c.contype === 'CONSTR_FOREIGN' || c.contype === 'CONSTR_CHECK') {
        const what = c.contype === 'CONSTR_FOREIGN' ? `REFERENCES ${rangeVarKey(c.pktable) ?? '?'}` : 'CHECK'
        if (c.contype === 'CONSTR_FOREIGN') this.lock(rangeVarKey(c.pktable), SHARE_ROW_EXCLUSIVE)
        this.scans(key, `ADD COLUMN ${col} ... ${what}`)
        this.add(
          'constraint-missing-not-valid',
          `ADD COLUMN ${col} ... ${what} on existing table ${this.named(key)}: the new constraint is validated by scanning every row of ${key} under the ALTER TABLE lock (a column constraint cannot be NOT VALID)`,
          location(c),
          {
            fix: `Add the column without the constraint, then ALTER TABLE ${key} ADD CONSTRAINT ... ${c.contype === 'CONSTR_FOREIGN' ? 'FOREIGN KEY' : 'CHECK'} ... NOT VALID, then VALIDATE CONSTRAINT in a later migration (in the same file, the ADD's lock is held through the scan).`
          }
        )
      }
    }
  }

  /** The function's volatility: from the set, the database, the built-in list; undefined when unknown. */
  private volatility(name: string): 'i' | 's' | 'v' | undefined {
    const v = this.newFunctions.get(name) ?? this.ctx.facts?.functions?.get(name)
    if (v) return v
    if (KNOWN_VOLATILE.has(name)) return 'v'
    return NON_VOLATILE_BUILTINS.has(name) ? 's' : undefined
  }

  private addConstraint(key: string, ex: boolean, con: Node): void {
    const name = typeof con.conname === 'string' ? con.conname : undefined
    const label = name ? `${name} ` : ''
    switch (con.contype) {
      case 'CONSTR_CHECK':
      case 'CONSTR_FOREIGN': {
        const fk = con.contype === 'CONSTR_FOREIGN'
        const target = fk ? rangeVarKey(con.pktable) : undefined
        if (fk) this.lock(target, SHARE_ROW_EXCLUSIVE)
        const column = con.contype === 'CONSTR_CHECK' ? notNullCheckColumn(con.raw_expr) : undefined
        if (column) {
          if (!con.skip_validation) this.prove(key, column)
          else if (name) {
            const m = this.pendingChecks.get(key) ?? new Map<string, string>()
            m.set(name, column)
            this.pendingChecks.set(key, m)
          }
        }
        if (con.skip_validation && name && this.hurts(key)) {
          this.tx.addedNotValid(key, name, this.script.statements[this.stmt].position.line, fk ? SHARE_ROW_EXCLUSIVE : ACCESS_EXCLUSIVE, fk && target && this.hurts(target) ? [key, target] : [key])
        }
        if (!ex || con.skip_validation || !this.hurts(key)) return
        this.scans(key, `ADD CONSTRAINT ${label}${fk ? 'FOREIGN KEY' : 'CHECK'}`)
        this.add(
          'constraint-missing-not-valid',
          fk
            ? `ADD CONSTRAINT ${label}FOREIGN KEY on existing table ${this.named(key)} without NOT VALID: every row of ${key} is checked against ${target} while writes to both tables are blocked`
            : `ADD CONSTRAINT ${label}CHECK on existing table ${this.named(key)} without NOT VALID: every row is checked under an ACCESS EXCLUSIVE lock`,
          location(con)
        )
        return
      }
      case 'CONSTR_PRIMARY':
      case 'CONSTR_UNIQUE': {
        if (con.contype === 'CONSTR_PRIMARY') this.noPk.delete(key)
        if (!ex || con.indexname || !this.hurts(key)) return
        const what = con.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE'
        const cols = names(con.keys).join(', ')
        this.scans(key, `ADD ${what}`)
        this.add(
          'add-pk-or-unique-without-index',
          `ADD ${name ? `CONSTRAINT ${name} ` : ''}${what}${cols ? ` (${cols})` : ''} on existing table ${this.named(key)} without USING INDEX: the unique index is built under an ACCESS EXCLUSIVE lock`,
          location(con)
        )
        return
      }
      case 'CONSTR_EXCLUSION': {
        if (!this.hurts(key)) return
        this.scans(key, `ADD CONSTRAINT ${label}EXCLUDE`)
        this.add(
          'adding-exclusion-constraint',
          `ADD CONSTRAINT ${label}EXCLUDE on existing table ${this.named(key)}: its index is built and every row checked under an ACCESS EXCLUSIVE lock, and an exclusion constraint can be neither NOT VALID nor built CONCURRENTLY`,
          location(con)
        )
        return
      }
      case 'CONSTR_NOTNULL': {
        // PG18: ADD CONSTRAINT name NOT NULL col
        if (!ex || con.skip_validation || !this.hurts(key)) return
        for (const col of names(con.keys)) {
          if (this.proven(key, col)) continue
          this.scans(key, `ADD CONSTRAINT ${label}NOT NULL ${col}`)
          this.add('set-not-null', `ADD CONSTRAINT ${label}NOT NULL ${col} on existing table ${this.named(key)}: the whole table is scanned under an ACCESS EXCLUSIVE lock`, location(con))
        }
        return
      }
    }
  }

  private prove(key: string, column: string): void {
    const s = this.notNullProof.get(key) ?? new Set<string>()
    s.add(column)
    this.notNullProof.set(key, s)
  }

  /**
   * Whether Postgres can skip SET NOT NULL's scan: the column is already NOT NULL, or a
   * validated CHECK (col IS NOT NULL) proves it (validated in the set, or in the database
   * per the facts). Without facts, a constraint validated in the set but added before it
   * (the second deploy of the two-step recipe) counts when its name holds the column's.
   */
  private proven(key: string, col: string): boolean {
    if (this.notNullProof.get(key)?.has(col)) return true
    const f = this.facts(key)
    if (f?.columns?.get(col)?.notNull) return true
    for (const c of f?.notNullChecks?.values() ?? []) if (c.validated && c.column === col) return true
    return (this.unknownValidated.get(key) ?? []).some((name) => name.includes(col.toLowerCase()))
  }

  private rename(n: Node): void {
    const key = rangeVarKey(n.relation)
    const newname = typeof n.newname === 'string' ? n.newname : '?'
    if (n.renameType === 'OBJECT_TABLE') {
      this.lock(key, ACCESS_EXCLUSIVE)
      if (this.existing(key)) {
        this.add('renaming', `RENAME of existing table ${key} to ${newname}: clients still using ${key} fail at once`)
      }
      this.move(key, undefined, newname)
    } else if (n.renameType === 'OBJECT_COLUMN' && n.relationType === 'OBJECT_TABLE') {
      this.lock(key, ACCESS_EXCLUSIVE)
      if (this.existing(key)) this.add('renaming', `RENAME COLUMN ${String(n.subname)} to ${newname} on existing table ${key}: clients still using ${String(n.subname)} fail at once`)
    } else if (n.renameType === 'OBJECT_SCHEMA' && typeof n.subname === 'string') {
      const from = n.subname.toLowerCase()
      const tables = [...new Set([...this.ctx.existingTables, ...this.status.keys()])].filter((k) => k.startsWith(`${from}.`))
      if (!this.newSchemas.has(from) && (tables.some((k) => this.existing(k)) || this.ctx.unknownTablesExist || this.ctx.existingTables.size > 0)) {
        this.add('renaming', `ALTER SCHEMA ${n.subname} RENAME TO ${newname}: every client query, view-less reference and search_path naming ${n.subname} fails at once`)
      }
      for (const k of tables) this.move(k, newname)
      if (this.newSchemas.has(from)) this.newSchemas.add(newname.toLowerCase())
    }
  }

  private alterEnum(n: Node): void {
    if (typeof n.oldVal !== 'string' || typeof n.newVal !== 'string') return
    const type = namesKey(names(n.typeName))
    if (!type || this.newTypes.has(type)) return
    this.add(
      'renaming',
      `ALTER TYPE ${names(n.typeName).join('.')} RENAME VALUE '${n.oldVal}' TO '${n.newVal}': stored rows change at once, and every client writing or comparing '${n.oldVal}' fails (invalid input value for enum)`
    )
  }

  private drop(n: Node): void {
    if (n.removeType === 'OBJECT_INDEX') return this.dropIndex(n)
    if (n.removeType !== 'OBJECT_TABLE') return
    const keys = list(n, 'objects')
      .map((o) => namesKey(names(unwrap(o, 'List')?.items)))
      .filter((k): k is string => !!k)
    const hit = keys.filter((k) => this.existing(k))
    if (hit.length > 0) {
      const cascade = n.behavior === 'DROP_CASCADE' ? ' CASCADE (also dropping the views and foreign keys that depend on it)' : ''
      this.add('destructive', `DROP TABLE ${hit.join(', ')}${cascade}: the table${hit.length > 1 ? 's and their' : ' and its'} data are lost`)
    }
    for (const k of keys) {
      this.status.set(k, 'gone')
      this.noPk.delete(k)
    }
  }

  private dropIndex(n: Node): void {
    if (n.concurrent) return
    const known = this.ctx.facts?.indexes
    // Without the catalog an index the set did not build is on a table that predates it,
    // unless the snapshot says no table did.
    if (!known && this.ctx.existingTables.size === 0 && !this.ctx.unknownTablesExist) return
    for (const o of list(n, 'objects')) {
      const key = namesKey(names(unwrap(o, 'List')?.items))
      if (!key || this.newIndexes.has(key)) continue
      // With the catalog at hand: the index's table; an index it lacks does not exist (IF EXISTS).
      const table = known ? known.get(key) : undefined
      if (known && (!table || !this.hurts(table))) continue
      if (table) this.lock(table, ACCESS_EXCLUSIVE)
      this.add(
        'require-concurrent-index-drop',
        `DROP INDEX ${key} without CONCURRENTLY${table ? ` on existing table ${this.named(table)}` : ''}: it takes an ACCESS EXCLUSIVE lock on ${table ?? 'its table'}, so every read and write of ${table ?? 'the table'} waits from the moment it queues until the migration commits`
      )
    }
  }

  private truncate(n: Node): void {
    const keys = list(n, 'relations').map(rangeVarKey)
    for (const k of keys) this.lock(k, ACCESS_EXCLUSIVE)
    const hit = keys.filter((k): k is string => this.existing(k))
    if (hit.length === 0) return
    const cascade = n.behavior === 'DROP_CASCADE' ? ' CASCADE, which also empties every table with a foreign key to it,' : ''
    this.add('destructive', `TRUNCATE ${hit.join(', ')}${cascade} deletes every row of existing data`)
  }

  private dml(kind: string, n: Node): void {
    const key = rangeVarKey(n.relation)
    const verb = kind === 'DeleteStmt' ? 'DELETE' : 'UPDATE'
    if (key && !pointLookup(n.whereClause)) this.scans(key, `${verb} of ${key}`)
    if (n.whereClause) return
    if (!this.existing(key)) return
    this.add('destructive', `${verb} on existing table ${key} without WHERE: it ${verb === 'DELETE' ? 'deletes' : 'rewrites'} every row`)
  }

  /** INSERT ... SELECT reading an existing table is a long data change. */
  private insert(n: Node): void {
    const select = unwrap(n.selectStmt, 'SelectStmt')
    if (!select) return
    findAll(select.fromClause, 'RangeVar', (rv) => {
      const key = rangeVarKey(rv)
      if (key) this.scans(key, `INSERT ... SELECT from ${key}`)
    })
  }

  private createTable(n: Node): void {
    const rel = rangeVar(n.relation)
    const key = rangeVarKey(rel)
    // A foreign key to an existing table locks it (SHARE ROW EXCLUSIVE) until COMMIT.
    findAll(n.tableElts, 'Constraint', (c) => {
      if (c.contype === 'CONSTR_FOREIGN') this.lock(rangeVarKey(c.pktable), SHARE_ROW_EXCLUSIVE)
    })
    if (!this.created(key, !!n.if_not_exists) || !key) return
    const elts = list(n, 'tableElts')
    if (rel?.relpersistence !== 't') {
      const pkCols = new Set<string>()
      for (const e of elts) {
        const con = unwrap(e, 'Constraint')
        if (con?.contype === 'CONSTR_PRIMARY') for (const k of names(con.keys)) pkCols.add(k)
      }
      for (const e of elts) {
        const col = unwrap(e, 'ColumnDef')
        if (!col) continue
        const inlinePk = list(col, 'constraints').some((c) => unwrap(c, 'Constraint')?.contype === 'CONSTR_PRIMARY')
        this.columnDesign(col, key, inlinePk || pkCols.has(String(col.colname)))
      }
    }
    if (rel?.relpersistence === 't' || n.partbound || n.ofTypename) return
    if (elts.some((e) => unwrap(e, 'TableLikeClause'))) return // LIKE may copy the key
    const hasPk = elts.some((e) => {
      const con = unwrap(e, 'Constraint')
      if (con?.contype === 'CONSTR_PRIMARY') return true
      const col = unwrap(e, 'ColumnDef')
      return list(col, 'constraints').some((c) => unwrap(c, 'Constraint')?.contype === 'CONSTR_PRIMARY')
    })
    if (hasPk) return
    this.noPk.set(key, {
      rule: 'table-without-primary-key',
      migration: this.mig,
      statement: this.stmt,
      message: `CREATE TABLE ${key} has no PRIMARY KEY (and none is added later in these migrations)`
    })
  }

  /** Type choices a new column should not make, on new and existing tables alike. */
  private columnDesign(def: Node, key: string, primaryKey: boolean): void {
    const col = String(def.colname ?? '?')
    const typeName = def.typeName as Node | undefined
    const parts = names(typeName?.names)
    const written = parts.length === 1 ? parts[0].toLowerCase() : undefined
    const at = location(typeName) ?? location(def)
    if (written && SERIAL_TYPES.has(written)) {
      this.add('prefer-identity', `${key}.${col} is declared ${written}: a serial column's sequence has its own owner and grants, and a manual INSERT of an id does not move it`, at)
    }
    const t = parsedType(typeName)
    if (!t) return
    if (primaryKey && !t.array && SMALL_KEY_TYPES.has(t.typname)) {
      const shown = written && SERIAL_TYPES.has(written) ? written : t.typname === 'int4' ? 'integer' : 'smallint'
      this.add(
        'prefer-bigint-key',
        `primary key ${key}.${col} is ${shown}: ${t.typname === 'int4' ? 'it runs out at 2,147,483,647' : 'it runs out at 32,767'}, and changing the type of a key later rewrites the table and every table referencing it`,
        at
      )
    }
    this.typeChoice(t, col, key, at)
  }

  private typeChoice(t: ColumnType, col: string, key: string, at: number | undefined): void {
    const builtin = !t.typname.includes('.')
    if (!builtin) return
    if (t.typname === 'json') {
      this.add('prefer-jsonb', `${key}.${col} is json: it keeps the text as written, so it cannot be indexed or compared, and every read parses it again`, at)
    } else if (t.typname === 'bpchar' && t.mods.length > 0) {
      this.add('prefer-text-over-char', `${key}.${col} is char(${t.mods[0]}): values are padded with spaces to the length, which comparisons and clients handle inconsistently, and it is no faster than text`, at)
    } else if (t.typname === 'timestamp') {
      this.add('prefer-timestamptz', `${key}.${col} is timestamp without time zone: it stores the wall-clock reading without its zone, so the same instant reads differently for each session's TimeZone`, at)
    }
  }

  private lockTable(n: Node): void {
    const mode = typeof n.mode === 'number' ? n.mode : ACCESS_EXCLUSIVE
    const keys = list(n, 'relations').map(rangeVarKey)
    for (const k of keys) this.lock(k, mode)
    if (mode !== ACCESS_EXCLUSIVE) return
    const hit = keys.filter((k): k is string => this.hurts(k))
    if (hit.length === 0) return
    this.add(
      'lock-without-timeout',
      `LOCK TABLE ${hit.map((k) => this.named(k)).join(', ')} in ACCESS EXCLUSIVE mode: every read and write of ${hit.length > 1 ? 'these tables' : hit[0]} is blocked from here until the migration commits`
    )
  }

  private setVariable(n: Node): void {
    // Statement-by-statement files get pgshift's lock_timeout again before each statement.
    if (this.script.runMode !== 'transaction') return
    let off = false
    if (n.kind === 'VAR_RESET_ALL') off = true
    else if (String(n.name).toLowerCase() === 'lock_timeout') {
      if (n.kind === 'VAR_RESET' || n.kind === 'VAR_SET_DEFAULT') off = true
      else if (n.kind === 'VAR_SET_VALUE') off = isZeroSetting(list(n, 'args')[0])
    }
    if (!off) return
    const what = n.kind === 'VAR_RESET_ALL' ? 'RESET ALL' : n.kind === 'VAR_SET_VALUE' ? 'SET lock_timeout = 0' : `${n.kind === 'VAR_RESET' ? 'RESET lock_timeout' : 'SET lock_timeout TO DEFAULT'}`
    this.add(
      'lock-without-timeout',
      `${what} switches off the lock_timeout pgshift set for this migration (unless the server default sets one): the statements after it may queue for a lock for as long as it takes, and every query on the table queues behind them`
    )
  }

  private maintenance(kind: string, n: Node): void {
    if (kind === 'VacuumStmt') {
      const full = defElem(n.options, 'full')
      if (!n.is_vacuumcmd || !full || !optionOn(full)) return
      const rels = list(n, 'rels').map((r) => rangeVarKey(unwrap(r, 'VacuumRelation')?.relation))
      const hit = rels.filter((k): k is string => this.hurts(k))
      if (rels.length > 0 && hit.length === 0) return
      this.add('blocking-maintenance', `VACUUM FULL ${hit.length ? hit.map((k) => this.named(k)).join(', ') : '(every table of the database)'} rewrites ${hit.length ? 'the table' : 'each table'} under an ACCESS EXCLUSIVE lock`)
    } else if (kind === 'ClusterStmt') {
      const key = rangeVarKey(n.relation)
      if (key && !this.hurts(key)) return
      if (key) {
        this.lock(key, ACCESS_EXCLUSIVE)
        this.scans(key, `CLUSTER ${key}`)
      }
      this.add('blocking-maintenance', `CLUSTER ${key ? this.named(key) : '(every previously clustered table)'} rewrites the table under an ACCESS EXCLUSIVE lock`)
    } else {
      const conc = defElem(n.params, 'concurrently')
      if (conc && optionOn(conc)) return
      // System catalogs cannot be reindexed concurrently; their indexes are small.
      if (n.kind === 'REINDEX_OBJECT_SYSTEM') return
      const rel = rangeVar(n.relation)
      if (typeof rel?.schemaname === 'string' && rel.schemaname.toLowerCase() === 'pg_catalog') return
      const key = rangeVarKey(rel)
      const target = typeof n.name === 'string' ? n.name : key
      switch (n.kind) {
        case 'REINDEX_OBJECT_TABLE':
          if (!this.hurts(key)) return
          this.lock(key, SHARE)
          this.scans(key, `REINDEX TABLE ${key}`)
          break
        case 'REINDEX_OBJECT_INDEX': {
          if (!key || this.newIndexes.has(key)) return
          const table = this.ctx.facts?.indexes?.get(key)
          if (this.ctx.facts?.indexes && (!table || !this.hurts(table))) return
          break
        }
      }
      const what = String(n.kind ?? '').replace('REINDEX_OBJECT_', '')
      this.add('blocking-maintenance', `REINDEX ${what} ${target ?? ''} without CONCURRENTLY blocks writes (and queries using the index) until the rebuild ends`.replace(/ {2,}/g, ' '))
    }
  }

  private uuidCalls(n: Node): void {
    findAll(n, 'FuncCall', (f) => {
      if (funcName(f) !== 'uuid_generate_v4') return
      this.add('prefer-gen-random-uuid', 'uuid_generate_v4() needs the uuid-ossp extension; the built-in gen_random_uuid() gives the same random UUIDs', location(f))
    })
  }
}

function rangeVar(v: unknown): Node | undefined {
  return unwrap(v, 'RangeVar') ?? (isNode(v) ? v : undefined)
}

function splitKey(key: string): [string, string] {
  const dot = key.indexOf('.')
  return [key.slice(0, dot), key.slice(dot + 1)]
}

function isNullConst(v: unknown): boolean {
  const c = unwrap(v, 'A_Const')
  return !!c && c.isnull === true
}

/**
 * A WHERE that picks rows by equality with constants (`id = 42`, `version IN ('a', 'b')`,
 * or such a test ANDed with anything): an index lookup, not a pass over the table.
 */
function pointLookup(where: unknown): boolean {
  const b = unwrap(where, 'BoolExpr')
  if (b) return b.boolop === 'AND_EXPR' && list(b, 'args').some(pointLookup)
  const e = unwrap(where, 'A_Expr')
  if (!e) return false
  const constant = (v: unknown) => !!unwrap(v, 'A_Const') || !!unwrap(v, 'ParamRef') || (!!unwrap(v, 'TypeCast') && !!unwrap(unwrap(v, 'TypeCast')?.arg, 'A_Const'))
  const column = (v: unknown) => !!unwrap(v, 'ColumnRef')
  if (e.kind === 'AEXPR_OP' && names(e.name).join('') === '=') return (column(e.lexpr) && constant(e.rexpr)) || (constant(e.lexpr) && column(e.rexpr))
  if (e.kind === 'AEXPR_IN' && names(e.name).join('') === '=') {
    const items = list(unwrap(e.rexpr, 'List'), 'items')
    return column(e.lexpr) && items.length > 0 && items.every(constant)
  }
  return false
}

/** `col IS NOT NULL` -> 'col'. */
function notNullCheckColumn(expr: unknown): string | undefined {
  const t = unwrap(expr, 'NullTest')
  if (!t || t.nulltesttype !== 'IS_NOT_NULL') return undefined
  const fields = names(unwrap(t.arg, 'ColumnRef')?.fields)
  return fields.length === 1 ? fields[0] : undefined
}

/** lock_timeout = 0 / '0' / '0s' ... */
function isZeroSetting(arg: unknown): boolean {
  const c = unwrap(arg, 'A_Const')
  if (!c) return false
  if (isNode(c.ival)) return !c.ival.ival
  if (isNode(c.fval)) return Number(c.fval.fval) === 0
  const s = isNode(c.sval) ? c.sval.sval : undefined
  return typeof s === 'string' && /^\s*0+(\.0*)?\s*(us|ms|s|min|h|d)?\s*$/i.test(s)
}

/** Lints the up scripts of `migrations`, in order. Pure and synchronous: the parser must be loaded (ensureParser). */
export function lintMigrations(migrations: Migration[], ctx: LintContext): LintFinding[] {
  const run = lintInSteps(migrations, ctx)
  while (run.step());
  return run.finish()
}

/** A lint run one migration at a time, in order (an apply lints each file while the server runs it). */
export interface LintSteps {
  /** Lints the next migration; false when none was left. */
  step(): boolean
  /** Lints what is left and returns every finding, as lintMigrations does. */
  finish(): LintFinding[]
}

export function lintInSteps(migrations: Migration[], ctx: LintContext): LintSteps {
  const linter = new Linter(ctx)
  let next = 0
  const step = () => {
    if (next >= migrations.length) return false
    linter.lintScript(next, (migrations[next] as Migration).up)
    next++
    return true
  }
  return {
    step,
    finish: () => {
      while (step());
      return findingsOf(linter, migrations)
    }
  }
}

function findingsOf(linter: Linter, migrations: Migration[]): LintFinding[] {
  linter.finish()

  const byMigration = new Map<number, Raw[]>()
  for (const r of linter.raws) {
    const arr = byMigration.get(r.migration) ?? []
    arr.push(r)
    byMigration.set(r.migration, arr)
  }
  const out: Array<{ order: number; finding: LintFinding }> = []
  migrations.forEach((m, mi) => {
    const script = m.up
    const { ignores, problems } = findIgnores(script)
    const raws = byMigration.get(mi) ?? []
    for (const p of problems) raws.push({ rule: p.rule, migration: mi, statement: -1, index: p.index, message: p.message })
    if (raws.length === 0) return
    const lines = new LineMap(script.source.fileText)
    const bytes = new ByteCursor(script.source.text)
    for (const r of raws.sort((a, b) => (a.at ?? -1) - (b.at ?? -1))) {
      const rule = RULE_BY_ID.get(r.rule)!
      const s = script.statements[r.statement]
      let pos = s?.position ?? { line: 1, col: 1 }
      if (r.index !== undefined) pos = lines.position(script.source.offset + r.index)
      else if (r.at !== undefined) pos = lines.position(script.source.offset + bytes.toIndex(r.at))
      const finding: LintFinding = {
        rule: r.rule,
        severity: rule.severity,
        identity: m.identity,
        file: script.source.file,
        line: pos.line,
        col: pos.col,
        message: r.message,
        why: r.why ?? rule.why,
        fix: r.fix ?? rule.fix
      }
      const reason = r.statement >= 0 ? suppression(ignores, r.statement, r.rule) : undefined
      if (reason) finding.suppressed = reason
      out.push({ order: mi, finding })
    }
  })
  const ruleOrder = new Map(RULES.map((r, i) => [r.id, i]))
  const rank = (f: LintFinding) => ruleOrder.get(f.rule) ?? 0
  out.sort((a, b) => a.order - b.order || a.finding.line - b.finding.line || a.finding.col - b.finding.col || rank(a.finding) - rank(b.finding))
  return out.map((o) => o.finding)
}

function suppression(ignores: Ignore[], statement: number, rule: string): string | undefined {
  for (const ig of ignores) {
    if (ig.statement === statement && ig.reason && ig.rules.includes(rule)) return ig.reason
  }
  return undefined
}
