// Parses and checks the database URL. Pure: no I/O (files named in the URL,
// such as sslrootcert, are read by connect.ts).
//
// The pg driver is never given the URL (`connectionString`): it would apply its
// own sslmode rules, override an explicit `ssl` option, and keep the URL in
// objects that end up in logs. connect.ts builds the pg config from the parts
// parsed here.
//
// sslmode, as pgshift applies it (libpq semantics; pg 8 treats prefer and
// require as verify-full, which is wrong):
//
//   disable      no TLS.
//   allow        like prefer (libpq tries plain first, then TLS; pgshift tries
//                TLS first, then plain).
//   prefer       the default when sslmode is absent. TLS without certificate
//                verification; when the server does not support TLS, connect
//                again without it.
//   require      TLS, no certificate verification. With sslrootcert, it
//                behaves as verify-ca (as libpq does).
//   verify-ca    TLS; the certificate chain must lead to a trusted CA; the host
//                name is not checked.
//   verify-full  TLS; the chain and the host name are both checked.
//
// Trusted CAs: the file named by `sslrootcert=<path>` (PEM), or Node's bundled
// CA store when sslrootcert is absent or `sslrootcert=system` (libpq 16:
// `system` implies verify-full). Supabase's CA is not in Node's store: use
// sslrootcert with the CA from the dashboard, or sslmode=require.
// `sslcert` and `sslkey` name a client certificate and key (PEM).
//
// No part of a connection ever comes from PG* environment variables, ~/.pgpass
// or a default host: an empty URL is an error, never a silent localhost.
import type { ConnectionOptions as TlsOptions } from 'node:tls'
import { redact, registerDatabaseUrl, registerSecret } from '../report/redact.js'

export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const
export type SslMode = (typeof SSL_MODES)[number]

/** A connection problem with the next step to take. Its text never holds a password or the URL. */
export class ConnectionError extends Error {
  /** A kebab-case name ('empty-url', 'transaction-pooler'), a SQLSTATE ('28P01') or a Node error code ('ECONNREFUSED'). */
  readonly code: string
  /** What to do about it. */
  readonly next: string
  /** The server's SQLSTATE, when the server answered. */
  readonly sqlstate?: string
  /** host:port/dbname, when known. */
  readonly target?: string
  /** How many connection attempts were made. */
  readonly attempts?: number

  constructor(code: string, message: string, next: string, extra: { sqlstate?: string; target?: string; attempts?: number } = {}) {
    super(redact(message))
    this.name = 'ConnectionError'
    this.code = code
    this.next = redact(next)
    if (extra.sqlstate !== undefined) this.sqlstate = extra.sqlstate
    if (extra.target !== undefined) this.target = redact(extra.target)
    if (extra.attempts !== undefined) this.attempts = extra.attempts
  }
}

export interface ConnectionTarget {
  /** Host name, IP address (IPv6 without brackets) or a Unix socket directory. */
  host: string
  port: number
  database: string
  user: string
  /** Non-enumerable: absent from util.inspect and JSON.stringify of the target. */
  readonly password?: string
  sslmode: SslMode
  /** The pg `ssl` option (without file contents; connect.ts adds `ca`, `cert`, `key`), or false for no TLS. */
  ssl: false | TlsOptions
  /** allow/prefer: when the server refuses TLS, connect again without it. */
  sslFallback: boolean
  /** CA file to trust (PEM path), or 'system' for Node's store. */
  sslrootcert?: string
  sslcert?: string
  sslkey?: string
  sslnegotiation: 'postgres' | 'direct'
  /** host:port/dbname, never credentials. */
  display: string
  /** `db.<ref>.supabase.co`: IPv6-only, unreachable from GitHub-hosted runners. */
  isSupabaseDirectHost: boolean
  /** `*.pooler.supabase.com` (Supavisor). Only port 5432 (session mode) is accepted. */
  isSupabasePooler: boolean
  /** The Supabase project ref, from a direct host or a pooler user `postgres.<ref>`. */
  supabaseRef?: string
  /** `connect_timeout` (libpq, seconds) as milliseconds: the limit of one attempt. */
  attemptTimeoutMs?: number
  /** `application_name` from the URL. */
  applicationName?: string
  /** Other query parameters, kept as given (e.g. `options`, `target_session_attrs`, or ones pgshift ignores). */
  options: Record<string, string>
  /** Query parameters pgshift does not act on (the caller may warn about them). */
  ignoredParams: string[]
}

const SCHEMES = new Set(['postgres', 'postgresql'])
// Query parameters pgshift acts on, or knowingly passes on.
const HANDLED = new Set([
  'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'sslnegotiation', 'host', 'port', 'user', 'password',
  'dbname', 'application_name', 'connect_timeout', 'options', 'pgbouncer'
])
// Accepted and kept in `options`, with no effect on the connection.
const KNOWN_INERT = new Set(['target_session_attrs', 'fallback_application_name', 'keepalives', 'keepalives_idle', 'client_encoding', 'gssencmode'])

const ENCODE_HINT = 'Special characters in the user name or password (@ : / ? # % & = + and spaces) must be URL-encoded, e.g. with encodeURIComponent.'

function fail(code: string, message: string, next: string): never {
  throw new ConnectionError(code, message, next)
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    return fail('malformed-url', `The database URL's ${what} is not valid percent-encoding.`, ENCODE_HINT)
  }
}

/** A safe-to-echo rendering of a short token (scheme, sslmode value), or a neutral description. */
function echo(value: string, allowed: RegExp, fallback: string): string {
  return allowed.test(value) ? `'${value}'` : fallback
}

/**
 * The Supabase session pooler's URL for this target (password elided): user
 * postgres.<ref>, the pooler host of the project's region, port 5432. Placeholders
 * stand in for what the URL does not tell (the ref from a direct host or a pooler
 * user; the region only from a pooler host).
 */
export function sessionPoolerUrl(t: { user: string; host: string; database: string; supabaseRef?: string; isSupabasePooler: boolean; isSupabaseDirectHost: boolean }): string {
  const ref = t.supabaseRef ?? '<ref>'
  const user = t.isSupabasePooler && /^[A-Za-z0-9_-]+\.[a-z0-9]+$/.test(t.user) ? t.user : `postgres.${ref}`
  const host = t.isSupabasePooler ? t.host : 'aws-0-<region>.pooler.supabase.com'
  const database = t.isSupabasePooler || t.isSupabaseDirectHost ? t.database : 'postgres'
  return `postgres://${user}:***@${host}:5432/${/^[A-Za-z0-9_-]+$/.test(database) ? database : 'postgres'}`
}

/**
 * The refusal of a transaction-mode pooler, with the session-pooler fix: from the
 * URL (port 6543, pgbouncer=true) or from what the connections showed at run time.
 */
export function transactionPoolerError(
  t: { user: string; host: string; database: string; supabaseRef?: string; isSupabasePooler: boolean; isSupabaseDirectHost: boolean },
  why: string,
  pgbouncerParam = false
): ConnectionError {
  const fixed = sessionPoolerUrl(t)
  return new ConnectionError(
    'transaction-pooler',
    `The database URL points at a transaction-mode connection pooler (${why}). In transaction mode each statement may run on a different server session, so session advisory locks (which keep two runs apart) and prepared statements break.`,
    `Use the session pooler on port 5432, e.g. ${fixed}, or the direct host` +
      (t.isSupabasePooler ? ` (db.${t.supabaseRef ?? '<ref>'}.supabase.co:5432; IPv6 only)` : '') +
      '. Without Supabase: connect to Postgres directly, or through a PgBouncer pool with pool_mode = session' +
      (pgbouncerParam ? ', and drop pgbouncer=true from the URL' : '') +
      '.'
  )
}

/**
 * Warnings from the URL alone, before connecting: a Supabase direct host
 * (db.<ref>.supabase.co) has only an IPv6 address unless the project bought the
 * IPv4 add-on, and GitHub-hosted runners have no IPv6 route (ENETUNREACH).
 */
export function supabaseNetworkWarnings(t: ConnectionTarget, env: NodeJS.ProcessEnv = process.env): string[] {
  if (!t.isSupabaseDirectHost || env.GITHUB_ACTIONS !== 'true' || env.RUNNER_ENVIRONMENT === 'self-hosted') return []
  return [
    `${t.host} is a Supabase direct host, which has only an IPv6 address (without the IPv4 add-on), and GitHub-hosted runners have no IPv6: if the connection fails with ENETUNREACH, use the session pooler instead, ${sessionPoolerUrl(t)} (Supabase dashboard > Connect > Session pooler).`
  ]
}

/** In Actions, the likely cause (a secret a fork PR does not get); for a local user, the flag and the variable. */
export function emptyUrlError(env: NodeJS.ProcessEnv = process.env): ConnectionError {
  if (env.GITHUB_ACTIONS !== 'true') {
    return new ConnectionError(
      'empty-url',
      'The database URL is empty.',
      'Pass it as --database-url postgres://USER:PASSWORD@HOST:PORT/DATABASE or set DATABASE_URL. pgshift never falls back to localhost or PG* variables.'
    )
  }
  return new ConnectionError(
    'empty-url',
    'The database URL is empty. On pull requests from forks and on Dependabot pull requests GitHub does not give the workflow any secrets, so `${{ secrets.X }}` is empty there.',
    'Check that the secret exists (repository or environment secrets), that its name is spelled the same in the workflow, and that it is passed as the `database-url` input (CLI: --database-url or DATABASE_URL). For fork and Dependabot PRs, skip this step or use an ephemeral database: pgshift never falls back to localhost or PG* variables.'
  )
}

/** Parses a `postgres://` / `postgresql://` URL and checks it (pooler mode, sslmode, host). Registers its secrets for redaction. */
export function parseDatabaseUrl(raw: string): ConnectionTarget {
  if (typeof raw !== 'string' || raw.trim() === '') throw emptyUrlError()
  registerDatabaseUrl(raw)
  const text = raw.trim()

  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text)
  if (!schemeMatch) {
    if (/^\s*\w+\s*=/.test(text)) {
      fail('malformed-url', 'The database URL is a key=value connection string; pgshift needs a URL.', 'Write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=... ' + ENCODE_HINT)
    }
    fail('malformed-url', 'The database URL does not start with postgres:// or postgresql://.', 'Use the form postgres://USER:PASSWORD@HOST:PORT/DATABASE. ' + ENCODE_HINT)
  }
  const scheme = schemeMatch[1].toLowerCase()
  if (!SCHEMES.has(scheme)) {
    fail(
      'malformed-url',
      `The database URL's scheme is ${echo(scheme, /^[a-z][a-z0-9+.-]{0,20}$/, 'not postgres')}; expected postgres:// or postgresql://.`,
      'Use the form postgres://USER:PASSWORD@HOST:PORT/DATABASE.'
    )
  }

  // RFC 3986: the authority ends at the first '/', '?' or '#'; the userinfo ends at its last '@'.
  const rest = text.slice(schemeMatch[0].length)
  const authEnd = rest.search(/[/?#]/)
  const authority = authEnd < 0 ? rest : rest.slice(0, authEnd)
  const tail = authEnd < 0 ? '' : rest.slice(authEnd)
  if (tail.includes('#')) {
    fail('malformed-url', "The database URL contains '#', which ends a URL: the rest would be dropped.", ENCODE_HINT)
  }
  if (/\s/.test(text)) {
    fail('malformed-url', 'The database URL contains a space or line break.', 'Remove the whitespace (a secret pasted with a trailing newline is fine; one inside is not). ' + ENCODE_HINT)
  }

  const at = authority.lastIndexOf('@')
  const userinfo = at >= 0 ? authority.slice(0, at) : ''
  const hostport = at >= 0 ? authority.slice(at + 1) : authority
  const colon = userinfo.indexOf(':')
  let user = decode(colon >= 0 ? userinfo.slice(0, colon) : userinfo, 'user name')
  let password: string | undefined = colon >= 0 ? decode(userinfo.slice(colon + 1), 'password') : undefined

  if (hostport.includes(',')) {
    fail('malformed-url', 'The database URL names several hosts; pgshift connects to one.', 'Keep only the primary host in the URL.')
  }
  let host = ''
  let portText = ''
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']')
    if (close < 0) fail('malformed-url', "The database URL's IPv6 host has no closing ']'.", 'Write an IPv6 host as [::1]:5432.')
    host = hostport.slice(1, close)
    const after = hostport.slice(close + 1)
    if (after !== '' && !after.startsWith(':')) fail('malformed-url', "The database URL has text after the IPv6 host's ']'.", 'Write an IPv6 host as [::1]:5432.')
    portText = after.slice(1)
  } else {
    const c = hostport.lastIndexOf(':')
    host = c >= 0 ? hostport.slice(0, c) : hostport
    portText = c >= 0 ? hostport.slice(c + 1) : ''
    if (host.includes(':')) {
      fail('malformed-url', "The database URL's host part has more than one ':'.", 'Write an IPv6 host in brackets, [::1]:5432. ' + ENCODE_HINT)
    }
    host = decode(host, 'host')
  }

  // Path: the database name.
  let pathPart = tail
  let query = ''
  const q = tail.indexOf('?')
  if (q >= 0) {
    pathPart = tail.slice(0, q)
    query = tail.slice(q + 1)
  }
  let database = pathPart.startsWith('/') ? decode(pathPart.slice(1), 'database name') : ''

  // Query parameters.
  const params = new Map<string, string>()
  if (query !== '') {
    for (const pair of query.split('&')) {
      if (pair === '') continue
      const eq = pair.indexOf('=')
      const key = decode(eq >= 0 ? pair.slice(0, eq) : pair, 'query string')
      const value = decode(eq >= 0 ? pair.slice(eq + 1) : '', 'query string')
      if (key === 'password') registerSecret(value)
      params.set(key, value)
    }
  }
  if (params.has('host')) host = params.get('host') ?? ''
  if (params.has('port')) portText = params.get('port') ?? ''
  if (params.has('user')) user = params.get('user') ?? ''
  if (params.has('password')) password = params.get('password')
  if (params.has('dbname')) database = params.get('dbname') ?? ''

  if (host === '') {
    fail('malformed-url', 'The database URL has no host.', 'Use the form postgres://USER:PASSWORD@HOST:PORT/DATABASE. ' + ENCODE_HINT)
  }
  if (!host.startsWith('/') && !/^[A-Za-z0-9._-]+$/.test(host) && !/^[0-9A-Fa-f:.]+(%[A-Za-z0-9]+)?$/.test(host)) {
    fail('malformed-url', "The database URL's host is not a valid host name.", ENCODE_HINT)
  }
  let port = 5432
  if (portText !== '') {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      fail('malformed-url', "The database URL's port is not a number from 1 to 65535.", 'Use the form postgres://USER:PASSWORD@HOST:5432/DATABASE. ' + ENCODE_HINT)
    }
    port = Number(portText)
  }
  if (user === '') {
    fail('malformed-url', 'The database URL has no user name.', 'Use the form postgres://USER:PASSWORD@HOST:PORT/DATABASE; pgshift does not take the user from PGUSER or the OS.')
  }
  if (database === '') database = user
  if (password !== undefined) registerSecret(password)

  const lowerHost = host.toLowerCase()
  const display = `${host.includes(':') ? `[${host}]` : host}:${port}/${database}`
  const isSupabaseDirectHost = /^db\.[a-z0-9]+\.supabase\.co$/.test(lowerHost)
  const isSupabasePooler = /\.pooler\.supabase\.com$/.test(lowerHost)
  let supabaseRef: string | undefined
  if (isSupabaseDirectHost) supabaseRef = lowerHost.split('.')[1]
  else if (isSupabasePooler && /^postgres\.[a-z0-9]+$/i.test(user)) supabaseRef = user.slice('postgres.'.length)

  // The transaction pooler (PgBouncer/Supavisor in transaction mode), when the URL says so.
  // Any other port is checked at run time (db/pooler.ts).
  const pgbouncer = params.get('pgbouncer')
  if (port === 6543 || (pgbouncer !== undefined && /^(true|1|yes|on)$/i.test(pgbouncer))) {
    const why = port === 6543 ? 'port 6543 is the transaction pooler' : 'pgbouncer=true marks a transaction-mode pooler'
    throw transactionPoolerError({ user, host, database, supabaseRef, isSupabasePooler, isSupabaseDirectHost }, why, pgbouncer !== undefined)
  }

  // TLS.
  const sslmodeRaw = params.get('sslmode')
  const sslrootcert = params.get('sslrootcert') || undefined
  let sslmode: SslMode
  if (sslmodeRaw === undefined || sslmodeRaw === '') {
    sslmode = sslrootcert === 'system' ? 'verify-full' : 'prefer'
  } else if ((SSL_MODES as readonly string[]).includes(sslmodeRaw)) {
    sslmode = sslmodeRaw as SslMode
  } else {
    const extra = sslmodeRaw === 'no-verify' ? " ('no-verify' is a node-postgres extension; its libpq equivalent is 'require')" : ''
    fail(
      'bad-sslmode',
      `The database URL's sslmode ${echo(sslmodeRaw, /^[A-Za-z0-9_-]{1,24}$/, 'value')} is not one of ${SSL_MODES.join(', ')}${extra}.`,
      'Set sslmode to one of: disable, allow, prefer (the default), require, verify-ca, verify-full.'
    )
  }
  if (sslrootcert === 'system' && sslmode !== 'verify-full') {
    fail('bad-sslmode', `sslrootcert=system needs sslmode=verify-full (it is ${sslmode}).`, 'Drop sslmode from the URL or set sslmode=verify-full, as libpq requires.')
  }
  // libpq: require with a root certificate behaves as verify-ca.
  if (sslmode === 'require' && sslrootcert !== undefined) sslmode = 'verify-ca'

  const negotiation = params.get('sslnegotiation') ?? 'postgres'
  if (negotiation !== 'postgres' && negotiation !== 'direct') {
    fail('bad-param', `The database URL's sslnegotiation ${echo(negotiation, /^[A-Za-z0-9_-]{1,24}$/, 'value')} is not postgres or direct.`, 'Set sslnegotiation=postgres (the default) or sslnegotiation=direct (PostgreSQL 17 and later).')
  }
  if (negotiation === 'direct' && ['disable', 'allow', 'prefer'].includes(sslmode)) {
    fail('bad-param', `sslnegotiation=direct needs sslmode=require or stronger (it is ${sslmode}).`, 'Set sslmode=require, verify-ca or verify-full, or drop sslnegotiation.')
  }

  let ssl: false | TlsOptions
  switch (sslmode) {
    case 'disable':
      ssl = false
      break
    case 'allow':
    case 'prefer':
    case 'require':
      ssl = { rejectUnauthorized: false }
      break
    case 'verify-ca':
      // Check the chain, not the name.
      ssl = { rejectUnauthorized: true, checkServerIdentity: () => undefined }
      break
    case 'verify-full':
      ssl = { rejectUnauthorized: true }
      break
  }

  let attemptTimeoutMs: number | undefined
  const ct = params.get('connect_timeout')
  if (ct !== undefined && ct !== '') {
    if (!/^\d+$/.test(ct)) fail('bad-param', "The database URL's connect_timeout is not a whole number of seconds.", 'Set connect_timeout to seconds, e.g. connect_timeout=10, or drop it.')
    const n = Number(ct)
    // libpq: 0 means no limit; values under 2 s count as 2 s.
    if (n > 0) attemptTimeoutMs = Math.max(2, n) * 1000
  }

  const options: Record<string, string> = {}
  const ignoredParams: string[] = []
  for (const [k, v] of params) {
    if (k === 'password') continue
    if (!HANDLED.has(k) || k === 'options') options[k] = v
    if (!HANDLED.has(k) && !KNOWN_INERT.has(k)) ignoredParams.push(k)
  }

  const target: ConnectionTarget = {
    host,
    port,
    database,
    user,
    sslmode,
    ssl,
    sslFallback: sslmode === 'allow' || sslmode === 'prefer',
    sslnegotiation: negotiation,
    display,
    isSupabaseDirectHost,
    isSupabasePooler,
    options,
    ignoredParams
  }
  if (sslrootcert !== undefined) target.sslrootcert = sslrootcert
  const sslcert = params.get('sslcert')
  const sslkey = params.get('sslkey')
  if (sslcert) target.sslcert = sslcert
  if (sslkey) target.sslkey = sslkey
  if (supabaseRef !== undefined) target.supabaseRef = supabaseRef
  if (attemptTimeoutMs !== undefined) target.attemptTimeoutMs = attemptTimeoutMs
  const appName = params.get('application_name')
  if (appName) target.applicationName = appName
  Object.defineProperty(target, 'password', { value: password, enumerable: false, writable: false, configurable: false })
  return target
}
