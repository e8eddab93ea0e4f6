// What discovery and parsing hand to the engine. Pure data: no I/O handles.

/** A naming scheme. `auto` is resolved to one of the others by discovery. */
export type Convention = 'supabase' | 'numbered' | 'dated' | 'flyway' | 'golang-migrate' | 'dbmate' | 'goose'

/** A position in a file: 1-based line and column (columns count code points, as Postgres does). */
export interface FilePosition {
  line: number
  col: number
}

/**
 * A piece of SQL text taken from a file: the whole file, or one section of it
 * (dbmate `-- migrate:up`, goose `-- +goose Down`). `offset` is where `text`
 * starts in the file (a JS string index into the file text with the BOM removed),
 * so positions inside `text` map back to file:line:col.
 */
export interface ScriptSource {
  /** Path relative to the workspace (or cwd), with forward slashes: what annotations and links use. */
  file: string
  /** The full file text, BOM stripped, line endings untouched. */
  fileText: string
  /** Start of `text` inside `fileText`. */
  offset: number
  /** The SQL of this script. */
  text: string
  /** Which script of its migration this is, when known: what a problem in it says (issue 19 item 8). */
  role?: ScriptRole
}

/** The part of a migration a script is: its up, its down, its verify script, a hook file or a prelude. */
export type ScriptRole = 'up' | 'down' | 'verify' | 'hook' | 'prelude'

/** Why a statement or a file cannot run inside a transaction. */
export interface NonTransactionalReason {
  /** e.g. 'CREATE INDEX CONCURRENTLY', 'VACUUM', 'directive -- pgshift:no-transaction' */
  what: string
  position: FilePosition
}

export interface Statement {
  /** 0-based index among the script's statements. */
  index: number
  /** Statement text, without the trailing semicolon. */
  sql: string
  /** JS string index of the statement's first character in `ScriptSource.fileText`. */
  offset: number
  /** Position of the first character in the file. */
  position: FilePosition
  /** The libpg-query node type, e.g. 'CreateStmt', 'IndexStmt', 'TransactionStmt'. */
  kind: string
  /** The parse-tree node (the value under `kind`). */
  node: Record<string, unknown>
  /** Set when this statement cannot run inside a transaction block. */
  nonTransactional?: string
  /** Set for BEGIN / COMMIT / END / ROLLBACK and friends: 'begin' | 'commit' | 'rollback' | 'other'. */
  transactionControl?: 'begin' | 'commit' | 'rollback' | 'savepoint' | 'other'
  /** True for the outer BEGIN/COMMIT wrapper that pgshift strips (the statement is not sent). */
  strippedWrapper?: boolean
  /**
   * Set (to the extension's name) when supabase-shim-extensions: stub satisfies this
   * statement (a CREATE/ALTER/DROP/COMMENT ON EXTENSION the server cannot run): it is
   * blanked out of the sent text, never sent, and its file text and checksum are untouched.
   */
  stubbed?: string
}

/**
 * How the executor must run a script:
 * - `transaction`: one transaction, with the history row inside it;
 * - `statements`: one statement at a time in autocommit (CONCURRENTLY, VACUUM, directives,
 *   balanced BEGIN ... COMMIT blocks).
 */
export type RunMode = 'transaction' | 'statements'

export interface ParsedScript {
  source: ScriptSource
  statements: Statement[]
  runMode: RunMode
  /** Why the script runs statement by statement (empty when runMode is 'transaction'). */
  nonTransactionalReasons: NonTransactionalReason[]
  /** True when balanced BEGIN ... COMMIT blocks were found (not dry-runnable against a kept database). */
  hasTransactionBlocks: boolean
  /**
   * The text to send when the script runs as one transaction: `source.text` with stripped
   * wrapper statements blanked to spaces, so error positions still match the file.
   */
  sendText: string
}

/** A problem found before any connection is opened. Refuses the run. */
export interface SourceProblem {
  file: string
  position?: FilePosition
  /** Short machine id, e.g. 'syntax-error', 'psql-meta-command', 'stray-commit', 'duplicate-identity'. */
  code: string
  message: string
  /** What the user should do next. */
  hint?: string
  /**
   * Set when the problem lies in a migration's down script (a down file or a down section):
   * it refuses only a run that needs that down (rollback, test-rollback); other runs
   * report it as a warning (see engine/parse-needed.ts).
   */
  down?: { migration: string }
  /**
   * `file` names a path that is not in the repository's commit (a missing migrations
   * directory, a path outside the workspace): reports print it, and never link to it
   * or annotate it, since a link would 404 (issue 19 item 8).
   */
  noSuchPath?: true
  /** The script the problem is in (a syntax error in a down section says so). */
  script?: ScriptRole
  /** For a syntax error: the lines around the position, the line marked and a caret under the column (source/excerpt.ts). */
  excerpt?: string
}

/** A non-fatal remark from discovery, e.g. a `.sql` file that fits no scheme. */
export interface SourceWarning {
  file: string
  message: string
  /** Where in `file`, when the remark is about a place (a syntax error in a down script). */
  position?: FilePosition
  /** A syntax error's SQL excerpt, when the remark is one (a down script's, demoted to a warning). */
  excerpt?: string
}

export type MigrationKind = 'versioned' | 'repeatable'

export interface Migration {
  /**
   * The unique, stable name of the migration in history: the file name without `.sql`
   * (and without `.up`), e.g. `004_learning_privacy`, `V1.2__add_users`, `R__views`.
   */
  identity: string
  /** The version part as written: `004`, `20250115000000`, `2025-09-08`, `1.2`; '' for repeatables. */
  version: string
  /** The descriptive part: `learning_privacy`. */
  name: string
  kind: MigrationKind
  /**
   * Sort key within the set (see source/order.ts). Keys of one directory compare with
   * `compareOrderKeys`; ties break on identity.
   */
  orderKey: OrderKey
  /** SHA-256 (hex) of the up script's file text with BOM stripped and CRLF/CR turned into LF. */
  checksum: string
  /** Length (UTF-16 units) of the up file's text: what parsing it will hold, known before parsing (engine/parse-needed.ts). */
  textLength?: number
  /** The up script's file, workspace-relative: known without parsing. */
  file: string
  /** The files holding a down and a verify script (the up file itself for dbmate/goose sections): known without parsing. */
  scriptFiles: { down?: string; verify?: string }
  /**
   * The parsed scripts. With `discover({ parse: 'lazy' })` each is parsed on first read
   * (the parser must be loaded: `ensureParser()`), and its problems join the discovery's
   * `problems`; see source/lazy.ts. A down or verify script that holds no statements reads
   * as undefined.
   */
  up: ParsedScript
  down?: ParsedScript
  verify?: ParsedScript
  /** Which convention recognised this file. */
  convention: Convention
}

/**
 * An order key: numeric parts compared as numbers (BigInt-safe strings), so `9` < `100`,
 * dates normalised to YYYYMMDDhhmmss. `group` orders kinds: versioned (0) before repeatable (1).
 */
export interface OrderKey {
  group: number
  parts: string[]
}

export interface DiscoveryResult {
  /** The directory, relative to the workspace, as given or resolved. */
  dir: string
  /** The convention in force: the input, or what `auto` detected. */
  convention: Convention
  /** How `auto` decided, for the report: e.g. "auto: 12 files named YYYYMMDDhhmmss_name.sql". */
  conventionNote: string
  /** In run order. */
  migrations: Migration[]
  /** Files that are not migrations by any scheme (named, not applied). */
  warnings: SourceWarning[]
  /** Problems that refuse the run (syntax errors, meta-commands, duplicates...). */
  problems: SourceProblem[]
  /** When a plan file gave the order. */
  planFile?: string
  /** Callback files found in the directory (beforeMigrate.sql ...), parsed; never migrations. */
  hooks?: Hook[]
  /** prelude-dirs files (source/preludes.ts), in run order; carried as migrations with a `prelude:` identity. */
  preludes?: Migration[]
}

/** A callback file: `beforeMigrate`, `afterEachMigrate`, `afterMigrate` or `afterRollback`. */
export interface Hook {
  name: 'beforeMigrate' | 'afterEachMigrate' | 'afterMigrate' | 'afterRollback'
  script: ParsedScript
}
