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

export interface LintContext {
  /** Tables (schema.name, lower-case, 'public.' when unqualified) that existed before the migrations being linted. */
  existingTables: Set<string>
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
