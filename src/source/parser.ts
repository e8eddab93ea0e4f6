import './wasm-home.js'
// The one wrapper around libpg-query (the real Postgres parser, as wasm). Statement
// boundaries always come from the parser, never from our own splitting. libpg-query
// reports statement locations in UTF-8 bytes and error cursors in code points; this
// module turns both into JS string indexes.
import v8 from 'node:v8'
import { advanceCodePoints, ByteCursor } from './positions.js'

export interface RawStatement {
  /** The node type, e.g. 'CreateStmt'. */
  kind: string
  /** The node under `kind`. Its `location` fields are UTF-8 byte offsets into the parsed text. */
  node: Record<string, unknown>
  /** JS index of the statement's first token (leading comments excluded). */
  start: number
  /** JS index just past the statement: its `;`, or the end of the text. */
  end: number
  /** True when a `;` at `end` terminates the statement. */
  terminated: boolean
  /** UTF-8 byte offset of `start` in the parsed text: where `node`'s locations count from when the statement is parsed alone (parseStatementTree). */
  startByte: number
}

export interface ParseError {
  message: string
  /** JS index in the parsed text where the parser stopped (0 when it gave none). */
  index: number
  /** 'syntax': the SQL is wrong; 'too-large': one statement exceeds what the wasm parser can hold; 'internal': the parser itself failed. */
  kind: 'syntax' | 'too-large' | 'internal'
}

export type ParseOutcome = { ok: true; statements: RawStatement[] } | { ok: false; error: ParseError }

export interface ScanToken {
  start: number
  end: number
  text: string
  /** e.g. 'SQL_COMMENT', 'C_COMMENT', 'SCONST', 'IDENT'. */
  tokenName: string
}

let loading: Promise<void> | undefined
let lib: typeof import('libpg-query') | undefined

/**
 * Loads the wasm parser once; every parse call needs it done. The module itself is
 * imported here, not at the top: a run that parses nothing (a no-op) never loads it.
 */
export async function ensureParser(): Promise<void> {
  loading ??= import('libpg-query').then(async (m) => {
    keepWasmOnLiftoff()
    await m.loadModule()
    lib = m
  })
  return loading
}

/**
 * Node 24's V8 tiers the parser's huge WASM functions up to TurboFan after a few
 * hundred parses: about 500 MB of compiler memory and seconds of background CPU on a
 * 2-core runner, for no faster parsing at our sizes (docs/BENCHMARKS.md). Turning
 * both tier-up paths off before the module is compiled keeps it on Liftoff, as the
 * `--liftoff-only` command-line flag does, without starting Node a second time
 * (bench/probes/wasm-tierup.mjs compares them: the same time and peak RSS). The
 * implication `--liftoff-only` has on these two is only applied to command-line
 * flags, which is why setting `--liftoff-only` here would do nothing.
 */
function keepWasmOnLiftoff(): void {
  v8.setFlagsFromString('--no-wasm-tier-up')
  v8.setFlagsFromString('--no-wasm-dynamic-tiering')
}

function parser(): typeof import('libpg-query') {
  if (!lib) throw new Error('pgshift: the SQL parser is not loaded; await ensureParser() first')
  return lib
}

// The wasm parser needs ~20x a statement's size in memory and aborts the whole
// module past about 1 GB, so big files are parsed in chunks (see parseChunked).
// The wasm memory never shrinks once grown: 256 KiB chunks keep a 50 MB file's
// growth to a few MB (2 MiB chunks grew it by about 50 MB; issue 17).
const DEFAULT_CHUNK_CHARS = 256 * 1024
const MAX_CHUNK_BYTES = 24 * 1024 * 1024

export interface ParseOptions {
  /** Chunk size for big texts (tests lower it to exercise chunking). */
  chunkChars?: number
  /** The largest chunk the parser is given (tests lower it; the parser's own limit otherwise). */
  maxChunkBytes?: number
  /**
   * Streams the statements: each is handed to `visit` in order as soon as its parse is
   * final, then its `node` is dropped (the outcome's statements keep their spans only).
   * A big file's trees are never all alive together: a chunk's are released before the
   * next chunk is parsed. On a syntax error, statements before it may have been visited.
   */
  visit?: (raw: RawStatement) => void
}

/** What a streamed statement's `node` becomes once visited. */
const RELEASED: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>

function release(statements: RawStatement[], visit: ((raw: RawStatement) => void) | undefined): void {
  if (!visit) return
  for (const s of statements) {
    visit(s)
    s.node = RELEASED
  }
}

/** Parses `text` into statements with JS-index spans. Never throws for bad SQL. */
export function parseSql(text: string, opts: ParseOptions = {}): ParseOutcome {
  const chunkChars = Math.max(64, opts.chunkChars ?? DEFAULT_CHUNK_CHARS)
  const maxBytes = opts.maxChunkBytes ?? MAX_CHUNK_BYTES
  if (text.length <= chunkChars) {
    if (Buffer.byteLength(text, 'utf8') > maxBytes) return tooLarge(0, maxBytes)
    const r = parseOnce(text)
    if (r.ok) release(r.statements, opts.visit)
    return r
  }
  return parseChunked(text, chunkChars, maxBytes, opts.visit)
}

function tooLarge(index: number, maxBytes: number): ParseOutcome {
  const mb = Math.round(maxBytes / (1024 * 1024))
  return {
    ok: false,
    error: { kind: 'too-large', index, message: `a single statement here is larger than the ${mb} MB the SQL parser can hold` }
  }
}

function parseOnce(text: string): ParseOutcome {
  // libpg-query refuses '' (but accepts blanks); both hold no statement.
  if (text.length === 0) return { ok: true, statements: [] }
  let result: { stmts?: Array<{ stmt?: unknown; stmt_location?: number; stmt_len?: number }> }
  try {
    result = parser().parseSync(text) as typeof result
  } catch (err) {
    const details = (err as { sqlDetails?: { cursorPosition?: number; message?: string } }).sqlDetails
    if (details) {
      // The cursor counts code points (Postgres's character position), not bytes.
      const index = advanceCodePoints(text, 0, details.cursorPosition ?? 0)
      return { ok: false, error: { kind: 'syntax', index, message: details.message ?? (err as Error).message } }
    }
    return { ok: false, error: { kind: 'internal', index: 0, message: `the SQL parser failed: ${(err as Error).message}` } }
  }
  const cursor = new ByteCursor(text)
  const statements: RawStatement[] = []
  for (const raw of result.stmts ?? []) {
    const startByte = raw.stmt_location ?? 0
    const start = cursor.toIndex(startByte)
    // stmt_len excludes the ';' and is absent (or 0) when the statement runs to the end.
    const end = raw.stmt_len ? cursor.toIndex(startByte + raw.stmt_len) : text.length
    const [kind, node] = Object.entries((raw.stmt ?? {}) as Record<string, Record<string, unknown>>)[0] ?? ['Unknown', {}]
    statements.push({ kind, node, start, end, terminated: text.charCodeAt(end) === 59 /* ; */, startByte })
  }
  return { ok: true, statements }
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff

/**
 * Where a chunk starting at `pos` ends: after the last line that ends with `;` within
 * `size` (where a statement most likely ends: a multi-line INSERT cut between its rows
 * would fail and make the chunk grow until it is the whole file), else after the last
 * line break, else at `pos + size`. Only a guess: the parser still decides where
 * statements end, and a cut inside a string or body fails and grows the chunk.
 */
function cutAt(text: string, pos: number, size: number): { end: number; atLineBreak: boolean } {
  const limit = pos + size
  if (limit >= text.length) return { end: text.length, atLineBreak: true }
  let lineBreak = -1
  for (let i = limit - 1; i >= pos; i--) {
    const c = text.charCodeAt(i)
    if (c !== 10 && c !== 13) continue
    if (lineBreak < 0) lineBreak = i + 1
    let j = i - 1
    while (j >= pos && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9 || text.charCodeAt(j) === 13)) j--
    if (j >= pos && text.charCodeAt(j) === 59 /* ; */) return { end: i + 1, atLineBreak: true }
    // Looking further back than half the chunk would make chunks small: take the line break.
    if (i < pos + size / 2) break
  }
  if (lineBreak >= 0) return { end: lineBreak, atLineBreak: true }
  return { end: isHigh(text.charCodeAt(limit - 1)) ? limit + 1 : limit, atLineBreak: false }
}

/**
 * Parses a big text chunk by chunk, letting the parser find the boundaries: a chunk's
 * statements are all complete except maybe the last one (the cut may fall inside it),
 * so we keep all but the last and start the next chunk where the last one starts. An
 * LR parser reaches the same state on the same token prefix, so these boundaries are
 * the ones a whole-text parse finds. A chunk that ends inside a string, comment or
 * statement fails with "unterminated ..." or "at end of input": then the chunk grows.
 */
function parseChunked(text: string, chunkChars: number, maxBytes: number, visit?: (raw: RawStatement) => void): ParseOutcome {
  const out: RawStatement[] = []
  let pos = 0
  let size = chunkChars
  // UTF-8 bytes before `pos`, kept up to date as `pos` moves forward (linear overall).
  let posBytes = 0
  let bytesAt = 0
  const advanceTo = (next: number) => {
    posBytes += Buffer.byteLength(text.slice(bytesAt, next), 'utf8')
    bytesAt = next
  }
  while (pos < text.length) {
    advanceTo(pos)
    const { end, atLineBreak } = cutAt(text, pos, size)
    const final = end >= text.length
    const chunk = text.slice(pos, end)
    if (Buffer.byteLength(chunk, 'utf8') > maxBytes) return tooLarge(pos, maxBytes)
    const r = parseOnce(chunk)
    if (!r.ok) {
      if (final || r.error.kind !== 'syntax' || errorIsReal(r.error, chunk)) {
        return { ok: false, error: { ...r.error, index: pos + r.error.index } }
      }
      size *= 2
      continue
    }
    const stmts = r.statements
    for (const s of stmts) {
      if (posBytes > 0) shiftLocations(s.node, posBytes)
      s.startByte += posBytes
      s.start += pos
      s.end += pos
    }
    if (final) {
      release(stmts, visit)
      out.push(...stmts)
      break
    }
    if (stmts.length === 0 && atLineBreak) {
      pos = end // only comments and blanks, cut between lines
      size = chunkChars
    } else if (stmts.length <= 1) {
      if (stmts.length === 1 && stmts[0].start > pos) pos = stmts[0].start
      else size *= 2 // one statement that may go on past the cut: take more text
    } else {
      const done = stmts.slice(0, -1)
      release(done, visit)
      out.push(...done)
      pos = stmts[stmts.length - 1].start
      size = chunkChars
    }
  }
  return { ok: true, statements: out }
}

/**
 * The parse tree of one statement of a parsed text, parsed again from the statement's
 * own text (`sql`, starting at byte `startByte` of that text): its `location` fields
 * count from the same place as a tree from the whole text. For trees that were
 * released after parsing (ParseOptions.visit); the parser must be loaded.
 */
export function parseStatementTree(sql: string, startByte: number): { kind: string; node: Record<string, unknown> } {
  const r = parseSql(sql)
  if (!r.ok || r.statements.length !== 1) {
    throw new Error(`pgshift: a statement parsed before no longer parses alone (${r.ok ? `${r.statements.length} statements` : r.error.message}): ${sql.slice(0, 80)}`)
  }
  const [s] = r.statements
  if (startByte > 0) shiftLocations(s.node, startByte)
  return { kind: s.kind, node: s.node }
}

/**
 * Node `location` fields are byte offsets into the parsed text; a chunk's start at byte
 * `by` makes them whole-text offsets again (so node locations never depend on chunking).
 */
function shiftLocations(node: unknown, by: number): void {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const v: unknown = node[i]
      if (typeof v === 'object' && v !== null) shiftLocations(v, by)
    }
    return
  }
  const rec = node as Record<string, unknown>
  for (const key in rec) {
    const v = rec[key]
    if (typeof v === 'object') {
      if (v !== null) shiftLocations(v, by)
    } else if (key === 'location' && typeof v === 'number' && v >= 0) rec[key] = v + by
  }
}

/** A chunk's syntax error is real when the cut cannot have caused it. */
function errorIsReal(error: ParseError, chunk: string): boolean {
  if (/unterminated|end of input/i.test(error.message)) return false
  // Tokens on the chunk's last line may have been cut: only trust errors before it.
  const lastBreak = Math.max(chunk.lastIndexOf('\n', chunk.length - 2), chunk.lastIndexOf('\r', chunk.length - 2))
  return error.index > 0 && error.index <= lastBreak
}

/** Tokens (comments included) with JS-index spans; [] when the text does not lex. */
export function scanSql(text: string): ScanToken[] {
  if (text.length === 0) return []
  let tokens: Array<{ start: number; end: number; text: string; tokenName: string }>
  try {
    tokens = parser().scanSync(text).tokens
  } catch {
    return []
  }
  const cursor = new ByteCursor(text)
  return tokens.map((t) => {
    const start = cursor.toIndex(t.start)
    const end = cursor.toIndex(t.end)
    return { start, end, text: t.text, tokenName: t.tokenName }
  })
}

/** An SQL statement inside a PL/pgSQL body: its text and its line, 1-based from the body's first line. */
export interface PlpgsqlStatement {
  query: string
  line: number
}

/**
 * The static SQL statements of a PL/pgSQL body (a DO block's or a function's),
 * read by PostgreSQL's own PL/pgSQL parser: what EXECUTE builds at run time is not
 * among them. Undefined when the body does not parse. The parser must be loaded.
 */
export function plpgsqlStatements(body: string): PlpgsqlStatement[] | undefined {
  let tag = 'pgshift_body'
  while (body.includes(`$${tag}$`)) tag += '_'
  let tree: unknown
  try {
    tree = parser().parsePlPgSQLSync(`CREATE FUNCTION pgshift_body() RETURNS void LANGUAGE plpgsql AS $${tag}$${body}$${tag}$`)
  } catch {
    return undefined
  }
  const out: PlpgsqlStatement[] = []
  const stack: unknown[] = [tree]
  while (stack.length) {
    const v = stack.pop()
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i])
    } else if (v && typeof v === 'object') {
      const exec = (v as { PLpgSQL_stmt_execsql?: { lineno?: number; sqlstmt?: { PLpgSQL_expr?: { query?: string } } } }).PLpgSQL_stmt_execsql
      const query = exec?.sqlstmt?.PLpgSQL_expr?.query
      if (typeof query === 'string') out.push({ query, line: exec?.lineno ?? 1 })
      else for (const x of Object.values(v).reverse()) stack.push(x)
    }
  }
  return out
}
