// Connects to Postgres: waits until the server accepts connections, applies
// libpq sslmode semantics (see url.ts), sets up the session, and turns every
// failure into a ConnectionError with advice. Messages go through redact() and
// never hold the password, the URL, or a pg client or its config.
import pg from 'pg'
import { readFileSync } from 'node:fs'
import type { ConnectionOptions as TlsOptions } from 'node:tls'
import { ConnectionError, sessionPoolerUrl, type ConnectionTarget } from './url.js'
import { redact } from '../report/redact.js'

export { ConnectionError } from './url.js'
export type { ConnectionTarget } from './url.js'

export interface ConnectOptions {
  /** How long to keep retrying transient failures (refused, DNS, starting up, too many clients). 0 = one attempt. */
  connectTimeoutMs: number
  /** Default 'pgshift' (or the URL's application_name). */
  applicationName?: string
  /** Called before each retry with the attempt that failed and why (already redacted). */
  onRetry?: (attempt: number, reason: string) => void
  /** Called when an established connection fails later (e.g. pg_terminate_backend, 57P01). */
  onError?: (err: ConnectionError) => void
  /** SIGINT/SIGTERM: stops waiting at once (the attempt in flight is dropped), whatever connect-timeout says. */
  signal?: AbortSignal
}

/** The limit of one attempt when the URL gives no connect_timeout. */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000
const FIRST_DELAY_MS = 100
const MAX_DELAY_MS = 2_000

// Node and server codes worth waiting out: a service container that is not up
// yet, a DNS name that resolves late, a server starting up or full.
const RETRY_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EPIPE', 'terminated'])
const RETRY_SQLSTATES = new Set(['57P03', '53300', '57P01', '57P02', '53400'])
const TLS_CERT_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE', 'CERT_REJECTED'
])

/**
 * The session settings pgshift relies on, as one statement that never fails:
 * re-run it after `RESET ALL`. `client_connection_check_interval` (PG 14+,
 * Linux servers) makes the server notice a vanished client within seconds, so a
 * killed runner's statement stops and its locks go. On older servers (42704)
 * and platforms without support (22023) it is skipped. Timeouts are not set
 * here: they are `SET LOCAL` per migration, never startup parameters (PgBouncer
 * rejects those). `idle_session_timeout` (PG 14+) is turned off for our own
 * sessions: the migration connection idles while the lock connection waits for
 * another runner, and a cut there would fail a run that was only queueing.
 */
export function sessionSettingsSql(client?: pg.Client): string {
  const known = client && sessionSettingsOf.get(client)
  if (known !== undefined) return known
  return (
    "DO $pgshift$BEGIN BEGIN SET client_connection_check_interval = '1s'; EXCEPTION WHEN undefined_object OR invalid_parameter_value THEN NULL; END; " +
    'BEGIN SET idle_session_timeout = 0; EXCEPTION WHEN undefined_object THEN NULL; END; END$pgshift$'
  )
}

/**
 * The same settings as plain SETs, once connect has seen which of them this server
 * took (read back in the connect message): what the executor re-runs after RESET ALL
 * at the end of every migration. A DO block with two exception blocks is compiled
 * and opens two subtransactions on each run (about 0.05 ms of server CPU a call
 * against 0.02 ms, issue 17); the SETs cannot fail where the DO block's succeeded.
 * Empty when the server has neither setting (before PG 14).
 */
function plainSessionSettings(ccci: string | null | undefined, ist: string | null | undefined): string {
  return [...(ccci === '1s' ? ["SET client_connection_check_interval = '1s'"] : []), ...(typeof ist === 'string' ? ['SET idle_session_timeout = 0'] : [])].join(';')
}

const lostErrors = new WeakMap<pg.Client, ConnectionError>()
const sessionSettingsOf = new WeakMap<pg.Client, string>()
const backendPids = new WeakMap<pg.Client, number>()
const versions = new WeakMap<pg.Client, { num: number; text: string }>()
interface ReadOnlyFacts {
  standby?: boolean
  ro?: string
}
const readOnlyAtConnect = new WeakMap<pg.Client, Required<ReadOnlyFacts>>()

/**
 * The server backend's pid (pg_backend_pid()), read at connect. Use it for
 * cancelBackend: behind PgBouncer or Supavisor, pg's `client.processID` is the
 * pooler's key, not the server pid.
 */
export function backendPid(client: pg.Client): number | undefined {
  return backendPids.get(client)
}

/** The error that broke an established connection (e.g. 57P01 after pg_terminate_backend), if any. */
export function connectionLost(client: pg.Client): ConnectionError | undefined {
  return lostErrors.get(client)
}

interface ErrorFacts {
  /** SQLSTATE, Node error code, or 'tls-refused' / 'tls-failed' / 'terminated' / 'ETIMEDOUT'. */
  code: string
  sqlstate?: string
  /** The server's message (never holds a password), or a description of a network error. */
  text: string
}

function facts(err: unknown): ErrorFacts {
  if (err instanceof pg.DatabaseError) {
    return { code: err.code ?? 'XX000', sqlstate: err.code, text: err.message }
  }
  const e = (err ?? {}) as { code?: unknown; message?: unknown; errors?: unknown }
  const message = typeof e.message === 'string' ? e.message : String(err)
  let code = typeof e.code === 'string' ? e.code : undefined
  // Node's happy-eyeballs gives an AggregateError with one error per address.
  if (!code && Array.isArray(e.errors)) {
    const first = e.errors.find((x) => typeof (x as { code?: unknown })?.code === 'string') as { code: string } | undefined
    code = first?.code
  }
  if (code) return { code, text: message }
  if (/does not support SSL/i.test(message)) return { code: 'tls-refused', text: 'the server does not support TLS' }
  if (/error establishing an SSL connection/i.test(message)) return { code: 'tls-failed', text: 'the server answered the TLS request with an error' }
  if (/timeout expired|connection timeout/i.test(message)) return { code: 'ETIMEDOUT', text: 'no answer in time' }
  if (/Connection terminated/i.test(message)) return { code: 'terminated', text: 'the server closed the connection during start-up' }
  return { code: 'unknown', text: message }
}

function describe(f: ErrorFacts): string {
  switch (f.code) {
    case 'ECONNREFUSED':
      return 'connection refused (nothing accepts connections on that host and port)'
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name does not resolve (${f.code})`
    case 'ETIMEDOUT':
      return 'no answer in time (ETIMEDOUT)'
    case 'ECONNRESET':
    case 'EPIPE':
      return `the connection was reset (${f.code})`
    case 'tls-refused':
    case 'tls-failed':
    case 'terminated':
    case 'unknown':
      return f.text
    default:
      return f.sqlstate ? `${f.text} (SQLSTATE ${f.sqlstate})` : `${f.text} (${f.code})`
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`
}

/** Turns a failure to connect into advice. */
function adviceFor(f: ErrorFacts, target: ConnectionTarget, ctx: { attempts: number; waitedMs: number; connectTimeoutMs: number }): ConnectionError {
  const where = target.display
  const hostPort = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`
  const ref = target.supabaseRef ?? '<ref>'
  const poolerFix = `use the session pooler instead: host aws-0-<region>.pooler.supabase.com, port 5432, user postgres.${ref} (Supabase dashboard > Connect > Session pooler), e.g. ${sessionPoolerUrl(target)}; or enable the project's IPv4 add-on`
  const waited = ctx.attempts > 1 ? ` (${ctx.attempts} attempts over ${seconds(Math.round(ctx.waitedMs / 100) * 100)})` : ''
  const make = (code: string, message: string, next: string) =>
    new ConnectionError(code, message, next, { target: where, attempts: ctx.attempts, ...(f.sqlstate ? { sqlstate: f.sqlstate } : {}) })
  const base = `Could not connect to ${where}: ${describe(f)}${waited}.`

  if (target.isSupabaseDirectHost && ['ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT'].includes(f.code)) {
    return make(
      f.code,
      `${base} ${target.host} is a Supabase direct host, which has only an IPv6 address; GitHub-hosted runners have no IPv6.`,
      `On GitHub-hosted runners ${poolerFix}. Keep port 5432: port 6543 is the transaction pooler.`
    )
  }
  switch (f.code) {
    case '28P01':
      return make(f.code, base, 'Check the user name and password in the secret passed as database-url. Special characters in the password must be URL-encoded (encodeURIComponent).' + (target.isSupabasePooler ? ` Through the Supabase pooler the user is postgres.${ref}.` : ''))
    case '28000':
      return make(f.code, base, "The server's pg_hba.conf rejects this client, user or database. If it only accepts TLS connections, set sslmode=require (or stronger); otherwise ask its administrator to allow the runner's address.")
    case '3D000':
      return make(f.code, base, `Check the database name (the URL path after the host, here '${target.database}'). On Supabase it is 'postgres'.`)
    case '42501':
      return make(f.code, base, `The role '${target.user}' may not connect to database '${target.database}': GRANT CONNECT ON DATABASE to it, or use another role.`)
    case 'XX000':
      if (/tenant or user not found/i.test(f.text)) {
        return make(f.code, base, `Through the Supabase pooler the user must be postgres.<project-ref> (e.g. postgres.${ref}), not plain postgres; copy the URL from Supabase dashboard > Connect > Session pooler.`)
      }
      break
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return make(f.code, `Could not connect to ${where}: the host name '${target.host}' does not resolve (${f.code})${waited}.`, 'Check the host in the secret. For a service container the host is localhost when the job runs on the runner, and the service name when the job runs in a container.')
    case 'ECONNREFUSED':
      return make(
        f.code,
        `The server at ${hostPort} is not accepting connections (connection refused)` +
          (ctx.attempts > 1 ? `; still refused after ${seconds(Math.round(ctx.waitedMs / 100) * 100)} and ${ctx.attempts} attempts (connect-timeout ${seconds(ctx.connectTimeoutMs)}).` : ctx.connectTimeoutMs > 0 ? '.' : ' (connect-timeout 0: one attempt).'),
        'Check the host and port. For a service container, add a health check so the job waits for it: options: --health-cmd pg_isready --health-interval 2s --health-timeout 5s --health-retries 15. Or raise connect-timeout.'
      )
    case 'ETIMEDOUT':
      return make(f.code, `${base} The server did not answer within the limit of one attempt (${seconds(target.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS)}).`, 'Check the host, the port and any firewall between the runner and the database (allow the runner IPs, or use a self-hosted runner inside the network). Raise connect-timeout or connect_timeout in the URL for a slow network.')
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return make(f.code, base, 'The runner has no route to that address. If the host has only an IPv6 address, GitHub-hosted runners cannot reach it: use an IPv4 endpoint or a connection pooler in session mode.')
    case 'tls-refused':
      return make('tls-not-supported', `${base} sslmode=${target.sslmode} requires TLS.`, 'Enable TLS on the server, or, only on a trusted network (e.g. a service container on localhost), set sslmode=disable or prefer.')
    case '53300':
      return make(f.code, base, 'The server has no free connection slots. Close idle connections, raise max_connections, or connect through a pooler in session mode (port 5432).')
    case '57P03':
      return make(f.code, base, 'The server is starting up, shutting down or in recovery. Wait for it to become ready (raise connect-timeout), and check that the URL names the primary, not a standby.')
  }
  if (TLS_CERT_CODES.has(f.code)) {
    const name = f.code === 'ERR_TLS_CERT_ALTNAME_INVALID'
    return make(
      f.code,
      `${base} sslmode=${target.sslmode} verifies the server's certificate${name ? ', and it does not name this host' : ", and Node does not trust it (it is self-signed, or signed by a CA outside Node's store)"}.`,
      name
        ? 'Connect with the host name the certificate was issued for, or set sslmode=verify-ca to check the chain but not the name.'
        : "Add the server's CA to the URL as sslrootcert=/path/to/ca.pem (for Supabase: download it from Project Settings > Database > SSL), or set sslmode=require to encrypt without verifying the certificate."
    )
  }
  if (f.code === 'tls-failed' || /SSL|TLS|certificate/i.test(f.text)) {
    return make(f.code, base, 'Check the sslmode in the URL (disable, prefer, require, verify-ca, verify-full) and, for verify-ca/verify-full, the sslrootcert file.')
  }
  if (f.code === 'terminated' || f.code === 'ECONNRESET' || f.code === 'EPIPE') {
    return make(f.code, base, 'The server or a proxy in between closed the connection. Check that the host and port are a Postgres server (not an HTTP endpoint), and the server log.')
  }
  return make(f.code, base, 'Check the database URL (host, port, user, password, database, sslmode) and that the server is running.')
}

function readPem(path: string, param: string, target: ConnectionTarget): Buffer {
  try {
    return readFileSync(path)
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'error'
    throw new ConnectionError(`${param}-unreadable`, `Cannot read the ${param} file named in the database URL (${code}).`, `Check that ${param}=<path> names a PEM file present on the runner (relative paths start at the working directory).`, { target: target.display })
  }
}

function tlsOptionsFor(target: ConnectionTarget): false | TlsOptions {
  if (target.ssl === false) return false
  const ssl: TlsOptions = { ...target.ssl }
  if (target.sslrootcert && target.sslrootcert !== 'system') ssl.ca = readPem(target.sslrootcert, 'sslrootcert', target)
  if (target.sslcert) ssl.cert = readPem(target.sslcert, 'sslcert', target)
  if (target.sslkey) ssl.key = readPem(target.sslkey, 'sslkey', target)
  return ssl
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return sleep(ms)
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}

function cancelledWhileConnecting(target: ConnectionTarget, attempts: number): ConnectionError {
  return new ConnectionError('cancelled', `Cancelled while connecting to ${target.display} (after ${attempts} attempt${attempts === 1 ? '' : 's'}).`, 'Nothing was changed: the run was cancelled before it connected.', { target: target.display, attempts })
}

function destroyQuietly(c: pg.Client): void {
  c.on('error', () => {})
  const stream = (c as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream
  try {
    stream?.destroy?.()
  } catch {
    // already gone
  }
}

function newClient(target: ConnectionTarget, ssl: false | TlsOptions, applicationName: string, attemptTimeoutMs: number): pg.Client {
  const password = target.password
  const config: pg.ClientConfig = {
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    // A function: pg then never looks at PGPASSWORD or ~/.pgpass, and the
    // password is not a plain property of the config.
    password: () => password ?? '',
    ssl: ssl === false ? false : ssl,
    application_name: applicationName,
    sslnegotiation: target.sslnegotiation,
    connectionTimeoutMillis: attemptTimeoutMs,
    keepAlive: true
  }
  if (target.options.options) config.options = target.options.options
  const client = new pg.Client(config)
  // pg fills what the config leaves out from PG* variables; the URL alone decides.
  const params = (client as unknown as { connectionParameters?: Record<string, unknown> }).connectionParameters
  if (params) {
    if (!target.options.options) params.options = undefined
    params.replication = undefined
  }
  return client
}

/**
 * Connects, retrying transient failures with backoff (100 ms doubling to 2 s,
 * with jitter) until `connectTimeoutMs` has passed; then sets up the session.
 * Never retries authentication, missing-database or permission errors.
 */
export async function connect(target: ConnectionTarget, opts: ConnectOptions): Promise<pg.Client> {
  const started = Date.now()
  const budget = Math.max(0, opts.connectTimeoutMs || 0)
  const deadline = started + budget
  const applicationName = opts.applicationName ?? target.applicationName ?? 'pgshift'
  const sslFull = tlsOptionsFor(target)
  let useTls = sslFull !== false
  let attempts = 0
  let delay = FIRST_DELAY_MS

  for (;;) {
    if (opts.signal?.aborted) throw cancelledWhileConnecting(target, attempts)
    attempts++
    const remaining = deadline - Date.now()
    const attemptTimeoutMs = target.attemptTimeoutMs ?? Math.max(1_000, Math.min(DEFAULT_ATTEMPT_TIMEOUT_MS, budget > 0 ? remaining : DEFAULT_ATTEMPT_TIMEOUT_MS))
    const client = newClient(target, useTls ? sslFull : false, applicationName, attemptTimeoutMs)
    client.on('error', (err) => {
      // The first error says why (e.g. 57P01); the 'Connection terminated' that follows adds nothing.
      if (lostErrors.has(client)) return
      const f = facts(err)
      const ce = new ConnectionError(
        f.code,
        `The connection to ${target.display} was lost: ${describe(f)}.`,
        f.sqlstate === '57P01' ? 'An administrator or another session terminated this backend (pg_terminate_backend, or a server shutdown).' : 'The server or the network closed the connection.',
        { target: target.display, ...(f.sqlstate ? { sqlstate: f.sqlstate } : {}) }
      )
      lostErrors.set(client, ce)
      opts.onError?.(ce)
    })
    let f: ErrorFacts
    // A cancel drops the attempt in flight: connect() then fails and the loop stops.
    const drop = () => destroyQuietly(client)
    opts.signal?.addEventListener('abort', drop, { once: true })
    try {
      await client.connect()
      try {
        // One round trip (on a remote database each costs the network's RTT): the session
        // settings, the backend pid, the server version and whether it takes writes
        // (readOnlyReason), in one simple-query message, so behind a transaction pooler
        // they also come from the same server backend.
        const results = (await client.query(
          `${sessionSettingsSql()};SELECT pg_backend_pid() AS pid, current_setting('server_version_num') AS num, current_setting('server_version') AS text, ` +
            "pg_catalog.pg_is_in_recovery() AS standby, pg_catalog.current_setting('transaction_read_only') AS ro, " +
            "pg_catalog.current_setting('client_connection_check_interval', true) AS ccci, pg_catalog.current_setting('idle_session_timeout', true) AS ist"
        )) as unknown as pg.QueryResult[]
        const row = (Array.isArray(results) ? results[results.length - 1] : (results as pg.QueryResult)).rows[0] as
          | (ReadOnlyFacts & { pid?: number; num?: string; text?: string; ccci?: string | null; ist?: string | null })
          | undefined
        if (row && 'ccci' in row && 'ist' in row) sessionSettingsOf.set(client, plainSessionSettings(row.ccci, row.ist))
        if (typeof row?.pid === 'number') backendPids.set(client, row.pid)
        if (row?.num !== undefined && row.text !== undefined) versions.set(client, { num: Number(row.num), text: row.text })
        if (typeof row?.standby === 'boolean' && typeof row.ro === 'string') readOnlyAtConnect.set(client, { standby: row.standby, ro: row.ro })
      } catch (e) {
        destroyQuietly(client)
        throw e
      }
      return client
    } catch (e) {
      if (e instanceof ConnectionError) throw e
      destroyQuietly(client)
      if (opts.signal?.aborted) throw cancelledWhileConnecting(target, attempts)
      f = facts(e)
    } finally {
      opts.signal?.removeEventListener('abort', drop)
    }

    // prefer/allow: the server has no TLS, so connect without it (at once, not counted as waiting).
    if (f.code === 'tls-refused' && useTls && target.sslFallback) {
      useTls = false
      attempts--
      continue
    }
    const retryable =
      (RETRY_NODE_CODES.has(f.code) || (f.sqlstate !== undefined && RETRY_SQLSTATES.has(f.sqlstate))) &&
      // A Supabase direct host that does not resolve is the IPv6 problem, not a late DNS name.
      !(target.isSupabaseDirectHost && (f.code === 'ENOTFOUND' || f.code === 'EAI_AGAIN'))
    const left = deadline - Date.now()
    if (!retryable || budget === 0 || left <= 0) {
      throw adviceFor(f, target, { attempts, waitedMs: Date.now() - started, connectTimeoutMs: budget })
    }
    const wait = Math.min(left, Math.round(delay / 2 + (Math.random() * delay) / 2))
    opts.onRetry?.(attempts, redact(`${describe(f)}; retrying in ${wait} ms`))
    await sleepUnlessAborted(wait, opts.signal)
    delay = Math.min(MAX_DELAY_MS, delay * 2)
  }
}

/** Settings in the environment that weaken or are ignored by pgshift's TLS, for the summary's warnings. */
export function tlsEnvironmentWarnings(env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = []
  if (env.NODE_TLS_REJECT_UNAUTHORIZED === '0') {
    out.push('NODE_TLS_REJECT_UNAUTHORIZED=0 is set: Node accepts any server certificate, so sslmode=verify-ca and verify-full verify nothing. Remove it; use sslrootcert= in the URL, or sslmode=require.')
  }
  for (const name of ['PGSSLMODE', 'PGSSLROOTCERT', 'PGSSLCERT', 'PGSSLKEY']) {
    if (env[name]) out.push(`${name} is set but ignored: pgshift takes TLS settings only from the database URL (e.g. ?sslmode=require).`)
  }
  return out
}

/**
 * Asks the server to cancel the statement running in backend `pid`, over another
 * connection. `via` may be the lock connection, inside the transaction that holds
 * the run lock: an error there would end that transaction and release the lock,
 * so the call cannot fail (a DO block that swallows its own error).
 */
export async function cancelBackend(via: pg.Client, pid: number): Promise<void> {
  if (!Number.isInteger(pid)) return
  await via.query(`DO $pgshift$BEGIN PERFORM pg_catalog.pg_cancel_backend(${pid}); EXCEPTION WHEN OTHERS THEN NULL; END$pgshift$`)
}

/** The server's version: `num` as server_version_num (170010), `text` as server_version ('17.10'). */
export async function serverVersion(c: pg.Client): Promise<{ num: number; text: string }> {
  // Read at connect (see connect): no second round trip.
  const known = versions.get(c)
  if (known) return known
  const r = await c.query<{ num: string; text: string }>("SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text")
  return { num: Number(r.rows[0].num), text: r.rows[0].text }
}

/**
 * Why this server cannot take changes, or undefined when it can: a hot standby
 * (pg_is_in_recovery), or a session that starts read-only (default_transaction_read_only
 * on the database or role; some managed databases set it when the disk is full).
 * Checked before the lock, so the user gets the fix instead of advice about CREATE
 * privileges from the first write that fails with 25006.
 */
export async function readOnlyReason(c: pg.Client): Promise<ConnectionError | undefined> {
  // Read at connect (see connect): no round trip of its own.
  const row =
    readOnlyAtConnect.get(c) ??
    (await c.query<{ standby: boolean; ro: string }>("SELECT pg_catalog.pg_is_in_recovery() AS standby, pg_catalog.current_setting('transaction_read_only') AS ro")).rows[0]
  if (row?.standby) {
    return new ConnectionError('read-only', 'This server is a standby (in recovery): it is read-only.', 'Point database-url at the primary. Nothing was changed.', { sqlstate: '25006' })
  }
  if (row?.ro === 'on') {
    return new ConnectionError(
      'read-only',
      'This server is read-only for this session (default_transaction_read_only is on for the database or the role).',
      'Point database-url at the primary, or turn read-only off for the migration role (ALTER ROLE ... SET default_transaction_read_only = off). Nothing was changed.',
      { sqlstate: '25006' }
    )
  }
  return undefined
}
