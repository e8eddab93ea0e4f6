// The one result every mode produces. Renderers (markdown, CLI text, annotations,
// outputs) read only this, so the action and the CLI report the same facts.
import type { LintFinding } from '../lint/types.js'
import type { SupabaseLintFinding } from '../lint/supabase/types.js'
import type { FilePosition, SourceProblem, SourceWarning } from '../source/types.js'

export type Mode = 'plan' | 'dry-run' | 'apply' | 'verify' | 'rollback'

/** The run's outcome, as the `status` output. */
export type RunStatus = 'success' | 'failed' | 'nothing-to-do' | 'blocked'

export type MigrationStatus =
  | 'applied' // applied by this run
  | 'already-applied' // in history with a matching checksum
  | 'pending' // would be applied (plan) or was not reached
  | 'failed' // this run tried and failed; nothing of it remains (or see `partial`)
  | 'partial' // a statement-by-statement file stopped midway; history records how far it got
  | 'skipped' // not attempted because an earlier migration failed
  | 'drifted' // applied, but the file changed since
  | 'missing' // in history, no file
  | 'out-of-order' // pending, but older than the newest applied
  | 'changed' // a repeatable whose checksum changed (will run again)
  | 'previewed' // dry-run: ran inside the preview transaction, then rolled back
  | 'rolled-back' // rollback: its down script ran and its history row is gone

/** A Postgres (or source) error, mapped onto the file. */
export interface MappedError {
  file?: string
  position?: FilePosition
  /** SQLSTATE, e.g. '42P01'. Absent for errors found before connecting. */
  sqlstate?: string
  message: string
  detail?: string
  hint?: string
  /** Postgres's CONTEXT (e.g. the PL/pgSQL line), when given. */
  where?: string
  /** The statement that failed (trimmed, may be shortened). */
  statement?: string
  /** What the user should do next. */
  next: string
}

/** A prelude file: run once, before the first migration; never pending, missing or rolled back. */
export interface PreludeResult {
  file: string
  /** 'will run' (plan), 'ran' (apply), 'previewed' (dry-run), 'already ran', 'failed', 'not run' (an earlier one failed). */
  status: 'will run' | 'ran' | 'previewed' | 'already ran' | 'failed' | 'not run'
  durationMs?: number
  error?: MappedError
}

export interface MigrationResult {
  identity: string
  file: string
  version: string
  name: string
  kind: 'versioned' | 'repeatable'
  status: MigrationStatus
  /** Milliseconds spent running it in this run. */
  durationMs?: number
  /** Statement count; for an applied file that this run did not parse, the count history recorded. */
  statements?: number
  /** 'transaction' or 'statements' (autocommit, one at a time); unknown for a file this run did not parse. */
  runMode?: 'transaction' | 'statements'
  /** Why it runs statement by statement, when it does. */
  nonTransactionalReasons?: string[]
  hasDown: boolean
  /** Statements that change the server rather than the database (lint/server-wide.ts): `CREATE ROLE app_reader (line 3)`. */
  serverWide?: string[]
  /** How many lock-timeout retries it took. */
  retries?: number
  error?: MappedError
  /** For 'partial': statements that committed before the failure. */
  statementsDone?: number
  /** Index-level problems left behind, e.g. an INVALID index after a failed CREATE INDEX CONCURRENTLY. */
  leftovers?: string[]
  /** From history, when already applied. */
  appliedAt?: string
  /** A free note, e.g. "renamed from 003_old_name". */
  note?: string
  /** A drifted or out-of-order file the run went ahead with: the allow-* input that accepted it (a warning, not an error). */
  accepted?: 'allow-drift' | 'allow-out-of-order'
  /** dry-run: each statement's time; `twin` when a non-transactional statement ran as its transactional twin. */
  statementTimings?: StatementTiming[]
  /** dry-run (and apply on an ephemeral database): the locks the migration took, from pg_locks. */
  locks?: LockTaken[]
  /** dry-run: why this file cannot be dry-run (it was listed, not run). */
  notDryRunnable?: string
  /** rollback: the file holding the down script (the up file itself for dbmate/goose sections). */
  downFile?: string
  /** rollback: what the down script destroys, counted before it ran (tables and columns holding rows). */
  destroys?: { what: string; rows: number; line: number }[]
  /** With a base (the PR check): the base branch's migration (phase 1) or the PR's own (phase 2). */
  origin?: 'base' | 'pr'
}

/** A migration a stopped preview did not run, and why. */
export interface NotPreviewed {
  identity: string
  file: string
  reason: string
}

export interface StatementTiming {
  line: number
  /** e.g. 'CREATE TABLE', 'CREATE INDEX'. */
  label: string
  ms: number
  /** Set when the statement ran as its transactional twin, e.g. 'ran as CREATE INDEX (without CONCURRENTLY)'. */
  twin?: string
}

export interface LockTaken {
  /** schema.name, or the lock type for non-relation locks. */
  relation: string
  /** e.g. 'AccessExclusiveLock'. */
  mode: string
  /** In words: what this lock blocks. */
  blocks: string
}

/** One verify check: a verify script, or a files-vs-history or schema comparison item. */
export interface VerifyCheck {
  /** The migration identity, or 'history' / 'schema'. */
  subject: string
  file?: string
  line?: number
  ok: boolean
  /** What was checked, or what failed. */
  message: string
  error?: MappedError
}

/** One difference between two schema snapshots. */
export interface SchemaDifference {
  /** e.g. 'index public.posts_user_idx', 'column public.users.email'. */
  object: string
  change: 'added' | 'removed' | 'changed'
  /** For 'changed': what differs, e.g. 'default: now() -> NULL'. */
  detail?: string
}

/** Files vs history, computed before anything runs. */
export interface PlanSummary {
  pending: string[]
  applied: string[]
  drifted: string[]
  missing: string[]
  outOfOrder: string[]
  changedRepeatables: string[]
  /** Statement-by-statement files that stopped midway in an earlier run. */
  partial: string[]
  /** Human reasons the run is refused, one per line, each naming the files and the input that allows it. */
  refusals: string[]
}

/** The pg_dump taken before the first migration (src/backup). */
export interface BackupInfo {
  level: 'off' | 'schema' | 'full'
  /** Why this level, e.g. 'backup input' or 'auto: loopback host 127.0.0.1 is an ephemeral database'. */
  reason: string
  /** The folder holding the dump and the safety copies: the backup-path output. */
  dir?: string
  /** The dump file. */
  file?: string
  bytes?: number
  durationMs?: number
  /** e.g. 'pg_dump 17.2 (/usr/lib/postgresql/17/bin/pg_dump)'. */
  pgDump?: string
  /** Why the backup failed (the run stopped, or went on when backup-required is false). */
  error?: string
}

/** Rows a migration (or a down script) destroys, copied to CSV before it ran. */
export interface SafetyCopy {
  migration: string
  /** e.g. 'column public.users.legacy_email', 'table public.old_events'. */
  what: string
  /** The CSV file. */
  file: string
  rows: number
  /** The destroying statement: file:line and its first words. */
  statement: string
}

/** The PR check (issue 15): the base phase, then the PR's own migrations, judged alone. */
export interface PrCheckInfo {
  /** The base commit. */
  base: string
  /** Where the base's files came from: git, git after fetching the base commit, or the PR files API. */
  from: string
  /** 'ephemeral' (a service container, or no history before this run) or 'kept' (e.g. staging). */
  database: 'ephemeral' | 'kept'
  /** The PR's own migrations, in run order (the `pr-migrations` output). */
  prMigrations: string[]
  /** Phase 1: the base's migrations that history lacked, applied (or previewed) first. */
  basePhase: {
    /** The base's migrations in this directory. */
    total: number
    /** Run by this run's base phase. */
    ran: number
    /** Already recorded in history (a kept database). */
    alreadyApplied: number
    durationMs: number
    /** The base migration that failed, if one did. */
    failed?: string
  }
  /** What the PR's migrations hold and do: the rollback test's verdict, when it ran. */
  rollback?: 'passed' | 'failed' | 'not run'
}

/** A callback file (beforeMigrate.sql, afterMigrate.sql, afterEachMigrate.sql, afterRollback.sql). */
export interface HookRun {
  hook: string
  file: string
  status: 'ran' | 'failed' | 'previewed'
  /** afterEachMigrate: the migration it ran after. */
  after?: string
  durationMs?: number
  error?: MappedError
}

export interface RunReport {
  tool: 'pgshift'
  version: string
  mode: Mode
  status: RunStatus
  /** host:port/dbname, never credentials. */
  target: string
  /** What kind of database the target is, so the report can say what ran where (src/backup/policy.ts ephemeralReason). */
  database?: { kind: 'ephemeral' | 'kept'; reason?: string }
  migrationsDir: string
  convention: string
  conventionNote: string
  historyTable: string
  startedAt: string
  durationMs: number
  /** Commit and run link when known (GitHub). */
  commit?: string
  runUrl?: string
  migrations: MigrationResult[]
  plan: PlanSummary
  /** Identities applied by this run, in order. */
  applied: string[]
  /** rollback: identities rolled back by this run, in order (newest first). */
  rolledBack?: string[]
  /** verify: every check, passing or not. */
  checks?: VerifyCheck[]
  /** Lint findings on the pending migrations (see src/lint). */
  lint?: LintFinding[]
  /** apply on an ephemeral database (test-rollback): what this run's migrations added, dropped and changed. */
  schemaChanges?: SchemaDifference[]
  /** Schema differences: verify against expected-database-url, or test-rollback's up-down-up comparison. */
  schemaDiff?: { title: string; differences: SchemaDifference[] }[]
  /** dry-run: true; the report is a preview and nothing was kept. */
  preview?: boolean
  /**
   * A preview that stopped early (a file that cannot run in the rolled-back transaction):
   * how many of the run's migrations it previewed, and each one it did not, with why
   * (the `not-previewed` output).
   */
  partialPreview?: { previewed: number; total: number; notPreviewed: NotPreviewed[] }
  /** apply and rollback: the backup taken (or why none was). */
  backup?: BackupInfo
  /** Rows destroyed by this run's scripts, copied to CSV first. */
  safetyCopies?: SafetyCopy[]
  /** Callback files this run executed, in order. */
  hooks?: HookRun[]
  /** Identities still pending after this run. */
  pending: string[]
  warnings: SourceWarning[]
  problems: SourceProblem[]
  /** The run-level error, when the run failed outside a migration (connection, lock, input). */
  error?: MappedError
  /** What a rerun will do: the report's last line. */
  nextStep: string
  /** Server version, when connected. */
  serverVersion?: string
  /** When the Supabase CLI's history is kept too (history input; DESIGN 8). */
  supabaseHistory?: {
    reason: string
    table: string
    /** Files the Supabase CLI had applied: counted as applied (apply baselines them in pgshift's history). */
    adopted: string[]
    /** Files pgshift had applied without a Supabase row: apply writes it. */
    backfilled: string[]
  }
  /** Supabase lint of the applied schema (src/lint/supabase). */
  supabaseLint?: SupabaseLintFinding[]
  /** supabase-shim: what it created, stubbed and stepped aside for (or why it did not run). */
  supabaseShim?: string
  /** prelude-dirs (DESIGN 5): each prelude file and what this run did with it; never among the migrations. */
  preludes?: PreludeResult[]
  /** With a base (the PR check, issue 15): phase 1 and the PR's own migrations; lint, locks, schema changes and the rollback test are then about the PR's alone. */
  prCheck?: PrCheckInfo
}

/**
 * The convention note without the convention said twice: discovery writes
 * `auto: detected dated (8 files named …)` and `numbered (from the convention
 * input; 2 migration files)`, and every report puts the convention's name just
 * before the note. So: `auto: 8 files named …`, `from the convention input; …`.
 */
export function conventionNoteWords(convention: string, note: string): string {
  for (const head of [`auto: detected ${convention} (`, `${convention} (`]) {
    if (!note.startsWith(head)) continue
    // The parenthesis that closes the one after the name (file name patterns hold none).
    let depth = 1
    let i = head.length
    for (; i < note.length && depth > 0; i++) depth += note[i] === '(' ? 1 : note[i] === ')' ? -1 : 0
    if (depth !== 0) return note
    const inner = note.slice(head.length, i - 1)
    return `${head.startsWith('auto: ') ? 'auto: ' : ''}${inner}${note.slice(i)}`
  }
  return note
}

/**
 * `dated, auto: 8 files named …`: the convention and how it was chosen, as the
 * terminal report's `migrations:` line, the summary's Convention line and the
 * engine's discovery log line all say it.
 */
export function conventionLine(convention: string, note: string): string {
  return note ? `${convention}, ${conventionNoteWords(convention, note)}` : convention
}
