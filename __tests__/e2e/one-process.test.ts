// The entry points run in the process GitHub (or a shell) started: the parser's V8
// flags are set from inside (src/source/parser.ts), so there is no relaunch and no
// child, and kill -9 of that process ends the run with nothing half-applied.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { NODE24 } from '../support/action-runner.js'
import { makeWorkspace } from '../support/workspace.js'

const CLI = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist/cli/index.js')

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, ms = 15000): Promise<T> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    const v = await check()
    if (v !== undefined) return v
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('condition not met in time')
}

/** The pids whose parent is `ppid` (Linux /proc). */
function childrenOf(ppid: number): number[] {
  try {
    return readFileSync(`/proc/${ppid}/task/${ppid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
  } catch {
    return []
  }
}

/** The process's own command line (Linux /proc). */
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')

test('the CLI runs in the process that was started: no relaunch, no child; kill -9 leaves nothing applied', async () => {
  const ws = makeWorkspace({ '001_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(3);\n' })
  const proc = spawn(NODE24, [CLI, 'apply'], { cwd: ws, env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url }, stdio: 'ignore' })
  const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)))
  await waitFor(async () => ((await db.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' AND pid <> pg_backend_pid()")).length ? true : undefined))
  // The parser was loaded (the file was parsed before it ran), with its V8 flags set from inside.
  expect(cmdline(proc.pid!).filter(Boolean)).toEqual([NODE24, CLI, 'apply'])
  expect(childrenOf(proc.pid!)).toEqual([])
  proc.kill('SIGKILL')
  expect(await exited).toBe('SIGKILL')
  // The server rolls the open transaction back once the statement ends and finds the client gone.
  await waitFor(async () => ((await db.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' AND pid <> pg_backend_pid()")).length ? undefined : true))
  expect(await db.query("SELECT to_regclass('public.slow') AS t")).toEqual([{ t: null }])
  expect(await db.query('SELECT count(*)::int AS n FROM pgshift.schema_history')).toEqual([{ n: 0 }])
})
