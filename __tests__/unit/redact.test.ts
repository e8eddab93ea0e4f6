import { clearSecretsForTesting, redact, redactDeep, registerDatabaseUrl, registerSecret, secretsFor } from '../../src/report/redact.js'

const PW = 'Pw!@#:/%?&=+ é'
const PW_ENC = 'Pw!%40%23%3A%2F%25%3F%26%3D%2B%20%C3%A9'
const URL_ = `postgres://hostile:${PW_ENC}@db.example.com:5432/app?sslmode=require`

/** Decodes every base64-looking run in `text` (at each of the 4 char alignments) and says whether PW is inside. */
function base64Leaks(text: string): boolean {
  for (const run of text.match(/[A-Za-z0-9+/_-]{8,}={0,2}/g) ?? []) {
    for (let skip = 0; skip < 4; skip++) {
      const bytes = Buffer.from(run.slice(skip).replace(/-/g, '+').replace(/_/g, '/'), 'base64')
      if (bytes.includes(Buffer.from(PW, 'utf8'))) return true
    }
  }
  return false
}

beforeEach(() => clearSecretsForTesting())

describe('registered secrets', () => {
  test('every form of the hostile password is masked', () => {
    registerSecret(PW)
    const forms = {
      raw: PW,
      encoded: PW_ENC,
      lowerHex: PW_ENC.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      formEncoded: PW_ENC.replace(/%20/g, '+'),
      whatwgUserinfo: (() => {
        const u = new URL('postgres://u@h/db')
        u.password = PW
        return u.password
      })(),
      json: JSON.stringify(PW).slice(1, -1),
      base64: Buffer.from(PW).toString('base64'),
      base64url: Buffer.from(PW).toString('base64url')
    }
    for (const [name, form] of Object.entries(forms)) {
      expect([name, redact(`before ${form} after`)]).toEqual([name, 'before *** after'])
    }
  })

  test('registering the encoded form also masks the decoded one', () => {
    registerSecret(PW_ENC)
    expect(redact(`a ${PW} b`)).toBe('a *** b')
  })

  test.each([0, 1, 2, 3, 4, 5])('base64 inside a longer base64 string (prefix of %i bytes)', (n) => {
    registerSecret(PW)
    const blob = Buffer.from(`${'u'.repeat(n)}${PW}trailing-bytes`).toString('base64')
    const header = `Authorization: Basic ${blob}`
    expect(base64Leaks(header)).toBe(true) // the probe works
    const out = redact(header)
    expect(out).toContain('***')
    expect(base64Leaks(out)).toBe(false)
  })

  test('empty, short and well-known default values are ignored', () => {
    for (const v of ['', ' ', 'ab', '**', 'postgres', 'Password']) registerSecret(v)
    const text = 'postgres ab password Password ** plain text'
    expect(redact(text)).toBe(text)
  })

  test('the longest secret wins', () => {
    registerSecret('abcdef')
    registerSecret('abcdefghij')
    expect(redact('x abcdefghij y abcdef z')).toBe('x *** y *** z')
  })

  test('masking is idempotent', () => {
    registerSecret(PW)
    const once = redact(`${URL_} ${PW}`)
    expect(redact(once)).toBe(once)
  })
})

describe('database URLs', () => {
  test('secretsFor lists the URL and the password in every form, longest first', () => {
    const s = secretsFor(URL_)
    expect(s).toContain(URL_)
    expect(s).toContain(PW)
    expect(s).toContain(PW_ENC)
    expect(s).toContain(Buffer.from(PW).toString('base64'))
    expect(s).toContain(decodeURIComponent(URL_))
    for (let i = 1; i < s.length; i++) expect(s[i - 1].length).toBeGreaterThanOrEqual(s[i].length)
    expect(new Set(s).size).toBe(s.length)
  })

  test('secretsFor skips a trivial password but keeps the URL', () => {
    const url = 'postgres://postgres:postgres@localhost:5432/postgres'
    expect(secretsFor(url)).toContain(url)
    expect(secretsFor(url)).not.toContain('postgres')
    expect(secretsFor('')).toEqual([])
    expect(secretsFor('  ')).toEqual([])
  })

  test('registerDatabaseUrl masks the URL and the password', () => {
    registerDatabaseUrl(URL_)
    expect(redact(`url=${URL_}`)).toBe('url=***')
    expect(redact(`pw=${PW} enc=${PW_ENC}`)).toBe('pw=*** enc=***')
  })

  test('a malformed URL with a raw password still gets its password registered', () => {
    registerDatabaseUrl(`postgres://u:${PW}@h/db`)
    expect(redact(`the password is ${PW}.`)).toBe('the password is ***.')
  })

  test('a query-string password is registered', () => {
    registerDatabaseUrl('postgres://u@h/db?sslmode=require&password=Qu3ry-pass')
    expect(redact('echo Qu3ry-pass')).toBe('echo ***')
  })
})

describe('generic patterns (nothing registered)', () => {
  test.each([
    ['postgres://alice:s3cr3t-pass@db.example.com:5432/app', 'postgres://alice:***@db.example.com:5432/app'],
    ['postgresql://alice:s3cr3t@[::1]:5432/app?sslmode=require', 'postgresql://alice:***@[::1]:5432/app?sslmode=require'],
    [`failed: postgres://hostile:${PW_ENC}@h/db.`, 'failed: postgres://hostile:***@h/db.'],
    ['mysql://root:hunter2@h/x and https://user:ghp_token123@github.com/o/r', 'mysql://root:***@h/x and https://user:***@github.com/o/r'],
    ['raw @ and / in it: postgres://u:p@ss/w0rd@host/db', 'raw @ and / in it: postgres://u:***@host/db'],
    ['"postgres://u:pw123456@h:5432/db"', '"postgres://u:***@h:5432/db"'],
    ['host=h user=u password=hunter22 dbname=d', 'host=h user=u password=*** dbname=d'],
    ["host=h password='a b c' dbname=d", 'host=h password=*** dbname=d'],
    ['postgres://u@h/db?sslmode=require&password=xyz123&x=1', 'postgres://u@h/db?sslmode=require&password=***&x=1'],
    ['PGPASSWORD=abc123 psql', 'PGPASSWORD=*** psql'],
    ['{"user":"u","password":"abc\\"123","host":"h"}', '{"user":"u","password":"***","host":"h"}']
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected)
  })

  test.each(['postgres://alice@h/db', 'postgres://h:5432/db', 'see https://example.com/a?b=c', 'no urls here', 'user@example.com'])(
    'leaves %s alone',
    (text) => {
      expect(redact(text)).toBe(text)
    }
  )
})

describe('long text', () => {
  test('5 MB with secrets and URLs scattered: all masked, quickly', () => {
    registerDatabaseUrl(URL_)
    registerSecret('another-secret-value')
    const filler = 'CREATE TABLE t (id int primary key, note text); -- just some sql text\n'
    const parts: string[] = []
    let planted = 0
    let size = 0
    let i = 0
    while (size < 5 * 1024 * 1024) {
      let piece = filler
      if (i % 997 === 0) {
        piece += `pw ${PW} enc ${PW_ENC} b64 ${Buffer.from(PW).toString('base64')} other another-secret-value generic postgres://bob:b0bs-pass@h${i}/db\n`
        planted++
      }
      parts.push(piece)
      size += piece.length
      i++
    }
    const text = parts.join('')
    const t0 = performance.now()
    const out = redact(text)
    const ms = performance.now() - t0
    expect(out).not.toContain(PW)
    expect(out).not.toContain(PW_ENC)
    expect(out).not.toContain(Buffer.from(PW).toString('base64'))
    expect(out).not.toContain('another-secret-value')
    expect(out).not.toContain('b0bs-pass')
    expect(out.split('***').length - 1).toBe(planted * 5)
    expect(ms).toBeLessThan(1500)
  })

  test('text with no secrets and no URLs passes through unchanged', () => {
    registerDatabaseUrl(URL_)
    const text = 'select 1;\n'.repeat(200_000)
    expect(redact(text)).toBe(text)
  })
})

describe('redactDeep', () => {
  test('masks strings at any depth, keys named like secrets, and errors; does not mutate', () => {
    registerDatabaseUrl(URL_)
    const err = new Error(`could not connect with ${PW}`)
    const input = {
      target: 'db.example.com:5432/app',
      url: URL_,
      nested: { list: [`x ${PW_ENC} y`, 42, null, true], password: 'not-registered-1', apiToken: 'tok-123456', passed: 3 },
      error: err,
      when: new Date(0)
    }
    const out = redactDeep(input)
    expect(out.url).toBe('***')
    expect(out.nested.list).toEqual(['x *** y', 42, null, true])
    expect(out.nested.password).toBe('***')
    expect(out.nested.apiToken).toBe('***')
    expect(out.nested.passed).toBe(3)
    expect(out.target).toBe('db.example.com:5432/app')
    expect(out.when).toBeInstanceOf(Date)
    const e = out.error as unknown as { name: string; message: string; stack: string }
    expect(e.message).toBe('could not connect with ***')
    expect(e.stack).not.toContain(PW)
    expect(JSON.stringify(out)).not.toContain(PW)
    // The input is untouched.
    expect(input.url).toBe(URL_)
    expect(input.nested.password).toBe('not-registered-1')
  })

  test('cycles do not loop', () => {
    const a: Record<string, unknown> = { name: `postgres://u:cyc1e-pw@h/db` }
    a.self = a
    const out = redactDeep(a) as Record<string, unknown>
    expect(out.name).toBe('postgres://u:***@h/db')
    expect(out.self).toBe('[Circular]')
  })

  test('shared (non-cyclic) references are both redacted', () => {
    const shared = { v: 'postgres://u:sh4red-pw@h/db' }
    const out = redactDeep({ a: shared, b: shared })
    expect(out.a.v).toBe('postgres://u:***@h/db')
    expect(out.b.v).toBe('postgres://u:***@h/db')
  })
})

test('SQL password literals in statement excerpts are masked', () => {
  expect(redact("CREATE ROLE app LOGIN PASSWORD 'it''s s3cret';")).toBe("CREATE ROLE app LOGIN PASSWORD '***';")
  expect(redact("ALTER USER x WITH ENCRYPTED PASSWORD E'abc';")).toBe("ALTER USER x WITH ENCRYPTED PASSWORD '***';")
  expect(redact("CREATE USER MAPPING FOR u SERVER s OPTIONS (user 'u', password 'hunter22');")).toBe("CREATE USER MAPPING FOR u SERVER s OPTIONS (user 'u', password '***');")
  expect(redact('ALTER ROLE r PASSWORD $p$x$p$')).toBe("ALTER ROLE r PASSWORD '***'")
  expect(redact('the password is required')).toBe('the password is required')
  // An excerpt cut inside the literal (a long line's window, a syntax error's lines): masked to the end.
  expect(redact("> 4 | CREATE ROLE app LOGIN PASSWORD 'hunter22-and-more…")).toBe("> 4 | CREATE ROLE app LOGIN PASSWORD '***'")
  expect(redact("  3 | ALTER ROLE r PASSWORD $p$hunter22\n  4 |   more")).toBe("  3 | ALTER ROLE r PASSWORD '***'")
})
