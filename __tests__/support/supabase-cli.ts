// The real Supabase CLI (npm package `supabase`; its binary ships in the platform
// package @supabase/cli-<os>-<arch>), run against a test database through a
// database URL. It is the judge of history compatibility: what it lists and what
// it would push is what a user sees after pgshift.
import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const BIN = join(process.cwd(), 'node_modules', '.bin', 'supabase')

/** A supabase/ project dir next to the migrations, as `supabase init` leaves it (only what the CLI reads). */
export function supabaseProject(ws: string): void {
  mkdirSync(join(ws, 'supabase', 'migrations'), { recursive: true })
  writeFileSync(join(ws, 'supabase', 'config.toml'), 'project_id = "pgshift-test"\n')
}

async function cli(ws: string, args: string[]): Promise<unknown> {
  const { stdout } = await run(BIN, [...args, '--workdir', ws, '--output-format', 'json'], {
    cwd: ws,
    // No telemetry, no update check, no prompts: the CLI only talks to the test database.
    env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', CI: '1', HOME: ws },
    timeout: 120_000
  })
  return JSON.parse(stdout.trim().split('\n').pop() as string)
}

export interface ListedMigration {
  local: string
  remote: string
  time: string
}

/** `supabase migration list --remote=<url>`: one row per version, local and/or remote. */
export async function migrationList(ws: string, url: string): Promise<ListedMigration[]> {
  const out = (await cli(ws, ['migration', 'list', `--remote=${url}`])) as { migrations: ListedMigration[] }
  return out.migrations
}

/** `supabase db push --dry-run --remote=<url>`: the file names it would push. */
export async function pushDryRun(ws: string, url: string): Promise<{ upToDate: boolean; migrations: unknown[] }> {
  return (await cli(ws, ['db', 'push', '--dry-run', `--remote=${url}`])) as { upToDate: boolean; migrations: unknown[] }
}

/** `supabase db push --remote=<url> --yes`: applies what is pending. */
export async function push(ws: string, url: string): Promise<unknown> {
  return cli(ws, ['db', 'push', `--remote=${url}`, '--yes'])
}
