// The static lint (issue 6 item 1): rules over the real parse tree, never over the
// text, so comments, strings and dollar-quoted bodies cannot fire a rule.
//
// "Existing table" means: in LintContext.existingTables (the snapshot before the PR's
// migrations), or any table not created in the set when `unknownTablesExist` is on;
// a table created (or renamed into place from a new table) earlier in the linted set
// is new, whatever the snapshot says. Only the up scripts are linted, in list order.
import { ByteCursor, LineMap } from '../source/positions.js'
import type { Migration, ParsedScript, Statement } from '../source/types.js'
import { RULE_BY_ID, RULES } from './rules.js'
import { findIgnores, type Ignore } from './suppress.js'
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
  tableKey,
  typeLabel,
  unwrap
} from './tree.js'
import type { LintContext, LintFinding } from './types.js'

/** A finding before positions and suppressions are resolved. */
interface Raw {
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

// Functions whose every call gives a new value: a default using one is computed per row.
const VOLATILE = new Set([
  'random',
  'random_normal',
  'gen_random_uuid',
  'gen_random_bytes',
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

const ACCESS_EXCLUSIVE = 8 // LockStmt.mode: AccessExclusiveLock

class Linter {
  readonly raws: Raw[] = []
  private readonly status = new Map<string, Status>()
  /** Tables created in the set without a primary key, until one is added or the table dropped. */
  private readonly noPk = new Map<string, Raw>()
  /** Per table: columns a validated CHECK (col IS NOT NULL) proves. */
  private readonly notNullProof = new Map<string, Set<string>>()
  /** Per table: NOT VALID CHECK (col IS NOT NULL) constraints by name. */
  private readonly pendingChecks = new Map<string, Map<string, string>>()
  /** Indexes created in the set (REINDEX of those is harmless). */
  private readonly newIndexes = new Set<string>()
  private mig = 0
  private stmt = 0
  private script!: ParsedScript

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

  private add(rule: string, message: string, at?: number, extra: { why?: string; fix?: string } = {}): void {
    this.raws.push({ rule, migration: this.mig, statement: this.stmt, at, message, ...extra })
  }

  lintScript(migration: number, script: ParsedScript): void {
    this.mig = migration
    this.script = script
    for (const s of script.statements) {
      if (s.strippedWrapper) continue
      this.stmt = s.index
      this.statement(s)
    }
    this.mixedConcurrently(script)
  }

  /** Findings that wait for the whole set (a later ALTER TABLE may add the primary key). */
  finish(): void {
    this.raws.push(...this.noPk.values())
  }

  private statement(s: Statement): void {
    const n = s.node
    this.uuidCalls(n)
    switch (s.kind) {
      case 'IndexStmt':
        return this.createIndex(n)
      case 'AlterTableStmt':
        if (n.objtype === 'OBJECT_TABLE') this.alterTable(n)
        return
      case 'RenameStmt':
        return this.rename(n)
      case 'AlterObjectSchemaStmt':
        if (n.objectType === 'OBJECT_TABLE') this.move(rangeVarKey(n.relation), typeof n.newschema === 'string' ? n.newschema : undefined)
        return
      case 'DropStmt':
        return this.drop(n)
      case 'TruncateStmt':
        return this.truncate(n)
      case 'DeleteStmt':
      case 'UpdateStmt':
        return this.dml(s.kind, n)
      case 'CreateStmt':
        return this.createTable(n)
      case 'CreateTableAsStmt':
        if (n.objtype === 'OBJECT_TABLE' || n.objtype === 'OBJECT_MATVIEW') {
          const into = n.into as Node | undefined
          this.created(rangeVarKey(into?.rel), !!n.if_not_exists)
        }
        return
      case 'LockStmt':
        return this.lock(n)
      case 'VariableSetStmt':
        return this.setVariable(n)
      case 'VacuumStmt':
      case 'ClusterStmt':
      case 'ReindexStmt':
        return this.maintenance(s.kind, n)
    }
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
    if (typeof n.idxname === 'string') this.newIndexes.add(tableKey(rangeVar(n.relation)?.schemaname as string | undefined, n.idxname))
    if (n.concurrent) return
    const key = rangeVarKey(n.relation)
    if (!this.existing(key)) return
    const name = typeof n.idxname === 'string' ? `${n.idxname} ` : ''
    const unique = n.unique ? 'UNIQUE ' : ''
    this.add('require-concurrent-index', `CREATE ${unique}INDEX ${name}on existing table ${key} without CONCURRENTLY: writes to ${key} are blocked until the index is built`)
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
      switch (cmd.subtype) {
        case 'AT_AddColumn': {
          const def = unwrap(cmd.def, 'ColumnDef')
          if (def) this.addColumn(key, ex, def)
          break
        }
        case 'AT_AlterColumnType': {
          if (!ex) break
          const def = unwrap(cmd.def, 'ColumnDef')
          const using = def?.raw_default ? ' (with USING)' : ''
          this.add(
            'changing-column-type',
            `ALTER COLUMN ${col} TYPE ${typeLabel(def?.typeName)}${using} on existing table ${key}: unless the change is binary-compatible, ${key} is rewritten under an ACCESS EXCLUSIVE lock`,
            location(def)
          )
          break
        }
        case 'AT_AddConstraint': {
          const con = unwrap(cmd.def, 'Constraint')
          if (con) this.addConstraint(key, ex, con)
          break
        }
        case 'AT_ValidateConstraint': {
          const column = col ? this.pendingChecks.get(key)?.get(col) : undefined
          if (column) this.prove(key, column)
          break
        }
        case 'AT_SetNotNull':
          if (ex && col && !this.notNullProof.get(key)?.has(col)) {
            this.add('set-not-null', `ALTER COLUMN ${col} SET NOT NULL on existing table ${key}: the whole table is scanned under an ACCESS EXCLUSIVE lock`)
          }
          break
        case 'AT_DropColumn':
          if (ex) {
            this.add('destructive', `DROP COLUMN ${col} on existing table ${key}: the column's data is lost and code still reading ${col} fails`)
          }
          break
      }
    }
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
    if (dflt && hasDefault) {
      const volatile: string[] = []
      findAll(dflt.raw_expr, 'FuncCall', (f) => {
        const name = funcName(f)
        if (VOLATILE.has(name) && !volatile.includes(name)) volatile.push(name)
      })
      if (volatile.length > 0) {
        this.add(
          'volatile-default',
          `ADD COLUMN ${col} with the volatile default ${volatile.map((v) => `${v}()`).join(', ')} on existing table ${key}: every row gets its own value, so ${key} is rewritten under an ACCESS EXCLUSIVE lock`,
          location(dflt)
        )
      }
    }
    const generatedWhat = serial ? `${typeParts[0]} column (default nextval())` : identity ? 'identity column' : stored ? 'stored generated column' : undefined
    if (generatedWhat) {
      this.add(
        'volatile-default',
        `ADD COLUMN ${col} as a ${generatedWhat} on existing table ${key}: a value is computed for every existing row, so ${key} is rewritten under an ACCESS EXCLUSIVE lock`,
        location(identity ?? generated) ?? at,
        {
          fix: serial || identity
            ? 'Add a plain nullable column, create the sequence and SET DEFAULT nextval(...) (instant, new rows only), backfill the existing rows in batches, then add NOT NULL through a validated CHECK.'
            : 'Add a plain nullable column kept up to date by a trigger, backfill it in batches (or use a VIRTUAL generated column on PG18+, which is not stored).'
        }
      )
    }
    for (const c of cons) {
      if (c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE') {
        const what = c.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE'
        this.add('add-pk-or-unique-without-index', `ADD COLUMN ${col} ... ${what} on existing table ${key}: its unique index is built under an ACCESS EXCLUSIVE lock`, location(c), {
          fix: `Add the column without ${what}, fill it, CREATE UNIQUE INDEX CONCURRENTLY on it in its own file, then ADD CONSTRAINT ... ${what} USING INDEX (instant).`
        })
      } else if (c.contype === 'CONSTR_FOREIGN' || c.contype === 'CONSTR_CHECK') {
        const what = c.contype === 'CONSTR_FOREIGN' ? `REFERENCES ${rangeVarKey(c.pktable) ?? '?'}` : 'CHECK'
        this.add(
          'constraint-missing-not-valid',
          `ADD COLUMN ${col} ... ${what} on existing table ${key}: the new constraint is validated by scanning every row of ${key} under the ALTER TABLE lock (a column constraint cannot be NOT VALID)`,
          location(c),
          { fix: `Add the column without the constraint, then ALTER TABLE ${key} ADD CONSTRAINT ... ${c.contype === 'CONSTR_FOREIGN' ? 'FOREIGN KEY' : 'CHECK'} ... NOT VALID, then VALIDATE CONSTRAINT in a later statement.` }
        )
      }
    }
  }

  private addConstraint(key: string, ex: boolean, con: Node): void {
    const name = typeof con.conname === 'string' ? con.conname : undefined
    const label = name ? `${name} ` : ''
    switch (con.contype) {
      case 'CONSTR_CHECK':
      case 'CONSTR_FOREIGN': {
        const column = con.contype === 'CONSTR_CHECK' ? notNullCheckColumn(con.raw_expr) : undefined
        if (column) {
          if (!con.skip_validation) this.prove(key, column)
          else if (name) {
            const m = this.pendingChecks.get(key) ?? new Map<string, string>()
            m.set(name, column)
            this.pendingChecks.set(key, m)
          }
        }
        if (!ex || con.skip_validation) return
        const fk = con.contype === 'CONSTR_FOREIGN'
        const target = fk ? rangeVarKey(con.pktable) : undefined
        this.add(
          'constraint-missing-not-valid',
          fk
            ? `ADD CONSTRAINT ${label}FOREIGN KEY on existing table ${key} without NOT VALID: every row of ${key} is checked against ${target} while writes to both tables are blocked`
            : `ADD CONSTRAINT ${label}CHECK on existing table ${key} without NOT VALID: every row is checked under an ACCESS EXCLUSIVE lock`,
          location(con)
        )
        return
      }
      case 'CONSTR_PRIMARY':
      case 'CONSTR_UNIQUE': {
        if (con.contype === 'CONSTR_PRIMARY') this.noPk.delete(key)
        if (!ex || con.indexname) return
        const what = con.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE'
        const cols = names(con.keys).join(', ')
        this.add(
          'add-pk-or-unique-without-index',
          `ADD ${name ? `CONSTRAINT ${name} ` : ''}${what}${cols ? ` (${cols})` : ''} on existing table ${key} without USING INDEX: the unique index is built under an ACCESS EXCLUSIVE lock`,
          location(con)
        )
        return
      }
      case 'CONSTR_NOTNULL': {
        // PG18: ADD CONSTRAINT name NOT NULL col
        if (!ex || con.skip_validation) return
        for (const col of names(con.keys)) {
          if (this.notNullProof.get(key)?.has(col)) continue
          this.add('set-not-null', `ADD CONSTRAINT ${label}NOT NULL ${col} on existing table ${key}: the whole table is scanned under an ACCESS EXCLUSIVE lock`, location(con))
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

  private rename(n: Node): void {
    const key = rangeVarKey(n.relation)
    const newname = typeof n.newname === 'string' ? n.newname : '?'
    if (n.renameType === 'OBJECT_TABLE') {
      if (this.existing(key)) {
        this.add('renaming', `RENAME of existing table ${key} to ${newname}: clients still using ${key} fail at once`)
      }
      this.move(key, undefined, newname)
    } else if (n.renameType === 'OBJECT_COLUMN' && n.relationType === 'OBJECT_TABLE' && this.existing(key)) {
      this.add('renaming', `RENAME COLUMN ${String(n.subname)} to ${newname} on existing table ${key}: clients still using ${String(n.subname)} fail at once`)
    }
  }

  private drop(n: Node): void {
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

  private truncate(n: Node): void {
    const hit = list(n, 'relations')
      .map(rangeVarKey)
      .filter((k): k is string => this.existing(k))
    if (hit.length === 0) return
    const cascade = n.behavior === 'DROP_CASCADE' ? ' CASCADE, which also empties every table with a foreign key to it,' : ''
    this.add('destructive', `TRUNCATE ${hit.join(', ')}${cascade} deletes every row of existing data`)
  }

  private dml(kind: string, n: Node): void {
    if (n.whereClause) return
    const key = rangeVarKey(n.relation)
    if (!this.existing(key)) return
    const verb = kind === 'DeleteStmt' ? 'DELETE' : 'UPDATE'
    this.add('destructive', `${verb} on existing table ${key} without WHERE: it ${verb === 'DELETE' ? 'deletes' : 'rewrites'} every row`)
  }

  private createTable(n: Node): void {
    const rel = rangeVar(n.relation)
    const key = rangeVarKey(rel)
    if (!this.created(key, !!n.if_not_exists) || !key) return
    if (rel?.relpersistence === 't' || n.partbound || n.ofTypename) return
    const elts = list(n, 'tableElts')
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

  private lock(n: Node): void {
    if (n.mode !== ACCESS_EXCLUSIVE) return
    const hit = list(n, 'relations')
      .map(rangeVarKey)
      .filter((k): k is string => this.existing(k))
    if (hit.length === 0) return
    this.add(
      'lock-without-timeout',
      `LOCK TABLE ${hit.join(', ')} in ACCESS EXCLUSIVE mode: every read and write of ${hit.length > 1 ? 'these tables' : hit[0]} is blocked from here until the migration commits`
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
      const hit = rels.filter((k): k is string => this.existing(k))
      if (rels.length > 0 && hit.length === 0) return
      this.add('blocking-maintenance', `VACUUM FULL ${hit.length ? hit.join(', ') : '(every table of the database)'} rewrites ${hit.length ? 'the table' : 'each table'} under an ACCESS EXCLUSIVE lock`)
    } else if (kind === 'ClusterStmt') {
      const key = rangeVarKey(n.relation)
      if (key && !this.existing(key)) return
      this.add('blocking-maintenance', `CLUSTER ${key ?? '(every previously clustered table)'} rewrites the table under an ACCESS EXCLUSIVE lock`)
    } else {
      const conc = defElem(n.params, 'concurrently')
      if (conc && optionOn(conc)) return
      const rel = rangeVar(n.relation)
      const key = rangeVarKey(rel)
      const target = typeof n.name === 'string' ? n.name : key
      switch (n.kind) {
        case 'REINDEX_OBJECT_TABLE':
          if (!this.existing(key)) return
          break
        case 'REINDEX_OBJECT_INDEX':
          if (!key || this.newIndexes.has(key)) return
          break
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
  const linter = new Linter(ctx)
  migrations.forEach((m, i) => linter.lintScript(i, m.up))
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

