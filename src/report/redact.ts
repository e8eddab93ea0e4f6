// The one redaction function. Every string that leaves pgshift (log lines,
// annotations, the job summary, the PR comment, outputs, the JSON report, error
// messages) goes through `redact()` or `redactDeep()`.
//
// Two layers:
// 1. A registry of known secrets (the database URL and its password). Each is
//    registered in every form it may take in text: raw, URL-encoded (upper- and
//    lower-case hex, and with '+' for spaces), URL-decoded, JSON-escaped and
//    base64 (whole, and the three byte alignments it can have inside a longer
//    base64 string). Longer forms are replaced first.
// 2. Generic patterns that need no registration: the password part of any
//    `scheme://user:password@host` URL, `password=...` in key/value connection
//    strings and query strings, and `"password": "..."` in JSON-looking text.
//
// The runner's own masking (core.setSecret) only covers the job log. The PR
// comment goes through the API and gets no masking at all, so this is the only
// line of defence there.

const MASK = '***'

/**
 * Public, well-known default passwords. They protect nothing, and masking them
 * as free text would mangle every report (`postgres` is also the scheme, the
 * default user and the default database). They are still masked where they
 * stand as a password: inside URLs and `password=` pairs.
 */
const TRIVIAL = new Set(['postgres', 'password', 'secret', 'admin', 'root', 'test', 'changeme', 'pass', 'supabase'])

const registry = new Set<string>()
let compiled: string[] | null = null

function isTrivial(value: string): boolean {
  const v = value.trim()
  return v.length < 3 || /^\*+$/.test(v) || TRIVIAL.has(v.toLowerCase())
}

function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8')
  const out = [bytes.toString('base64'), bytes.toString('base64url')]
  // Inside a longer base64 string (e.g. `user:password` in a Basic auth header)
  // the value starts at one of three byte alignments. The characters that
  // depend only on the value's own bits are the same whatever surrounds it.
  if (bytes.length >= 6) {
    for (let k = 0; k < 3; k++) {
      const b64 = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64')
      const from = Math.ceil((8 * k) / 6)
      const to = Math.floor((8 * (k + bytes.length)) / 6)
      const core = b64.slice(from, to)
      if (core.length >= 6) out.push(core)
    }
  }
  return out
}

/** Every form of `value` that may show up in text. */
function formsOf(value: string): string[] {
  const forms = new Set<string>([value])
  const encoded = encodeURIComponent(value)
  forms.add(encoded)
  forms.add(encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()))
  forms.add(encoded.replace(/%20/g, '+'))
  // What `new URL()` keeps in `.password`: only some characters are encoded.
  forms.add(value.replace(/[\u0000-\u0020"#<>?`{}/:;=@[\\\]^|\u007f-\u{10ffff}]/gu, (c) => encodeURIComponent(c)))
  try {
    const decoded = decodeURIComponent(value)
    forms.add(decoded)
    forms.add(decodeURIComponent(value.replace(/\+/g, ' ')))
  } catch {
    // not percent-encoded text: nothing to decode
  }
  forms.add(JSON.stringify(value).slice(1, -1))
  for (const f of [...forms]) for (const b of base64Forms(f)) forms.add(b)
  return [...forms].filter((f) => !isTrivial(f))
}

/**
 * Registers a secret in all its forms. Empty, very short (under 3 characters)
 * and well-known default values are ignored (see TRIVIAL).
 */
export function registerSecret(value: string): void {
  if (typeof value !== 'string' || isTrivial(value)) return
  for (const f of formsOf(value)) {
    if (!registry.has(f)) {
      registry.add(f)
      compiled = null
    }
  }
}

/** The password as written in a database URL, found leniently (also in malformed URLs). */
function passwordsInUrl(url: string): string[] {
  const out: string[] = []
  const m = /^[a-z][a-z0-9+.-]*:\/\/(.*)$/is.exec(url.trim())
  if (m) {
    const rest = m[1]
    // Strict: the authority ends at the first '/', '?' or '#'.
    const authority = rest.split(/[/?#]/, 1)[0]
    const at = authority.lastIndexOf('@')
    if (at >= 0) {
      const userinfo = authority.slice(0, at)
      const colon = userinfo.indexOf(':')
      if (colon >= 0) out.push(userinfo.slice(colon + 1))
    }
    // Lenient: a password with raw '/', '?', '#' or '@' in it runs up to the last '@'.
    const lastAt = rest.lastIndexOf('@')
    if (lastAt >= 0) {
      const userinfo = rest.slice(0, lastAt)
      const colon = userinfo.indexOf(':')
      if (colon >= 0) out.push(userinfo.slice(colon + 1))
    }
  }
  // `?password=...` in the query string, and `password=...` in a key/value DSN.
  for (const q of url.matchAll(/(?:^|[?&\s])password=('(?:[^'\\]|\\.)*'|[^&\s]*)/gi)) {
    let v = q[1]
    if (v.startsWith("'")) v = v.slice(1, -1).replace(/\\(.)/g, '$1')
    out.push(v)
  }
  return out.filter((p) => p.length > 0)
}

/**
 * Everything to mask for a database URL: the whole URL and its password, each
 * in every form. The action passes each to `core.setSecret`. Longest first.
 */
export function secretsFor(url: string): string[] {
  const all = new Set<string>()
  if (typeof url !== 'string' || url.trim() === '') return []
  for (const v of [url, url.trim(), ...passwordsInUrl(url)]) {
    if (isTrivial(v)) continue
    for (const f of formsOf(v)) all.add(f)
  }
  return [...all].sort((a, b) => b.length - a.length)
}

/** Registers the whole URL and its password (all forms). Safe on malformed URLs. */
export function registerDatabaseUrl(url: string): void {
  for (const s of secretsFor(url)) {
    if (!registry.has(s)) {
      registry.add(s)
      compiled = null
    }
  }
}

/** For tests only: forget every registered secret. */
export function clearSecretsForTesting(): void {
  registry.clear()
  compiled = null
}

function secretsLongestFirst(): string[] {
  if (!compiled) {
    compiled = [...registry].sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
    anySecret = compiled.length ? new RegExp(compiled.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')) : undefined
  }
  return compiled
}

// One native regex scan says whether a string holds any registered secret at all, so the
// common case (a file name, an identity, a status) costs one test, not one `includes` per
// secret form in a loop: redactDeep of a 1,000-migration report ran 40 such loops per
// string, 20-60 ms of a no-op (docs/BENCHMARKS.md, issue 17). A match runs the loop as before.
let anySecret: RegExp | undefined
// What any generic pattern below needs in the text; masking a secret (`***`) never creates one.
const MAYBE_GENERIC = /:\/\/|"|password[=\s]/i

// `scheme://user:password@host`: the password runs to the last '@' of the
// token that is followed by a host, so passwords with raw '/', ':', '?' or '@'
// are masked whole. (An '@' later in the query over-masks; that is the safe side.)
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/?#'"<>]*:)([^\s'"<>`]*)(@[^\s@/?#'"<>`]*(?=[/?#\s'"<>`),\]}]|$))/gi
// `password=value` (key/value DSN, query string, env assignment), value quoted or not.
const KV_PASSWORD = /(password=)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s&;,'")\]}]+)/gi
// SQL password literals in statement excerpts: CREATE/ALTER ROLE ... PASSWORD '...',
// CREATE USER MAPPING ... OPTIONS (password '...'), with '' escapes inside. A literal
// with no closing quote (an excerpt cut inside it, a syntax error's window) is masked to
// the end of the text: the safe side.
const SQL_PASSWORD = /(\bpassword\s+)(?:E?'(?:[^']|'')*(?:'|$)|\$([A-Za-z_]*)\$[\s\S]*?(?:\$\2\$|$))/gi
// `"password": "value"` in JSON-looking text.
const JSON_PASSWORD = /("[A-Za-z_]*(?:password|passwd|secret|token)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi

/** Replaces every known secret and every credential-looking part of `text` with `***`. */
export function redact(text: string): string {
  if (typeof text !== 'string' || text.length === 0) return text
  let out = text
  const secrets = secretsLongestFirst()
  if (anySecret?.test(out)) {
    for (const s of secrets) {
      // split/join is a native linear scan; `includes` skips the copy when absent.
      if (out.includes(s)) out = out.split(s).join(MASK)
    }
  } else if (!MAYBE_GENERIC.test(out)) return out
  if (out.includes('://')) {
    out = out.replace(URL_CREDENTIALS, (_m, head: string, pw: string, tail: string) => (pw.length > 0 ? `${head}${MASK}${tail}` : `${head}${tail}`))
  }
  if (/password=/i.test(out)) out = out.replace(KV_PASSWORD, `$1${MASK}`)
  if (out.includes('"')) out = out.replace(JSON_PASSWORD, `$1"${MASK}"`)
  if (/password\s/i.test(out)) out = out.replace(SQL_PASSWORD, `$1'${MASK}'`)
  return out
}

const SECRET_KEY = /(password|passwd|pwd|secret|token)$/i

/**
 * Redacts every string inside a value (objects, arrays, errors), for JSON
 * reports and outputs. Values under keys named like a password, secret or
 * token are masked whole. Returns a copy; cycles become '[Circular]'.
 */
export function redactDeep<T>(value: T): T {
  return walk(value, new WeakSet<object>()) as T
}

function walk(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redact(value)
  if (value === null || typeof value !== 'object') return value
  if (seen.has(value)) return '[Circular]'
  // Most of a report is plain objects (a row per migration): no class checks for them.
  const proto = Object.getPrototypeOf(value)
  if (proto === Object.prototype || proto === null) {
    seen.add(value)
    try {
      const out: Record<string, unknown> = {}
      for (const k of Object.keys(value)) {
        const v = (value as Record<string, unknown>)[k]
        out[k] = SECRET_KEY.test(k) && typeof v === 'string' && v.length > 0 ? MASK : walk(v, seen)
      }
      return out
    } finally {
      seen.delete(value)
    }
  }
  if (value instanceof Date || value instanceof RegExp) return value
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return value
  seen.add(value)
  try {
    if (Array.isArray(value)) return value.map((v) => walk(v, seen))
    if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, walk(v, seen)]))
    if (value instanceof Set) return new Set([...value].map((v) => walk(v, seen)))
    const out: Record<string, unknown> = {}
    if (value instanceof Error) {
      out.name = value.name
      out.message = redact(value.message)
      if (value.stack) out.stack = redact(value.stack)
    }
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && typeof v === 'string' && v.length > 0 ? MASK : walk(v, seen)
    }
    return out
  } finally {
    seen.delete(value)
  }
}
