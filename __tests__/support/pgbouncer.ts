// A real PgBouncer (the Debian package, /usr/sbin/pgbouncer; .ci/run installs it
// when missing) in front of a test Postgres, on a free port whose number says
// nothing about the pool mode. Config, auth file and pid file live in a temp
// dir that stop() removes; its log is its stderr. As root, PgBouncer refuses to run, so it drops to
// `nobody` (-u).
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, connect as tcpConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

export const PGBOUNCER = process.env.PGBOUNCER_BIN ?? '/usr/sbin/pgbouncer'

export interface Pgbouncer {
  port: number
  mode: 'session' | 'transaction'
  /** `url` (a postgres:// URL of the server behind) with its host and port replaced by PgBouncer's. */
  urlFor: (url: string) => string
  /** PgBouncer's log so far (for failure messages). */
  log: () => string
  /**
   * Removes a database listed in `databases` from the config and RELOADs through the
   * admin console: PgBouncer drops its clients with FATAL 08P01 'database removed'.
   * New connections to it still work through the `*` entry.
   */
  removeDatabase: (name: string) => Promise<void>
  stop: () => Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address()
      const port = typeof a === 'object' && a ? a.port : 0
      srv.close(() => resolve(port))
    })
  })
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect({ host: '127.0.0.1', port }, () => {
      s.destroy()
      resolve(true)
    })
    s.on('error', () => resolve(false))
  })
}

/**
 * Starts PgBouncer for the server of `serverUrl` (every database on it, `*`), with
 * the server's user and password in the auth file (clients are trusted; PgBouncer
 * logs in to the server with that password).
 */
export async function startPgbouncer(serverUrl: string, mode: 'session' | 'transaction', extra: Record<string, string> = {}, databases: string[] = []): Promise<Pgbouncer> {
  if (!existsSync(PGBOUNCER)) throw new Error(`${PGBOUNCER} is missing: install the Debian package pgbouncer (.ci/run does)`)
  const server = new URL(serverUrl)
  // As root PgBouncer runs as nobody, who must reach the dir: not inside a private TMPDIR.
  const root = process.getuid?.() === 0
  const dir = mkdtempSync(join(root ? '/tmp' : tmpdir(), 'pgshift-pgbouncer-'))
  chmodSync(dir, 0o777)
  const port = await freePort()
  const user = decodeURIComponent(server.username)
  const password = decodeURIComponent(server.password)
  const settings: Record<string, string> = {
    listen_addr: '127.0.0.1',
    listen_port: String(port),
    unix_socket_dir: '',
    auth_type: 'trust',
    auth_file: join(dir, 'userlist.txt'),
    pool_mode: mode,
    default_pool_size: '40',
    max_client_conn: '400',
    pidfile: join(dir, 'pgbouncer.pid'),
    admin_users: user,
    // pg sends no other start-up parameters; keep PgBouncer's defaults otherwise.
    ...extra
  }
  const listed = new Set(databases)
  const writeIni = () => {
    const ini = [
      '[databases]',
      ...[...listed].map((db) => `${db} = host=${server.hostname} port=${server.port} dbname=${db}`),
      `* = host=${server.hostname} port=${server.port}`,
      '[pgbouncer]',
      ...Object.entries(settings).map(([k, v]) => `${k} = ${v}`)
    ].join('\n')
    writeFileSync(join(dir, 'pgbouncer.ini'), `${ini}\n`, { mode: 0o644 })
  }
  writeIni()
  writeFileSync(join(dir, 'userlist.txt'), `"${user}" "${password}"\n`, { mode: 0o644 })
  const args = [...(root ? ['-u', 'nobody'] : []), join(dir, 'pgbouncer.ini')]
  const child: ChildProcess = spawn(PGBOUNCER, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (d) => (out += d))
  child.stderr?.on('data', (d) => (out += d))
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  // Without a logfile, PgBouncer (not daemonized) logs to stderr.
  const log = () => out
  const end = Date.now() + 10_000
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > end) {
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
      throw new Error(`PgBouncer did not start on port ${port}:\n${log()}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    port,
    mode,
    log,
    removeDatabase: async (name: string) => {
      listed.delete(name)
      writeIni()
      const admin = new pg.Client({ host: '127.0.0.1', port, user, database: 'pgbouncer' })
      await admin.connect()
      try {
        await admin.query('RELOAD')
      } finally {
        await admin.end()
      }
    },
    urlFor: (url: string) => {
      const u = new URL(url)
      u.hostname = '127.0.0.1'
      u.port = String(port)
      return u.toString()
    },
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000)
        await exited
        clearTimeout(timer)
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
