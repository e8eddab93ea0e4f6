import { inspect } from 'node:util'
import { ConnectionError, parseDatabaseUrl, SSL_MODES } from '../../src/db/url.js'
import { redact } from '../../src/report/redact.js'
import { tlsEnvironmentWarnings } from '../../src/db/connect.js'

const PW = 'Pw!@#:/%?&=+ é'
const PW_ENC = 'Pw!%40%23%3A%2F%25%3F%26%3D%2B%20%C3%A9'
const FORMS = [PW, PW_ENC, PW_ENC.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()), Buffer.from(PW).toString('base64')]

function expectClean(text: string): void {
  for (const f of FORMS) expect(text).not.toContain(f)
}

/** The ConnectionError that parsing `url` throws, checked to be free of the password. */
function refusal(url: string): ConnectionError {
  let caught: unknown
  try {
    parseDatabaseUrl(url)
  } catch (e) {
    caught = e
  }
  expect(caught).toBeInstanceOf(ConnectionError)
  const err = caught as ConnectionError
  expect(err.message.length).toBeGreaterThan(10)
  expect(err.next.length).toBeGreaterThan(10)
  for (const text of [err.message, err.next, err.stack ?? '', inspect(err, { depth: null }), JSON.stringify(err)]) expectClean(text)
  return err
}

test('the hostile password round-trips through URL encoding', () => {
  expect(encodeURIComponent(PW)).toBe(PW_ENC)
  const t = parseDatabaseUrl(`postgres://hostile:${PW_ENC}@db.example.com:5433/app`)
  expect(t.password).toBe(PW)
  expect(t).toMatchObject({ host: 'db.example.com', port: 5433, database: 'app', user: 'hostile' })
})

describe('empty URL', () => {
  test.each(['', '   ', '\n'])('%j in Actions is an error that explains fork and Dependabot PRs', (url) => {
    const saved = process.env.GITHUB_ACTIONS
    process.env.GITHUB_ACTIONS = 'true'
    let err: ConnectionError
    try {
      err = refusal(url)
    } finally {
      if (saved === undefined) delete process.env.GITHUB_ACTIONS
      else process.env.GITHUB_ACTIONS = saved
    }
    expect(err.code).toBe('empty-url')
    expect(err.message).toMatch(/fork/i)
    expect(err.message).toMatch(/Dependabot/)
    expect(err.next).toContain('database-url')
    expect(err.next).toMatch(/secret exists/)
    expect(err.next).toMatch(/never falls back to localhost/)
  })

  test('for a local user it names the flag and the variable, not fork PRs', () => {
    const saved = process.env.GITHUB_ACTIONS
    delete process.env.GITHUB_ACTIONS
    try {
      const err = refusal('')
      expect(err.message).toBe('The database URL is empty.')
      expect(err.message + err.next).not.toMatch(/fork/i)
      expect(err.next).toMatch(/--database-url .*DATABASE_URL.*never falls back to localhost/)
    } finally {
      if (saved !== undefined) process.env.GITHUB_ACTIONS = saved
    }
  })

  test('PG* variables are not a fallback', () => {
    const saved = { ...process.env }
    process.env.PGHOST = 'localhost'
    process.env.PGUSER = 'postgres'
    process.env.PGPASSWORD = 'x'
    try {
      expect(refusal('').code).toBe('empty-url')
    } finally {
      process.env = saved
    }
  })
})

describe('malformed URLs name the problem without echoing the password', () => {
  test.each([
    ['mysql scheme', `mysql://u:${PW_ENC}@h/db`, /scheme is 'mysql'/],
    ['no scheme', 'localhost:5432/db', /does not start with postgres:\/\//],
    ['key/value DSN', `host=h user=u password=${PW_ENC} dbname=d`, /key=value/],
    ['port not a number', `postgres://u:${PW_ENC}@h:abc/db`, /port is not a number/],
    ['port too big', `postgres://u:${PW_ENC}@h:99999/db`, /port is not a number/],
    ['port zero', `postgres://u:${PW_ENC}@h:0/db`, /port is not a number/],
    ['no host', `postgres://u:${PW_ENC}@/db`, /no host/],
    ['no host at all', 'postgres:///db', /no host/],
    ['unencoded hostile password', `postgres://u:${PW}@h/db`, /#|space|host/],
    ['raw @ and / in password', 'postgres://u:Pw!@#:/x@h/db', /#/],
    ['bad percent-encoding', 'postgres://u:Pw%zz@h/db', /percent-encoding/],
    ['several hosts', `postgres://u:${PW_ENC}@h1:5432,h2:5432/db`, /several hosts/],
    ['no user', 'postgres://h:5432/db', /no user name/],
    ['IPv6 without closing bracket', `postgres://u:${PW_ENC}@[::1/db`, /IPv6/]
  ])('%s', (_name, url, pattern) => {
    const err = refusal(url)
    expect(err.code).toBe('malformed-url')
    expect(err.message).toMatch(pattern)
  })

  test('the advice mentions URL-encoding special characters', () => {
    expect(refusal(`postgres://u:${PW_ENC}@h:abc/db`).next).toMatch(/URL-encoded/)
  })
})

describe('transaction poolers are refused with the session-pooler fix', () => {
  test('Supabase transaction pooler (pooler.supabase.com:6543)', () => {
    const err = refusal(`postgres://postgres.abcdefghijkl:${PW_ENC}@aws-0-eu-central-1.pooler.supabase.com:6543/postgres`)
    expect(err.code).toBe('transaction-pooler')
    expect(err.message).toMatch(/session advisory locks/)
    expect(err.message).toMatch(/prepared statements/)
    expect(err.next).toContain('postgres://postgres.abcdefghijkl:***@aws-0-eu-central-1.pooler.supabase.com:5432/postgres')
    expect(err.next).toMatch(/direct host/)
  })

  test('port 6543 on any host', () => {
    const err = refusal(`postgres://app:${PW_ENC}@pgbouncer.internal:6543/app`)
    expect(err.code).toBe('transaction-pooler')
    expect(err.next).toContain('postgres://postgres.<ref>:***@aws-0-<region>.pooler.supabase.com:5432/postgres')
    expect(err.next).toMatch(/pool_mode = session/)
  })

  test('pgbouncer=true on port 5432', () => {
    const err = refusal(`postgres://app:${PW_ENC}@db.internal:5432/app?pgbouncer=true&connection_limit=1`)
    expect(err.code).toBe('transaction-pooler')
    expect(err.message).toMatch(/pgbouncer=true/)
    expect(err.next).toMatch(/drop pgbouncer=true/)
  })

  test('the session pooler on 5432 is accepted', () => {
    const t = parseDatabaseUrl(`postgres://postgres.abcdefghijkl:${PW_ENC}@aws-0-eu-central-1.pooler.supabase.com:5432/postgres`)
    expect(t.isSupabasePooler).toBe(true)
    expect(t.isSupabaseDirectHost).toBe(false)
    expect(t.supabaseRef).toBe('abcdefghijkl')
    expect(t.port).toBe(5432)
  })

  test('pgbouncer=false is not a refusal', () => {
    expect(parseDatabaseUrl('postgres://u:pw1234@h/db?pgbouncer=false').host).toBe('h')
  })
})

describe('sslmode', () => {
  const parse = (q: string) => parseDatabaseUrl(`postgres://u:${PW_ENC}@db.example.com/app${q}`)

  test('absent means prefer: TLS without verification, with a plain fallback', () => {
    const t = parse('')
    expect(t.sslmode).toBe('prefer')
    expect(t.ssl).toEqual({ rejectUnauthorized: false })
    expect(t.sslFallback).toBe(true)
  })

  test.each([
    ['disable', false, false],
    ['allow', true, false],
    ['prefer', true, false],
    ['require', false, false],
    ['verify-ca', false, true],
    ['verify-full', false, true]
  ] as const)('%s', (mode, fallback, verifies) => {
    const t = parse(`?sslmode=${mode}`)
    expect(t.sslmode).toBe(mode)
    expect(t.sslFallback).toBe(fallback)
    if (mode === 'disable') {
      expect(t.ssl).toBe(false)
      return
    }
    expect(t.ssl).not.toBe(false)
    const ssl = t.ssl as { rejectUnauthorized: boolean; checkServerIdentity?: (h: string, c: unknown) => unknown }
    expect(ssl.rejectUnauthorized).toBe(verifies)
    if (mode === 'verify-ca') {
      // The chain is checked, the name is not.
      expect(typeof ssl.checkServerIdentity).toBe('function')
      expect(ssl.checkServerIdentity?.('other.host', {})).toBeUndefined()
    } else {
      expect(ssl.checkServerIdentity).toBeUndefined()
    }
  })

  test('require with sslrootcert behaves as verify-ca (libpq)', () => {
    const t = parse('?sslmode=require&sslrootcert=/etc/ssl/ca.pem')
    expect(t.sslmode).toBe('verify-ca')
    expect(t.sslrootcert).toBe('/etc/ssl/ca.pem')
    expect((t.ssl as { rejectUnauthorized: boolean }).rejectUnauthorized).toBe(true)
  })

  test('sslrootcert=system implies verify-full, and refuses a weaker explicit mode', () => {
    expect(parse('?sslrootcert=system').sslmode).toBe('verify-full')
    expect(refusal(`postgres://u:${PW_ENC}@h/db?sslrootcert=system&sslmode=require`).code).toBe('bad-sslmode')
  })

  test('an unknown value names itself and the allowed ones', () => {
    const err = refusal(`postgres://u:${PW_ENC}@h/db?sslmode=bogus`)
    expect(err.code).toBe('bad-sslmode')
    expect(err.message).toContain("'bogus'")
    for (const m of SSL_MODES) expect(err.message).toContain(m)
  })

  test("node-postgres's no-verify is explained", () => {
    expect(refusal('postgres://u:pw1234@h/db?sslmode=no-verify').message).toMatch(/'require'/)
  })

  test('a value that could be a secret is not echoed', () => {
    const err = refusal(`postgres://u:pw1234@h/db?sslmode=${PW_ENC}`)
    expect(err.message).toMatch(/sslmode value is not one of/)
  })

  test('sslnegotiation=direct needs require or stronger', () => {
    expect(parse('?sslmode=require&sslnegotiation=direct').sslnegotiation).toBe('direct')
    expect(refusal(`postgres://u:${PW_ENC}@h/db?sslnegotiation=direct`).code).toBe('bad-param')
  })
})

describe('the parsed target', () => {
  test('display is host:port/dbname with no credentials', () => {
    const t = parseDatabaseUrl(`postgresql://hostile:${PW_ENC}@db.example.com/app?sslmode=require`)
    expect(t.display).toBe('db.example.com:5432/app')
    expect(t.display).not.toContain('hostile')
  })

  test('the password is not enumerable: not in JSON, inspect or spreads', () => {
    const t = parseDatabaseUrl(`postgres://hostile:${PW_ENC}@db.example.com/app`)
    expect(t.password).toBe(PW)
    expectClean(JSON.stringify(t))
    expectClean(inspect(t, { depth: null }))
    expect({ ...t }.password).toBeUndefined()
  })

  test('defaults: port 5432, database = user', () => {
    const t = parseDatabaseUrl('postgres://alice@h')
    expect(t).toMatchObject({ port: 5432, database: 'alice', user: 'alice' })
    expect(t.password).toBeUndefined()
  })

  test('IPv6 host', () => {
    const t = parseDatabaseUrl('postgres://u:pw1234@[::1]:5544/db')
    expect(t.host).toBe('::1')
    expect(t.display).toBe('[::1]:5544/db')
  })

  test('percent-encoded user and database', () => {
    const t = parseDatabaseUrl('postgres://us%40er:pw1234@h/my%20db')
    expect(t.user).toBe('us@er')
    expect(t.database).toBe('my db')
  })

  test('libpq query parameters: host (Unix socket), port, user, password, dbname', () => {
    const t = parseDatabaseUrl(`postgres://x@h/db?host=/var/run/postgresql&port=5499&user=bob&password=${PW_ENC}&dbname=other`)
    expect(t).toMatchObject({ host: '/var/run/postgresql', port: 5499, user: 'bob', database: 'other' })
    expect(t.password).toBe(PW)
    expect(redact(`pw ${PW} here`)).toBe('pw *** here')
    expect(t.options.password).toBeUndefined()
  })

  test('Supabase direct host', () => {
    const t = parseDatabaseUrl(`postgres://postgres:${PW_ENC}@db.abcdefghijklmnopqrst.supabase.co:5432/postgres`)
    expect(t.isSupabaseDirectHost).toBe(true)
    expect(t.supabaseRef).toBe('abcdefghijklmnopqrst')
  })

  test('other parameters are kept; unknown ones are listed', () => {
    const t = parseDatabaseUrl('postgres://u:pw1234@h/db?schema=public&target_session_attrs=read-write&application_name=deploy&connect_timeout=5&options=-c%20search_path%3Dapp')
    expect(t.options).toEqual({ schema: 'public', target_session_attrs: 'read-write', options: '-c search_path=app' })
    expect(t.ignoredParams).toEqual(['schema'])
    expect(t.applicationName).toBe('deploy')
    expect(t.attemptTimeoutMs).toBe(5000)
  })

  test('connect_timeout must be whole seconds; 0 means no per-attempt limit', () => {
    expect(refusal('postgres://u:pw1234@h/db?connect_timeout=abc').code).toBe('bad-param')
    expect(parseDatabaseUrl('postgres://u:pw1234@h/db?connect_timeout=0').attemptTimeoutMs).toBeUndefined()
    expect(parseDatabaseUrl('postgres://u:pw1234@h/db?connect_timeout=1').attemptTimeoutMs).toBe(2000)
  })

  test('parsing registers the URL and password for redaction', () => {
    parseDatabaseUrl(`postgres://someone:${encodeURIComponent('An0ther s3cret!')}@h/db`)
    expect(redact('x An0ther s3cret! y')).toBe('x *** y')
    expect(redact(`x ${encodeURIComponent('An0ther s3cret!')} y`)).toBe('x *** y')
  })
})

describe('TLS environment warnings', () => {
  test('NODE_TLS_REJECT_UNAUTHORIZED=0 and PGSSL* variables are named', () => {
    expect(tlsEnvironmentWarnings({})).toEqual([])
    const w = tlsEnvironmentWarnings({ NODE_TLS_REJECT_UNAUTHORIZED: '0', PGSSLMODE: 'require' })
    expect(w).toHaveLength(2)
    expect(w[0]).toMatch(/verify nothing/)
    expect(w[1]).toMatch(/PGSSLMODE is set but ignored/)
  })
})
