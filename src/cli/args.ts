// `pgshift <mode> [--input-name value ...]`: every action input is a flag of the
// same name, so docs and workflows translate one to one.
import { parseArgs } from 'node:util'
import { BOOLEAN_INPUTS, INPUT_NAMES, type InputName } from '../settings.js'

export interface CliArgs {
  raw: Partial<Record<InputName, string>>
  help: boolean
  /** `pgshift help apply` or `pgshift apply --help`: the mode whose flags to print. */
  helpMode?: string
  version: boolean
  json: boolean
}

export class UsageError extends Error {}

export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv): CliArgs {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' }, version: { type: 'boolean' }, json: { type: 'boolean' } }
  for (const name of INPUT_NAMES) if (name !== 'mode') options[name] = { type: 'string' }
  let parsed
  try {
    parsed = parseArgs({ args: bareBooleans(argv), options, allowPositionals: true, strict: true })
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/\. To specify.*$/s, '')}. Run pgshift --help for the flags.`)
  }
  const { values, positionals } = parsed
  // `pgshift help [mode]`: the help, as --help.
  if (positionals[0] === 'help') {
    if (positionals.length > 2) throw new UsageError(`expected at most one mode after help, got: ${positionals.slice(1).join(' ')}`)
    return { raw: {}, help: true, helpMode: positionals[1], version: false, json: false }
  }
  if (positionals.length > 1) throw new UsageError(`expected one mode, got: ${positionals.join(' ')}`)
  const raw: Partial<Record<InputName, string>> = {}
  for (const name of INPUT_NAMES) {
    const v = values[name]
    if (typeof v === 'string') raw[name] = v
  }
  if (positionals[0]) raw.mode = positionals[0]
  raw['database-url'] ??= env.DATABASE_URL ?? ''
  return { raw, help: Boolean(values.help), helpMode: positionals[0], version: Boolean(values.version), json: Boolean(values.json) }
}

const BOOL_WORD = /^(true|false|yes|no|on|off|1|0)$/i

/**
 * Boolean flags as CLIs take them: `--test-rollback` alone means true, and
 * `--test-rollback=false` sets it; `--test-rollback false` (the form the action's
 * docs translate to) still works, as the next word is taken only when it is a boolean.
 */
export function bareBooleans(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    if (a === '--') {
      out.push(...argv.slice(i))
      break
    }
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : undefined
    if (name !== undefined && BOOLEAN_INPUTS.includes(name)) {
      const next = argv[i + 1]
      if (next !== undefined && BOOL_WORD.test(next)) {
        out.push(`${a}=${next}`)
        i++
      } else out.push(`${a}=true`)
    } else out.push(a)
  }
  return out
}

export const USAGE = `usage: pgshift <mode> [flags]

modes:  plan (default; read-only)   dry-run   apply   verify (read-only)   rollback

flags (the same names as the action's inputs):
  --database-url URL        or env DATABASE_URL
  --migrations-dir DIR      default: first of supabase/migrations, migrations, db/migrations
  --prelude-dirs a,b        prelude directories: files run once each, before the first migration
  --convention NAME         auto | supabase | numbered | dated | flyway | golang-migrate | dbmate | goose
  --history-schema NAME     default pgshift
  --history MODE            auto | native | supabase (also write supabase_migrations.schema_migrations)
  --lock-timeout 5s         --lock-retries 3   --statement-timeout 0 (none)
  --lock-wait 60s           --connect-timeout 30s
  boolean flags are bare (--test-rollback) or --flag=false
  --allow-out-of-order      --allow-drift   --allow-missing
  --test-rollback           apply: then down, then up again, comparing schemas (ephemeral databases)
  --steps N | --to-version V   rollback target (default: steps 1; to-version stays applied)
  --allow-data-loss         rollback: allow downs that drop tables or columns holding rows
  --dry-run                 rollback: preview the downs in a transaction that is rolled back
  --base REF                PR check: auto | off | a git ref or SHA (e.g. origin/main): apply the base's
                            migrations first, then judge only this branch's own (CLI: auto means off)
  --expected-database-url URL  verify: an empty database to build the expected schema on
  --backup auto            off | schema | full | auto: pg_dump before apply/rollback (auto: schema on a kept
                            database, off on loopback/ephemeral ones), plus CSV copies of rows a migration drops
  --backup-required=false   a failed backup warns instead of stopping the run
  --backup-dir DIR          default: RUNNER_TEMP, else the OS temp directory
  --lint off|warn|error     migration safety lint of the pending files (default warn)
  --supabase-shim           ephemeral vanilla Postgres: create Supabase's roles, auth, storage,
                            extensions schema and realtime publication when missing (apply, dry-run)
  --supabase-shim-extensions error|stub   extensions the server lacks: refuse (default), or stub
                            pg_net, pg_cron and vault
  --search-path a,b         SET search_path for every migration connection (a tenant schema)
fleets (docs/fleet.md):
  fleet-plan                the per-wave matrices of --targets-file (default pgshift.targets.yml), as JSON
  <mode> --fleet-target T   one leg: run target T of the targets file (a database, or each schema of a set);
                            --json prints the leg's JSON file
  fleet-report --fleet-reports-dir DIR [--fleet-wave N]   merge the legs' JSON files into one markdown report
  --json                    print the JSON report instead of text
  --version, --help         pgshift help <mode> or pgshift <mode> --help: that mode's flags
  PGSHIFT_HEARTBEAT         env: how often a long migration prints a "still running" line (default 10s)

exit codes: 0 success or nothing to do, 1 failed, 2 blocked (refused; nothing changed), 64 bad usage or input`
