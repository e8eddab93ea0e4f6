// One schema for every input, whether it comes from action.yml or CLI flags.
// Raw values are strings (as GitHub gives them); the schema turns them into a
// typed, frozen Settings object, and its errors name the input, the value and
// the expected form.
import { z } from 'zod'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

/** The engine's modes (src/engine/modes/): each runs against one database. */
export const ENGINE_MODES = ['plan', 'dry-run', 'apply', 'verify', 'rollback'] as const
/** The fleet's modes (src/fleet/): the per-wave matrices from the targets file, and the merged report of the legs. */
export const FLEET_MODES = ['fleet-plan', 'fleet-report'] as const
export const MODES = [...ENGINE_MODES, ...FLEET_MODES] as const
export type EngineMode = (typeof ENGINE_MODES)[number]
export const isEngineMode = (mode: string): mode is EngineMode => (ENGINE_MODES as readonly string[]).includes(mode)
export const HISTORY_MODES = ['auto', 'native', 'supabase'] as const
export const CONVENTIONS = ['auto', 'supabase', 'numbered', 'dated', 'flyway', 'golang-migrate', 'dbmate', 'goose'] as const
export const LINT_LEVELS = ['off', 'warn', 'error'] as const
/** `auto`: schema for apply and rollback against a kept database, off on an ephemeral one (src/backup/policy.ts). */
export const BACKUP_LEVELS = ['auto', 'off', 'schema', 'full'] as const
export const SHIM_EXTENSION_MODES = ['error', 'stub'] as const
export const DEFAULT_DIRS = ['supabase/migrations', 'migrations', 'db/migrations'] as const

/** Parses `5s`, `500ms`, `2m`, `1h` or a bare number of milliseconds. */
export function parseDuration(value: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value)
  if (!m) return undefined
  const n = Number(m[1])
  const unit = m[2] ?? 'ms'
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000
  return Math.round(n * factor)
}

/** lock_timeout and statement_timeout are int milliseconds on the server (INT_MAX); setTimeout has the same limit. */
export const MAX_DURATION_MS = 2_147_483_647

const duration = (input: string) =>
  z.string().transform((v, ctx) => {
    const ms = parseDuration(v)
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `${input}: '${v}' is not a duration; expected a number with a unit, e.g. 5s, 500ms or 2m` })
      return z.NEVER
    }
    if (ms > MAX_DURATION_MS) {
      ctx.addIssue({ code: 'custom', message: `${input}: '${v}' is longer than Postgres (and Node's timers) accept; expected at most ${MAX_DURATION_MS}ms (about 24 days), e.g. 5s, 10m or 2h` })
      return z.NEVER
    }
    return ms
  })

const bool = (input: string) =>
  z.string().transform((v, ctx) => {
    const s = v.trim().toLowerCase()
    if (['true', 'yes', '1', 'on'].includes(s)) return true
    if (['false', 'no', '0', 'off', ''].includes(s)) return false
    ctx.addIssue({ code: 'custom', message: `${input}: '${v}' is not a boolean; expected true or false` })
    return z.NEVER
  })

const count = (input: string, max: number) =>
  z.string().transform((v, ctx) => {
    if (!/^\s*\d+\s*$/.test(v) || Number(v) > max) {
      ctx.addIssue({ code: 'custom', message: `${input}: '${v}' is not a whole number from 0 to ${max}` })
      return z.NEVER
    }
    return Number(v)
  })

const oneOf = <T extends readonly [string, ...string[]]>(input: string, values: T) =>
  z.string().transform((v, ctx) => {
    const s = v.trim()
    if ((values as readonly string[]).includes(s)) return s as T[number]
    ctx.addIssue({ code: 'custom', message: `${input}: '${v}' is not one of ${values.join(' | ')}` })
    return z.NEVER
  })

const identifier = (input: string) =>
  z.string().transform((v, ctx) => {
    // Any name Postgres accepts as a quoted identifier; it is always quoted when used.
    if (v.length === 0 || v.length > 63 || v.includes('\0')) {
      ctx.addIssue({ code: 'custom', message: `${input}: '${v}' is not a schema name; expected 1 to 63 characters` })
      return z.NEVER
    }
    return v
  })

/** `auto` (comment on pull_request and pull_request_target events), or a boolean. */
const commentSwitch = (input: string) =>
  z.string().transform((v, ctx): 'auto' | boolean => {
    const s = v.trim().toLowerCase()
    if (s === 'auto') return 'auto'
    if (['true', 'yes', '1', 'on'].includes(s)) return true
    if (['false', 'no', '0', 'off'].includes(s)) return false
    ctx.addIssue({ code: 'custom', message: `${input}: '${v}' is not one of auto | true | false` })
    return z.NEVER
  })

/** A free-form key (it is escaped into the comment's hidden marker); empty means the workflow plus the job. */
const commentKey = (input: string) =>
  z.string().transform((v, ctx) => {
    if (v.length > 200 || /[\x00-\x1f\x7f]/.test(v)) {
      ctx.addIssue({ code: 'custom', message: `${input}: '${v.slice(0, 60).replace(/[\x00-\x1f\x7f]/g, '?')}' is not a comment key; expected up to 200 characters on one line, e.g. migrations/pr-check` })
      return z.NEVER
    }
    return v
  })

/**
 * `base`: auto (the event's base commit on pull_request and merge_group events, else off),
 * off, or a git ref or SHA (`origin/main`, `a1b2c3d`). Refs are handed to git as one argv
 * element, so only the characters git allows in ref names (and `^`, `~` for revisions) pass.
 */
const baseRef = (input: string) =>
  z.string().transform((v, ctx) => {
    const s = v.trim()
    if (s === 'auto' || s === 'off') return s
    if (s.length > 200 || s.startsWith('-') || !/^[A-Za-z0-9._/@^~{}+-]+$/.test(s) || s.includes('..')) {
      ctx.addIssue({ code: 'custom', message: `${input}: '${s.slice(0, 60).replace(/[\x00-\x1f\x7f]/g, '?')}' is not one of auto | off | a git ref or commit SHA (e.g. origin/main)` })
      return z.NEVER
    }
    return s
  })

/** Directories relative to the workspace, one per line or comma-separated, in order. */
const dirList = (input: string) =>
  z.string().transform((v, ctx) => {
    const dirs = v
      .split(/[\n,]/)
      .map((d) => d.trim().replace(/\/+$/, ''))
      .filter(Boolean)
    const bad = dirs.find((d) => d.length > 500 || /[\0\r]/.test(d) || d.startsWith('/') || d.split('/').includes('..'))
    if (bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: `${input}: '${bad.slice(0, 80).replace(/[\x00-\x1f\x7f]/g, '?')}' is not a directory inside the workspace; expected relative paths, one per line or comma-separated, e.g. supabase/initdb, supabase/seed` })
      return z.NEVER
    }
    if (new Set(dirs).size !== dirs.length) {
      ctx.addIssue({ code: 'custom', message: `${input}: '${v.trim().slice(0, 80)}' names a directory twice; expected each directory once, in the order they run` })
      return z.NEVER
    }
    return dirs
  })

/** `a, "b c"`: schema names, comma-separated; each is quoted when used. Empty: the server's search_path. */
const searchPath = (input: string) =>
  z.string().transform((v, ctx) => {
    if (v.trim() === '') return [] as string[]
    const names = v.split(',').map((n) => n.trim().replace(/^"(.*)"$/, '$1'))
    const bad = names.find((n) => n.length === 0 || n.length > 63 || n.includes('\0'))
    if (bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: `${input}: '${v}' is not a list of schema names; expected names of 1 to 63 characters separated by commas, e.g. tenant_42, public` })
      return z.NEVER
    }
    return names
  })

/** A target of the targets file (src/fleet/targets.ts has the same rule). */
const fleetTargetName = (input: string) =>
  z.string().transform((v, ctx) => {
    if (v !== '' && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: `${input}: '${v.slice(0, 100)}' is not a target name; expected letters, digits, '.', '_' or '-', e.g. \${{ matrix.target }}` })
      return z.NEVER
    }
    return v
  })

/** The raw inputs, keyed by their kebab-case names, with the defaults action.yml documents. */
export const DEFAULTS = {
  mode: 'plan',
  'migrations-dir': '',
  'prelude-dirs': '',
  convention: 'auto',
  'history-schema': 'pgshift',
  history: 'auto',
  'lock-timeout': '5s',
  'lock-retries': '3',
  'statement-timeout': '0',
  'lock-wait': '60s',
  'connect-timeout': '30s',
  'allow-out-of-order': 'false',
  'allow-drift': 'false',
  'allow-missing': 'false',
  steps: '',
  'to-version': '',
  'allow-data-loss': 'false',
  'dry-run': 'false',
  'test-rollback': 'false',
  'expected-database-url': '',
  lint: 'warn',
  backup: 'auto',
  'backup-required': 'true',
  'backup-dir': '',
  'supabase-shim': 'false',
  'supabase-shim-extensions': 'error',
  comment: 'auto',
  'github-token': '',
  'comment-key': '',
  'allow-untrusted': 'false',
  base: 'auto',
  'search-path': '',
  'targets-file': 'pgshift.targets.yml',
  'fleet-target': '',
  'fleet-reports-dir': '',
  'fleet-wave': ''
} as const

/** The inputs that are booleans (true/false defaults): the CLI takes them bare (`--test-rollback`) or as `--test-rollback=false`. */
export const BOOLEAN_INPUTS: readonly string[] = Object.entries(DEFAULTS)
  .filter(([, v]) => v === 'true' || v === 'false')
  .map(([k]) => k)

/** Inputs that only the action reads (the PR comment and the trigger guard); the CLI has no flags for them. */
export const GITHUB_INPUT_NAMES = ['comment', 'github-token', 'comment-key', 'allow-untrusted'] as const

export const settingsSchema = z.object({
  // Never echo the URL itself in an error: it is a secret.
  'database-url': z.string(),
  mode: oneOf('mode', MODES),
  'migrations-dir': z.string(),
  'prelude-dirs': dirList('prelude-dirs'),
  convention: oneOf('convention', CONVENTIONS),
  'history-schema': identifier('history-schema'),
  history: oneOf('history', HISTORY_MODES),
  'lock-timeout': duration('lock-timeout'),
  'lock-retries': count('lock-retries', 100),
  'statement-timeout': duration('statement-timeout'),
  'lock-wait': duration('lock-wait'),
  'connect-timeout': duration('connect-timeout'),
  'allow-out-of-order': bool('allow-out-of-order'),
  'allow-drift': bool('allow-drift'),
  'allow-missing': bool('allow-missing'),
  steps: z.string(),
  'to-version': z.string(),
  'allow-data-loss': bool('allow-data-loss'),
  'dry-run': bool('dry-run'),
  'test-rollback': bool('test-rollback'),
  // A secret like database-url: never echoed.
  'expected-database-url': z.string(),
  lint: oneOf('lint', LINT_LEVELS),
  backup: oneOf('backup', BACKUP_LEVELS),
  'backup-required': bool('backup-required'),
  'backup-dir': z.string(),
  'supabase-shim': bool('supabase-shim'),
  'supabase-shim-extensions': oneOf('supabase-shim-extensions', SHIM_EXTENSION_MODES),
  // The action only (GITHUB_INPUT_NAMES).
  comment: commentSwitch('comment'),
  // A secret: never echoed.
  'github-token': z.string(),
  'comment-key': commentKey('comment-key'),
  'allow-untrusted': bool('allow-untrusted'),
  base: baseRef('base'),
  // Fleets (src/fleet/, docs/fleet.md).
  'search-path': searchPath('search-path'),
  'targets-file': z.string(),
  'fleet-target': fleetTargetName('fleet-target'),
  'fleet-reports-dir': z.string(),
  'fleet-wave': z.string().transform((v, ctx) => {
    if (v === '') return undefined
    if (!/^\d{1,3}$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: `fleet-wave: '${v}' is not a wave number; expected a whole number such as 0 (the canaries), or empty for every wave` })
      return z.NEVER
    }
    return Number(v)
  })
})

export type InputName = keyof z.input<typeof settingsSchema>
/** Every input action.yml declares. */
export const ACTION_INPUT_NAMES = Object.keys(settingsSchema.shape) as InputName[]
/** The inputs the CLI takes as flags: all but the GitHub-only ones. */
export const INPUT_NAMES = ACTION_INPUT_NAMES.filter((n) => !(GITHUB_INPUT_NAMES as readonly string[]).includes(n))

export interface Settings {
  databaseUrl: string
  mode: (typeof MODES)[number]
  /** Relative to `workspace`, as given or as resolved from the defaults. */
  migrationsDir: string
  /** Prelude directories (DESIGN 5), in order: their files run once each, in name order, before the first migration. */
  preludeDirs: string[]
  convention: (typeof CONVENTIONS)[number]
  historySchema: string
  /** Which history to keep: pgshift's only (native), also the Supabase CLI's (supabase), or auto (Supabase when its table exists or the directory is supabase/migrations). */
  history: (typeof HISTORY_MODES)[number]
  lockTimeoutMs: number
  lockRetries: number
  /** 0 means no statement timeout. */
  statementTimeoutMs: number
  lockWaitMs: number
  connectTimeoutMs: number
  allowOutOfOrder: boolean
  allowDrift: boolean
  allowMissing: boolean
  /** rollback: how many applied migrations to roll back (default 1), unless toVersion is set. */
  steps: number
  /** rollback: roll back every migration after this one; it stays applied. */
  toVersion?: string
  /** rollback: allow downs that drop tables or columns holding rows. */
  allowDataLoss: boolean
  /** rollback: preview inside a transaction that is rolled back, as dry-run does for apply. */
  dryRun: boolean
  /** apply on an ephemeral database: up, down, up, comparing schema snapshots. */
  testRollback: boolean
  /** verify: an empty database on which the files build the expected schema. */
  expectedDatabaseUrl?: string
  /** Migration safety lint of pending files: off, warn (report and annotate), error (refuse the run). */
  lint: (typeof LINT_LEVELS)[number]
  /** pg_dump before the first migration (and safety copies of destroyed rows): auto, off, schema or full. */
  backup: (typeof BACKUP_LEVELS)[number]
  /** A failed backup stops the run before anything changes (false: warn and go on). */
  backupRequired: boolean
  /** Where backups go; undefined means RUNNER_TEMP, else the OS temp directory. */
  backupDir?: string
  /** Make an ephemeral vanilla Postgres accept Supabase migrations (src/supabase/shim.ts). */
  supabaseShim: boolean
  /** What the shim does with extensions the server lacks: refuse the run (error), or stub pg_net, pg_cron and vault. */
  supabaseShimExtensions: (typeof SHIM_EXTENSION_MODES)[number]
  /**
   * The PR check's base (issue 15): 'auto' (the event's base commit on pull_request and
   * merge_group, handed in by the action; otherwise off), 'off', or a git ref or SHA.
   */
  base: 'auto' | 'off' | string
  /** The directory paths are relative to (GITHUB_WORKSPACE or cwd). */
  workspace: string
  /** Schemas set as the search_path of every migration connection (a tenant schema); empty: the server's. */
  searchPath: string[]
  /** Fleets (docs/fleet.md): the targets file, relative to the workspace. */
  targetsFile: string
  /** A fleet leg: the target of the targets file this run is (matrix.target). */
  fleetTarget?: string
  /** fleet-report: the directory holding the legs' JSON files (downloaded artifacts). */
  fleetReportsDir?: string
  /** fleet-report: only this wave's targets (the gate after the canaries); undefined: every wave. */
  fleetWave?: number
  /** The action only (the CLI ignores these): the PR comment and the trigger guard. */
  github: GithubSettings
}

export interface GithubSettings {
  /** Post the sticky PR comment: 'auto' means on pull_request and pull_request_target events. */
  comment: 'auto' | boolean
  /** The token for the comment (a secret). Empty: no comment. */
  token: string
  /** The comment's key; undefined means `${GITHUB_WORKFLOW}/${GITHUB_JOB}`. */
  commentKey?: string
  /** Run even on a trigger that hands PR files a privileged context (pull_request_target, workflow_run). */
  allowUntrusted: boolean
}

/** Settings of a run of the engine (one database); the fleet modes never reach it. */
export type EngineSettings = Readonly<Settings> & { readonly mode: EngineMode }

/** Narrows settings to an engine run; a fleet mode here is a programming error. */
export function engineSettings(settings: Readonly<Settings>): EngineSettings {
  if (!isEngineMode(settings.mode)) throw new Error(`mode ${settings.mode} is a fleet mode: src/fleet runs it, not the engine`)
  return settings as EngineSettings
}

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `invalid inputs:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'SettingsError'
  }
}

/**
 * Validates raw inputs. `raw` holds strings keyed by input name; a missing or empty
 * value takes the default. Throws SettingsError naming every bad input.
 */
export function parseSettings(raw: Partial<Record<InputName, string | undefined>>, workspace: string): Readonly<Settings> {
  const merged: Record<string, string> = {}
  for (const name of ACTION_INPUT_NAMES) {
    const v = raw[name]
    merged[name] = v === undefined || v.trim() === '' ? ((DEFAULTS as Record<string, string>)[name] ?? '') : v.trim()
  }
  const parsed = settingsSchema.safeParse(merged)
  // Every problem at once (issue 19): the schema's, then the combinations, checked on
  // the raw strings so that they are reported even when a field is itself invalid.
  const problems: string[] = parsed.success ? [] : parsed.error.issues.map((i) => (i.message.includes(':') ? i.message : `${String(i.path[0])}: ${i.message}`))
  problems.push(...combinationProblems(merged))
  if (!parsed.success || problems.length) throw new SettingsError(problems)
  const s = parsed.data
  const stepsRaw = merged.steps ?? ''
  return Object.freeze({
    databaseUrl: s['database-url'],
    mode: s.mode,
    migrationsDir: s['migrations-dir'] || resolveDefaultDir(workspace),
    preludeDirs: s['prelude-dirs'],
    convention: s.convention,
    historySchema: s['history-schema'],
    history: s.history,
    lockTimeoutMs: s['lock-timeout'],
    lockRetries: s['lock-retries'],
    statementTimeoutMs: s['statement-timeout'],
    lockWaitMs: s['lock-wait'],
    connectTimeoutMs: s['connect-timeout'],
    allowOutOfOrder: s['allow-out-of-order'],
    allowDrift: s['allow-drift'],
    allowMissing: s['allow-missing'],
    steps: stepsRaw === '' ? 1 : Number(stepsRaw),
    toVersion: s['to-version'] || undefined,
    allowDataLoss: s['allow-data-loss'],
    dryRun: s['dry-run'],
    testRollback: s['test-rollback'],
    expectedDatabaseUrl: s['expected-database-url'] || undefined,
    lint: s.lint,
    backup: s.backup,
    backupRequired: s['backup-required'],
    backupDir: s['backup-dir'] || undefined,
    supabaseShim: s['supabase-shim'],
    supabaseShimExtensions: s['supabase-shim-extensions'],
    base: s.base,
    workspace,
    searchPath: s['search-path'],
    targetsFile: s['targets-file'],
    fleetTarget: s['fleet-target'] || undefined,
    fleetReportsDir: s['fleet-reports-dir'] || undefined,
    fleetWave: s['fleet-wave'],
    github: Object.freeze({
      comment: s.comment,
      token: s['github-token'],
      commentKey: s['comment-key'] || undefined,
      allowUntrusted: s['allow-untrusted']
    })
  })
}

/** Inputs that are valid alone and not together; on the raw strings (a bad value of one field does not hide these). */
function combinationProblems(merged: Record<string, string>): string[] {
  const on = (name: string) => ['true', 'yes', '1', 'on'].includes((merged[name] ?? '').toLowerCase())
  const mode = merged.mode ?? 'plan'
  const problems: string[] = []
  if (parseDuration(merged['lock-timeout'] ?? '') === 0) problems.push(`lock-timeout: '${merged['lock-timeout']}' must be above zero, e.g. 5s`)
  const stepsRaw = merged.steps ?? ''
  if (stepsRaw !== '' && !/^\s*[1-9]\d{0,5}\s*$/.test(stepsRaw)) problems.push(`steps: '${stepsRaw}' is not a whole number of migrations to roll back, e.g. 1`)
  if (stepsRaw !== '' && (merged['to-version'] ?? '') !== '') problems.push(`steps and to-version: give one rollback target, not both (steps: '${stepsRaw}', to-version: '${merged['to-version']}')`)
  if (on('dry-run') && mode !== 'rollback') problems.push(`dry-run: 'true' previews a rollback; for an apply preview use mode: dry-run`)
  if (on('test-rollback') && mode !== 'apply') problems.push(`test-rollback: 'true' goes with mode: apply (on an ephemeral database), not mode: ${mode}`)
  const base = merged.base ?? 'auto'
  if (base !== 'auto' && base !== 'off' && !['apply', 'dry-run', 'plan'].includes(mode)) problems.push(`base: '${base}' goes with mode apply, dry-run or plan (a PR check), not mode: ${mode}`)
  if (merged['supabase-shim-extensions'] === 'stub' && !on('supabase-shim')) problems.push(`supabase-shim-extensions: 'stub' goes with supabase-shim: true (the shim creates the stubs)`)
  return problems
}

/** The first of the conventional directories that exists; `migrations` when none does (discovery then says so). */
export function resolveDefaultDir(workspace: string): string {
  return DEFAULT_DIRS.find((d) => existsSync(join(workspace, d))) ?? 'migrations'
}
