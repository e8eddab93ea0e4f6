// The connection layer against the embedded Postgres 17, with faults from the TCP proxy.
import pg from 'pg'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { randomBytes } from 'node:crypto'
import { adminUrl, withClient } from '../support/db.js'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js'
import { backendPid, cancelBackend, connect, connectionLost, ConnectionError, serverVersion, sessionSettingsSql } from '../../src/db/connect.js'
import { parseDatabaseUrl } from '../../src/db/url.js'

const PW = 'Pw!@#:/%?&=+ é'
const PW_ENC = encodeURIComponent(PW)
const FORMS = [PW, PW_ENC, PW_ENC.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()), Buffer.from(PW).toString('base64'), 'Pw!%40%23']

const admin = new URL(adminUrl())
const HOST = admin.hostname
const PORT = Number(admin.port)
const ROLE = `hostile_${randomBytes(4).toString('hex')}`

/** A URL for the hostile role (right password) on `host:port`, with query `q`. */
const hostileUrl = (q = '', db = 'postgres', host = HOST, port = PORT) => `postgres://${ROLE}:${PW_ENC}@${host}:${port}/${db}${q}`

/** Every error a failing path produced, for the leak sweep at the end. */
const swept: { path: string; err: unknown; extra?: string[] }[] = []

async function failure(path: string, fn: () => Promise<unknown>, extra: string[] = []): Promise<ConnectionError> {
  let caught: unknown
  try {
    const c = await fn()
    if (c instanceof pg.Client) await c.end()
  } catch (e) {
    caught = e
  }
  expect(caught).toBeInstanceOf(ConnectionError)
  swept.push({ path, err: caught, extra })
  return caught as ConnectionError
}

const clients: pg.Client[] = []
async function connected(url: string, opts: Parameters<typeof connect>[1] = { connectTimeoutMs: 5000 }): Promise<pg.Client> {
  const c = await connect(parseDatabaseUrl(url), opts)
  clients.push(c)
  return c
}

const proxies: TcpProxy[] = []
async function proxy(opts: Parameters<typeof startTcpProxy>[0] = {}): Promise<TcpProxy> {
  const p = await startTcpProxy(opts)
  proxies.push(p)
  return p
}

beforeAll(async () => {
  await withClient(adminUrl(), async (c) => {
    await c.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD ${c.escapeLiteral(PW)}`)
  })
})

afterEach(async () => {
  for (const c of clients.splice(0)) await c.end().catch(() => {})
  for (const p of proxies.splice(0)) await p.close()
})

afterAll(async () => {
  await withClient(adminUrl(), async (c) => {
    await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [ROLE])
    await c.query(`DROP ROLE IF EXISTS ${ROLE}`)
  })
})

describe('a good connection', () => {
  test("application_name is 'pgshift', client_connection_check_interval is 1s", async () => {
    const c = await connected(adminUrl())
    const rows = (await c.query("SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()")).rows
    expect(rows[0].application_name).toBe('pgshift')
    expect((await c.query('SHOW client_connection_check_interval')).rows[0].client_connection_check_interval).toBe('1s')
    const v = await serverVersion(c)
    expect(v.num).toBeGreaterThanOrEqual(170000)
    expect(v.text).toMatch(/^17\./)
    expect(connectionLost(c)).toBeUndefined()
  })

  test('the hostile password works end to end (URL-decoded correctly)', async () => {
    const c = await connected(hostileUrl('?sslmode=disable'))
    expect((await c.query('SELECT current_user AS u')).rows[0].u).toBe(ROLE)
    for (const f of FORMS) expect(inspect(c, { depth: 6 })).not.toContain(f)
  })

  test('applicationName overrides the default', async () => {
    const c = await connected(adminUrl(), { connectTimeoutMs: 0, applicationName: 'pgshift-lock' })
    expect((await c.query('SHOW application_name')).rows[0].application_name).toBe('pgshift-lock')
  })

  test('sessionSettingsSql restores the settings after RESET ALL; application_name survives', async () => {
    const c = await connected(adminUrl())
    await c.query('RESET ALL')
    expect((await c.query('SHOW client_connection_check_interval')).rows[0].client_connection_check_interval).toBe('0')
    await c.query(sessionSettingsSql())
    expect((await c.query('SHOW client_connection_check_interval')).rows[0].client_connection_check_interval).toBe('1s')
    expect((await c.query('SHOW application_name')).rows[0].application_name).toBe('pgshift')
    // It also runs inside a multi-statement query after COMMIT, as the executor sends it.
    await c.query(`BEGIN; SELECT 1; COMMIT; RESET ALL; ${sessionSettingsSql()}`)
  })

  test('after connect, the settings the server took are re-run as plain SETs (no DO block to compile per migration)', async () => {
    const c = await connected(adminUrl())
    const plain = sessionSettingsSql(c)
    expect(plain).toBe("SET client_connection_check_interval = '1s';SET idle_session_timeout = 0")
    await c.query(`SET idle_session_timeout = '5min'; BEGIN; SELECT 1; COMMIT; RESET ALL; ${plain}`)
    const r = (await c.query("SELECT current_setting('client_connection_check_interval') AS ccci, current_setting('idle_session_timeout') AS ist")).rows[0]
    expect(r).toEqual({ ccci: '1s', ist: '0' })
    // A client pgshift did not connect gets the DO block, which never fails.
    expect(sessionSettingsSql(new pg.Client())).toMatch(/^DO /)
  })

  test('PG* environment variables change nothing: the URL alone decides', async () => {
    const saved = { ...process.env }
    Object.assign(process.env, { PGOPTIONS: '-c statement_timeout=1234', PGSSLMODE: 'require', PGAPPNAME: 'from-env', PGPASSWORD: 'wrong', PGDATABASE: 'nope', PGUSER: 'nobody', PGREPLICATION: 'database' })
    try {
      const c = await connected(hostileUrl('?sslmode=disable'))
      const r = (await c.query("SELECT current_user AS u, current_database() AS d, current_setting('statement_timeout') AS st, current_setting('application_name') AS app")).rows[0]
      expect(r).toEqual({ u: ROLE, d: 'postgres', st: '0', app: 'pgshift' })
    } finally {
      process.env = saved
    }
  })

  test('no statement_timeout or lock_timeout is sent at start-up', async () => {
    const c = await connected(adminUrl())
    const rows = (await c.query("SELECT name, source FROM pg_settings WHERE name IN ('statement_timeout', 'lock_timeout')")).rows
    for (const r of rows) expect(r.source).not.toBe('client')
  })
})

describe('errors that are never retried', () => {
  test('wrong password: 28P01 at once, no retry, no password in the message', async () => {
    const retries: number[] = []
    const t0 = Date.now()
    const err = await failure('28P01', () =>
      connect(parseDatabaseUrl(`postgres://postgres:${PW_ENC}@${HOST}:${PORT}/postgres?sslmode=disable`), { connectTimeoutMs: 20000, onRetry: (a) => retries.push(a) })
    )
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(retries).toEqual([])
    expect(err.code).toBe('28P01')
    expect(err.sqlstate).toBe('28P01')
    expect(err.attempts).toBe(1)
    expect(err.message).toMatch(/password authentication failed/)
    expect(err.next).toMatch(/user name and password in the secret/)
  })

  test('missing database: 3D000, no retry', async () => {
    const t0 = Date.now()
    const err = await failure('3D000', () => connect(parseDatabaseUrl(hostileUrl('', 'no_such_db_x')), { connectTimeoutMs: 20000 }))
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(err.code).toBe('3D000')
    expect(err.attempts).toBe(1)
    expect(err.message).toContain('no_such_db_x')
    expect(err.next).toMatch(/database name/)
  })

  test('no CONNECT privilege: 42501, no retry', async () => {
    const db = `noconn_${randomBytes(4).toString('hex')}`
    await withClient(adminUrl(), async (c) => {
      await c.query(`CREATE DATABASE ${db}`)
      await c.query(`REVOKE CONNECT ON DATABASE ${db} FROM PUBLIC`)
    })
    try {
      const err = await failure('42501', () => connect(parseDatabaseUrl(hostileUrl('', db)), { connectTimeoutMs: 20000 }))
      expect(err.code).toBe('42501')
      expect(err.attempts).toBe(1)
      expect(err.next).toMatch(/GRANT CONNECT/)
    } finally {
      await withClient(adminUrl(), (c) => c.query(`DROP DATABASE ${db} WITH (FORCE)`))
    }
  })
})

describe('waiting until the server is ready', () => {
  test('a port that starts listening 1 s after connect() began: connects after retries', async () => {
    const p = await proxy({ listenLater: true })
    const reasons: string[] = []
    const t0 = Date.now()
    const timer = setTimeout(() => void p.listen(), 1000)
    const c = await connected(p.url(hostileUrl()), { connectTimeoutMs: 15000, onRetry: (_a, r) => reasons.push(r) }).finally(() => clearTimeout(timer))
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900)
    expect(reasons.length).toBeGreaterThanOrEqual(2)
    expect(reasons[0]).toMatch(/connection refused/)
    expect((await c.query('SELECT 1 AS one')).rows[0].one).toBe(1)
  })

  test('connectTimeoutMs 0: one attempt, fails fast', async () => {
    const p = await proxy({ listenLater: true })
    const t0 = Date.now()
    const err = await failure('refused, timeout 0', () => connect(parseDatabaseUrl(p.url(hostileUrl())), { connectTimeoutMs: 0 }))
    expect(Date.now() - t0).toBeLessThan(1000)
    expect(err.code).toBe('ECONNREFUSED')
    expect(err.attempts).toBe(1)
  })

  test('refused until the timeout: ECONNREFUSED with the service-container advice', async () => {
    const p = await proxy({ listenLater: true })
    const t0 = Date.now()
    const err = await failure('refused until timeout', () => connect(parseDatabaseUrl(p.url(hostileUrl())), { connectTimeoutMs: 1500 }))
    const elapsed = Date.now() - t0
    expect(elapsed).toBeGreaterThanOrEqual(1400)
    expect(elapsed).toBeLessThan(4000)
    expect(err.code).toBe('ECONNREFUSED')
    expect(err.attempts).toBeGreaterThan(2)
    expect(err.message).toContain(`127.0.0.1:${p.port}`)
    expect(err.message).toMatch(/not accepting connections/)
    expect(err.message).toMatch(/connect-timeout/)
    expect(err.next).toMatch(/--health-cmd pg_isready/)
  })

  test('the first 3 connections are reset: succeeds with backoff, each retry reported (T18)', async () => {
    const p = await proxy({ refuseFirst: 3 })
    const attempts: number[] = []
    const c = await connected(p.url(hostileUrl('?sslmode=disable')), { connectTimeoutMs: 15000, onRetry: (a) => attempts.push(a) })
    expect(attempts).toEqual([1, 2, 3])
    expect(p.stats.refused).toBe(3)
    expect((await c.query('SELECT 1 AS one')).rows[0].one).toBe(1)
  })

  test.each(['57P03', '53300'])('the server answers %s twice, then accepts: connects', async (sqlstate) => {
    const p = await proxy({ failFirst: { count: 2, sqlstate } })
    const reasons: string[] = []
    const c = await connected(p.url(hostileUrl()), { connectTimeoutMs: 15000, onRetry: (_a, r) => reasons.push(r) })
    expect(reasons).toHaveLength(2)
    expect(reasons[0]).toContain(sqlstate)
    expect((await c.query('SELECT 1 AS one')).rows[0].one).toBe(1)
  })

  test('still starting up when the time is out: 57P03 with advice', async () => {
    const p = await proxy({ failFirst: { count: 1000, sqlstate: '57P03' } })
    const err = await failure('57P03 until timeout', () => connect(parseDatabaseUrl(p.url(hostileUrl())), { connectTimeoutMs: 800 }))
    expect(err.code).toBe('57P03')
    expect(err.attempts).toBeGreaterThan(1)
    expect(err.next).toMatch(/starting up/)
  })

  test('a server that accepts but never answers: ETIMEDOUT after connect_timeout', async () => {
    const p = await proxy({ paused: true })
    const t0 = Date.now()
    const err = await failure('paused', () => connect(parseDatabaseUrl(p.url(hostileUrl('?connect_timeout=2'))), { connectTimeoutMs: 0 }))
    const elapsed = Date.now() - t0
    expect(elapsed).toBeGreaterThanOrEqual(1900)
    expect(elapsed).toBeLessThan(5000)
    expect(err.code).toBe('ETIMEDOUT')
    expect(err.message).toMatch(/did not answer/)
  })

  test('a connection cut during start-up is retried', async () => {
    const p = await proxy()
    p.cutAfterBytes(4, 'toClient')
    const timer = setTimeout(() => p.cutAfterBytes(Number.MAX_SAFE_INTEGER, 'toClient'), 300)
    const reasons: string[] = []
    const c = await connected(p.url(hostileUrl('?sslmode=disable')), { connectTimeoutMs: 10000, onRetry: (_a, r) => reasons.push(r) }).finally(() => clearTimeout(timer))
    expect(reasons.length).toBeGreaterThanOrEqual(1)
    expect((await c.query('SELECT 1 AS one')).rows[0].one).toBe(1)
  })

  test('an unknown host: ENOTFOUND (or EAI_AGAIN) with host advice', async () => {
    const err = await failure('dns', () => connect(parseDatabaseUrl(hostileUrl('', 'postgres', 'no-such-host.invalid')), { connectTimeoutMs: 0 }))
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(err.code)
    expect(err.message).toContain('no-such-host.invalid')
    expect(err.next).toMatch(/host in the secret/)
  })

  test('a Supabase direct host that cannot be reached: IPv6 advice with the session pooler', async () => {
    const t = parseDatabaseUrl(`postgres://postgres:${PW_ENC}@db.abcdefghijklmnopqrst.supabase.co:5432/postgres`)
    // An IPv6 address no runner can reach (the discard prefix), in place of the real DNS answer.
    const unreachable = { ...t, host: '100::1', attemptTimeoutMs: 1500 }
    Object.defineProperty(unreachable, 'password', { value: t.password, enumerable: false })
    const err = await failure('supabase ipv6', () => connect(unreachable, { connectTimeoutMs: 0 }))
    expect(['ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'ETIMEDOUT']).toContain(err.code)
    expect(err.message).toMatch(/IPv6/)
    expect(err.next).toContain('aws-0-<region>.pooler.supabase.com')
    expect(err.next).toContain('postgres.abcdefghijklmnopqrst')
  })
})

describe('TLS against the embedded server (no TLS)', () => {
  test('sslmode=prefer falls back to a plain connection', async () => {
    const c = await connected(hostileUrl('?sslmode=prefer'))
    const ssl = (await c.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows[0].ssl
    expect(ssl).toBe(false)
  })

  test('no sslmode means prefer', async () => {
    const c = await connected(hostileUrl())
    expect((await c.query('SELECT 1 AS one')).rows[0].one).toBe(1)
  })

  test('sslmode=allow falls back too', async () => {
    const c = await connected(hostileUrl('?sslmode=allow'))
    expect((await c.query('SELECT 1 AS one')).rows[0].one).toBe(1)
  })

  test.each(['require', 'verify-ca', 'verify-full'])('sslmode=%s: a clear error, not retried', async (mode) => {
    const retries: number[] = []
    const err = await failure(`tls ${mode}`, () => connect(parseDatabaseUrl(hostileUrl(`?sslmode=${mode}`)), { connectTimeoutMs: 10000, onRetry: (a) => retries.push(a) }))
    expect(retries).toEqual([])
    expect(err.code).toBe('tls-not-supported')
    expect(err.message).toMatch(/does not support TLS/)
    expect(err.message).toContain(`sslmode=${mode}`)
    expect(err.next).toMatch(/sslmode=disable/)
  })
})

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

;(hasOpenssl ? describe : describe.skip)('TLS through a TLS-terminating proxy with a self-signed certificate (T49)', () => {
  let dir = ''
  let cert = ''
  let key = ''
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pgshift-tls-'))
    cert = join(dir, 'server.crt')
    key = join(dir, 'server.key')
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=db.example.test', '-addext', 'subjectAltName=DNS:db.example.test'], { stdio: 'ignore' })
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const tlsProxy = () => proxy({ tls: { key: readFileSync(key), cert: readFileSync(cert) }, requireTls: true })

  test.each(['prefer', 'require'])('sslmode=%s encrypts without verifying', async (mode) => {
    const p = await tlsProxy()
    const c = await connected(p.url(hostileUrl(`?sslmode=${mode}`)))
    expect((await c.query('SELECT 1 AS one')).rows[0].one).toBe(1)
    expect(p.stats.tlsConnections).toBe(1)
  })

  test('verify-full without a root cert: the self-signed error names sslrootcert and require', async () => {
    const p = await tlsProxy()
    const err = await failure('self-signed', () => connect(parseDatabaseUrl(p.url(hostileUrl('?sslmode=verify-full'))), { connectTimeoutMs: 5000 }))
    expect(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']).toContain(err.code)
    expect(err.next).toMatch(/sslrootcert=/)
    expect(err.next).toMatch(/sslmode=require/)
  })

  test('verify-ca with sslrootcert: the chain is checked, the name is not', async () => {
    const p = await tlsProxy()
    const c = await connected(p.url(hostileUrl(`?sslmode=verify-ca&sslrootcert=${encodeURIComponent(cert)}`)))
    expect((await c.query('SELECT 1 AS one')).rows[0].one).toBe(1)
  })

  test('require with sslrootcert acts as verify-ca and connects', async () => {
    const p = await tlsProxy()
    const c = await connected(p.url(hostileUrl(`?sslmode=require&sslrootcert=${encodeURIComponent(cert)}`)))
    expect((await c.query('SELECT 1 AS one')).rows[0].one).toBe(1)
  })

  test('verify-full with sslrootcert, but the certificate names another host', async () => {
    const p = await tlsProxy()
    const err = await failure('altname', () => connect(parseDatabaseUrl(p.url(hostileUrl(`?sslmode=verify-full&sslrootcert=${encodeURIComponent(cert)}`))), { connectTimeoutMs: 5000 }))
    expect(err.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID')
    expect(err.next).toMatch(/verify-ca/)
  })

  test('sslmode=disable against a TLS-only server: 28000 with the sslmode advice', async () => {
    const p = await tlsProxy()
    const err = await failure('28000', () => connect(parseDatabaseUrl(p.url(hostileUrl('?sslmode=disable'))), { connectTimeoutMs: 5000 }))
    expect(err.code).toBe('28000')
    expect(err.next).toMatch(/sslmode=require/)
  })

  test('an unreadable sslrootcert is named', async () => {
    const err = await failure('rootcert missing', () => connect(parseDatabaseUrl(hostileUrl('?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem')), { connectTimeoutMs: 5000 }))
    expect(err.code).toBe('sslrootcert-unreadable')
    expect(err.message).toMatch(/ENOENT/)
  })
})

describe('after connecting', () => {
  test('pg_terminate_backend (57P01) does not crash the process; the error is kept', async () => {
    const seen: ConnectionError[] = []
    const c = await connected(hostileUrl(), { connectTimeoutMs: 5000, onError: (e) => seen.push(e) })
    const pid = (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number
    await withClient(adminUrl(), (a) => a.query('SELECT pg_terminate_backend($1)', [pid]))
    for (let i = 0; i < 50 && !connectionLost(c); i++) await new Promise((r) => setTimeout(r, 50))
    const lost = connectionLost(c)
    expect(lost).toBeInstanceOf(ConnectionError)
    expect(lost?.sqlstate).toBe('57P01')
    expect(lost?.next).toMatch(/terminated/)
    expect(seen).toHaveLength(1)
    swept.push({ path: '57P01 lost', err: lost })
    await expect(c.query('SELECT 1')).rejects.toThrow()
  })

  test('cancelBackend stops a running statement from another connection', async () => {
    const worker = await connected(hostileUrl())
    const other = await connected(adminUrl())
    const pid = backendPid(worker) as number
    expect(pid).toBe((await worker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid)
    const t0 = Date.now()
    const running = worker.query('SELECT pg_sleep(30)')
    const outcome = running.then(() => 'finished', (e: { code?: string }) => e.code)
    // Wait on what the server shows, not on a sleep: cancel only once pg_sleep runs.
    for (let i = 0; i < 200; i++) {
      const r = await other.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query = 'SELECT pg_sleep(30)'`, [pid])
      if (r.rowCount) break
      await new Promise((res) => setTimeout(res, 25))
    }
    await cancelBackend(other, pid)
    expect(await outcome).toBe('57014')
    expect(Date.now() - t0).toBeLessThan(5000)
    // The connection stays usable.
    expect((await worker.query('SELECT 1 AS one')).rows[0].one).toBe(1)
  })

  test('a vanished client: the server stops its statement within seconds (client_connection_check_interval)', async () => {
    const p = await proxy()
    const c = await connected(p.url(hostileUrl('?sslmode=disable')))
    c.on('error', () => {})
    const pid = (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number
    void c.query('SELECT pg_sleep(60)').catch(() => {})
    await new Promise((r) => setTimeout(r, 300))
    p.cutAll() // the runner is gone: its socket closes, its statement is still running
    const t0 = Date.now()
    let alive = true
    while (alive && Date.now() - t0 < 10000) {
      await new Promise((r) => setTimeout(r, 200))
      alive = await withClient(adminUrl(), async (a) => (await a.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 1)
    }
    expect(alive).toBe(false)
    expect(Date.now() - t0).toBeLessThan(5000)
  })
})

describe('pre-connection refusals through connect()', () => {
  test.each([
    ['pooler', hostileUrl('', 'postgres', 'aws-0-eu-central-1.pooler.supabase.com', 6543)],
    ['sslmode', hostileUrl('?sslmode=bogus')],
    ['port', `postgres://${ROLE}:${PW_ENC}@${HOST}:port/postgres`],
    ['raw password', `postgres://${ROLE}:${PW}@${HOST}:${PORT}/postgres`],
    ['empty', '']
  ])('%s', async (name, url) => {
    await failure(`parse ${name}`, async () => connect(parseDatabaseUrl(url), { connectTimeoutMs: 0 }))
  })
})

// Runs last (jest runs tests in file order): every failing path above, scanned.
describe('secret-leak sweep (T44)', () => {
  test('the hostile password appears in no error message, stack, next, inspect or JSON', () => {
    expect(swept.length).toBeGreaterThanOrEqual(20)
    const leaks: string[] = []
    for (const { path, err, extra } of swept) {
      const e = err as ConnectionError
      const texts = [e.message, e.stack ?? '', e.next, inspect(err, { depth: null }), inspect(err, { depth: null, showHidden: true }), JSON.stringify(err), String(err), ...(extra ?? [])]
      for (const t of texts) for (const f of FORMS) if (t.includes(f)) leaks.push(`${path}: ${JSON.stringify(f)}`)
      // No pg client, pool or config hangs off the error.
      expect(Object.keys(e).sort()).toEqual(expect.arrayContaining(['code', 'next']))
      for (const v of Object.values(e)) expect(typeof v === 'object' && v !== null).toBe(false)
    }
    if (process.env.DUMP_ERRORS) for (const { path, err } of swept) process.stdout.write(`\n## ${path}\n${(err as ConnectionError).code}: ${(err as Error).message}\n  next: ${(err as ConnectionError).next}\n`)
    expect(leaks).toEqual([])
  })
})
