// The lint's public types (issue 6 item 1). The engine and the report consume these.

export type LintSeverity = 'error' | 'warning'

export interface LintFinding {
  /** Kebab-case rule id, e.g. 'require-concurrent-index'. */
  rule: string
  /** The rule's default severity. */
  severity: LintSeverity
  /** Migration identity. */
  identity: string
  /** The statement's (or the offending sub-node's) position in the file. */
  file: string
  line: number
  col: number
  /** What is wrong, naming the table/column. */
  message: string
  /** Which lock, what it blocks, for how long. */
  why: string
  /** The safe rewrite. */
  fix: string
  /** The reason from a `-- pgshift-ignore <rule>: <reason>` comment. */
  suppressed?: string
}

/** What a database at hand says about an existing table (see LintFacts). */
export interface TableFacts {
  /**
   * Estimated rows (pg_class.reltuples, else the statistics' live tuples); 0 when the
   * table is empty; undefined when unknown. Given only where the database stands for
   * the one the migrations will change (a kept database, not the PR check's service
   * container, whose empty tables say nothing about production).
   */
  rows?: number
  /** Columns by name: the type as the catalog has it and whether it is already NOT NULL. */
  columns?: Map<string, ColumnFacts>
  /** CHECK (col IS NOT NULL) constraints by name: the column, and whether it is validated. */
  notNullChecks?: Map<string, { column: string; validated: boolean }>
}

export interface ColumnFacts {
  /** pg_type.typname of the column (element type for arrays, with `array` set): varchar, numeric, int4... */
  typname: string
  /** The type modifiers as written by format_type: varchar(20) -> [20], numeric(12,2) -> [12, 2]. */
  mods: number[]
  array: boolean
  notNull: boolean
}

/**
 * Catalog facts from a database at hand (dry-run, plan or apply against a kept
 * database, the PR check's base snapshot S0). The engine fills them (src/db/lint-facts.ts);
 * the lint itself never talks to a database, so it stays pure and synchronous.
 * Every field is optional: what is missing is judged as without a database.
 */
export interface LintFacts {
  /** Existing tables by key (the same keys as existingTables). */
  tables?: Map<string, TableFacts>
  /** Function name (lower-case, unqualified) -> its most volatile overload: pg_proc.provolatile. */
  functions?: Map<string, 'i' | 's' | 'v'>
  /** Index key (schema.name) -> the key of its table. */
  indexes?: Map<string, string>
}

export interface LintContext {
  /** Tables (schema.name, lower-case, 'public.' when unqualified) that existed before the migrations being linted. */
  existingTables: Set<string>
  /** What a database at hand says (row estimates, column types, validated checks, function volatility). */
  facts?: LintFacts
  /**
   * When no snapshot of the database is available: treat every table that is neither
   * in `existingTables` nor created earlier in the linted set as existing (the
   * conservative assumption of linters without a database). Default false: only
   * `existingTables` exist.
   */
  unknownTablesExist?: boolean
}

export interface LintRule {
  id: string
  severity: LintSeverity
  /** One line: what the rule flags. */
  summary: string
  /** Which lock, what it blocks, for how long. */
  why: string
  /** The safe rewrite. */
  fix: string
}
