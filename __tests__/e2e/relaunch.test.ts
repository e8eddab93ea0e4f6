// The entry points start themselves again as `node --liftoff-only` (src/relaunch.ts):
// on Node 24 by execve (same pid), before 23.11 as a child that must never outlive
// its parent. Either way kill -9 of the process GitHub (or a shell) started ends the
// run, exactly as it would without the relaunch.
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

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
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

test('on Node 24 the run replaces itself (execve) with node --liftoff-only: same pid, no child; kill -9 leaves nothing applied', async () => {
  const ws = makeWorkspace({ '001_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(3);\n' })
  const proc = spawn(NODE24, [CLI, 'apply'], { cwd: ws, env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url }, stdio: 'ignore' })
  const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)))
  await waitFor(async () => ((await db.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' AND pid <> pg_backend_pid()")).length ? true : undefined))
  expect(cmdline(proc.pid!)).toEqual(expect.arrayContaining(['--liftoff-only', '--max-semi-space-size=2', CLI, 'apply']))
  expect(childrenOf(proc.pid!)).toEqual([])
  proc.kill('SIGKILL')
  expect(await exited).toBe('SIGKILL')
  // The server rolls the open transaction back once the statement ends and finds the client gone.
  await waitFor(async () => ((await db.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' AND pid <> pg_backend_pid()")).length ? undefined : true))
  expect(await db.query("SELECT to_regclass('public.slow') AS t")).toEqual([{ t: null }])
  expect(await db.query('SELECT count(*)::int AS n FROM pgshift.schema_history')).toEqual([{ n: 0 }])
})

test('without execve (Node before 23.11) the run is a --liftoff-only child that dies with its parent on kill -9', async () => {
  const ws = makeWorkspace({ '001_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(3);\n' })
  // Hide process.execve before the entry runs, as on Node 20 and 22.
  const parent = spawn(NODE24, ['--import', 'data:text/javascript,delete process.execve', CLI, 'apply'], { cwd: ws, env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url }, stdio: 'ignore' })
  const exited = new Promise<NodeJS.Signals | null>((resolve) => parent.on('exit', (_code, signal) => resolve(signal)))
  await waitFor(async () => ((await db.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' AND pid <> pg_backend_pid()")).length ? true : undefined))
  const [child] = childrenOf(parent.pid!)
  expect(cmdline(child as number)).toContain('--liftoff-only')
  parent.kill('SIGKILL')
  expect(await exited).toBe('SIGKILL')
  await waitFor(() => (alive(child as number) ? undefined : true), 5000)
  await waitFor(async () => ((await db.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' AND pid <> pg_backend_pid()")).length ? undefined : true))
  expect(await db.query("SELECT to_regclass('public.slow') AS t")).toEqual([{ t: null }])
})

test('PGSHIFT_RELAUNCH=off runs in the process itself', async () => {
  const ws = makeWorkspace({ '001_slow.sql': 'SELECT pg_sleep(2);\n' })
  const proc = spawn(NODE24, [CLI, 'apply'], { cwd: ws, env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, PGSHIFT_RELAUNCH: 'off' }, stdio: 'ignore' })
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (c) => resolve(c)))
  await waitFor(async () => ((await db.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(2)%' AND pid <> pg_backend_pid()")).length ? true : undefined))
  expect(cmdline(proc.pid!)).not.toContain('--liftoff-only')
  expect(childrenOf(proc.pid!)).toEqual([])
  expect(await exited).toBe(0)
})
