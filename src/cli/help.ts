// `pgshift help <mode>` and `pgshift <mode> --help`: what the mode does and the
// flags it reads. Every CLI input has a row (typed: a new input without one does
// not compile), so a mode's help never misses a flag.
import { INPUT_NAMES, MODES, type InputName } from '../settings.js'

type Mode = (typeof MODES)[number]
type CliInput = Exclude<InputName, 'mode' | 'comment' | 'github-token' | 'comment-key' | 'allow-untrusted'>

const ENGINE: Mode[] = ['plan', 'dry-run', 'apply', 'verify', 'rollback']
const WRITES: Mode[] = ['dry-run', 'apply', 'rollback']
const FORWARD: Mode[] = ['plan', 'dry-run', 'apply']

const WHAT: Record<Mode, string> = {
  plan: 'read-only: what would run (pending files, drift, lint, locks they would take); changes nothing',
  'dry-run': 'apply the pending migrations inside a transaction, then roll it back: nothing is kept',
  apply: 'apply the pending migrations, each in its own transaction (or statement by statement), recorded in history',
  verify: 'read-only: files vs history, drift, verify scripts, and (with --expected-database-url) the schema the files build',
  rollback: 'run down scripts, newest first, by --steps or --to-version (--dry-run: a preview, nothing kept)',
  'fleet-plan': 'the per-wave matrices of the targets file, as JSON (reads files only)',
  'fleet-report': "merge the fleet legs' JSON files into one markdown report (reads files only)"
}

const FLAGS: Record<CliInput, { arg: string; text: string; modes: Mode[] }> = {
  'database-url': { arg: 'URL', text: 'or env DATABASE_URL', modes: ENGINE },
  'migrations-dir': { arg: 'DIR', text: 'default: first of supabase/migrations, migrations, db/migrations', modes: ENGINE },
  convention: { arg: 'NAME', text: 'auto | supabase | numbered | dated | flyway | golang-migrate | dbmate | goose', modes: ENGINE },
  'history-schema': { arg: 'NAME', text: 'default pgshift', modes: ENGINE },
  history: { arg: 'MODE', text: 'auto | native | supabase (also write supabase_migrations.schema_migrations)', modes: ENGINE },
  'lock-timeout': { arg: '5s', text: 'lock_timeout of each statement', modes: WRITES },
  'lock-retries': { arg: '3', text: 'retries after a lock timeout', modes: WRITES },
  'statement-timeout': { arg: '0', text: 'statement_timeout (0: none)', modes: [...WRITES, 'verify'] },
  'lock-wait': { arg: '60s', text: 'how long to wait for another pgshift run to finish', modes: WRITES },
  'connect-timeout': { arg: '30s', text: 'give up connecting after this', modes: ENGINE },
  'allow-out-of-order': { arg: '', text: 'run a pending file older than the newest applied one', modes: FORWARD },
  'allow-drift': { arg: '', text: 'go on although an applied file changed since it ran', modes: [...FORWARD, 'verify', 'rollback'] },
  'allow-missing': { arg: '', text: 'go on although an applied migration has no file', modes: [...FORWARD, 'verify'] },
  steps: { arg: 'N', text: 'how many applied migrations to roll back (default 1)', modes: ['rollback'] },
  'to-version': { arg: 'V', text: 'roll back everything after V (V stays applied)', modes: ['rollback'] },
  'allow-data-loss': { arg: '', text: 'allow downs that drop tables or columns holding rows', modes: ['rollback'] },
  'dry-run': { arg: '', text: 'preview the downs in a transaction that is rolled back', modes: ['rollback'] },
  'test-rollback': { arg: '', text: 'then down, then up again, comparing schemas (ephemeral databases)', modes: ['apply'] },
  'expected-database-url': { arg: 'URL', text: 'an empty database to build the expected schema on', modes: ['verify'] },
  lint: { arg: 'LEVEL', text: 'off | warn | error: the migration safety lint of the pending files', modes: FORWARD },
  backup: { arg: 'LEVEL', text: 'auto | off | schema | full: pg_dump first, plus CSV copies of rows a migration drops', modes: ['apply', 'rollback'] },
  'backup-required': { arg: '', text: '--backup-required=false: a failed backup warns instead of stopping the run', modes: ['apply', 'rollback'] },
  'backup-dir': { arg: 'DIR', text: 'default: RUNNER_TEMP, else the OS temp directory', modes: ['apply', 'rollback'] },
  'supabase-shim': { arg: '', text: "ephemeral vanilla Postgres: create Supabase's roles and schemas when missing", modes: ['dry-run', 'apply'] },
  'supabase-shim-extensions': { arg: 'MODE', text: 'error | stub: extensions the server lacks (stub: pg_net, pg_cron, vault)', modes: ['dry-run', 'apply'] },
  base: { arg: 'REF', text: "PR check: off | a git ref or SHA: the base's migrations first, then judge this branch's own", modes: FORWARD },
  'search-path': { arg: 'a,b', text: 'SET search_path for every migration connection (a tenant schema)', modes: ENGINE },
  'targets-file': { arg: 'FILE', text: 'default pgshift.targets.yml', modes: [...ENGINE, 'fleet-plan'] },
  'fleet-target': { arg: 'T', text: 'one fleet leg: run target T of the targets file', modes: ENGINE },
  'fleet-reports-dir': { arg: 'DIR', text: "the legs' JSON files (downloaded artifacts)", modes: ['fleet-report'] },
  'fleet-wave': { arg: 'N', text: "only this wave's targets", modes: ['fleet-report'] },
  'prelude-dirs': { arg: 'a,b', text: 'prelude directories: files run once each, before the first migration', modes: ENGINE }
}

export function isMode(m: string): m is Mode {
  return (MODES as readonly string[]).includes(m)
}

/** The help of one mode: what it does, its flags, the exit codes. */
export function modeHelp(mode: Mode): string {
  const rows = (INPUT_NAMES as string[])
    .filter((n): n is CliInput => n in FLAGS)
    .filter((n) => FLAGS[n].modes.includes(mode))
    .map((n) => {
      const f = FLAGS[n]
      const left = `  --${n}${f.arg ? ` ${f.arg}` : ''}`
      return `${left.padEnd(30)}${f.text}`
    })
  return [
    `usage: pgshift ${mode} [flags]`,
    '',
    `${mode}: ${WHAT[mode]}`,
    '',
    'flags (boolean flags are bare, --flag, or --flag=false):',
    ...rows,
    `  ${'--json'.padEnd(28)}print the JSON report instead of text`,
    '',
    'exit codes: 0 success or nothing to do, 1 failed, 2 blocked (refused; nothing changed), 64 bad usage or input'
  ].join('\n')
}
