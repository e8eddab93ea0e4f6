// One script (a file, or a section of one) -> statements with file positions, and
// how the executor must run it (DESIGN 3, 4). Every refusal is a SourceProblem
// found before any connection; nothing here throws for bad SQL.
import { classify, statementLabel } from './classify.js'
import { ensureParser, parseSql, parseStatementTree, type ParseError, type ParseOptions, type RawStatement } from './parser.js'
import { excerptAt } from './excerpt.js'
import { formatPosition, lineMapFor } from './positions.js'
import type { FilePosition, NonTransactionalReason, ParsedScript, ScriptSource, SourceProblem, Statement } from './types.js'

export interface ParseScriptOptions {
  /** Run statement by statement whatever the file says; the text is the reason shown. */
  forceNoTransaction?: string
  /** Where that reason comes from in the file (e.g. a goose header line); default: the script's start. */
  forceNoTransactionPosition?: FilePosition
  parse?: ParseOptions
}

export interface ScriptResult {
  script: ParsedScript
  problems: SourceProblem[]
}

export async function parseScript(source: ScriptSource, opts: ParseScriptOptions = {}): Promise<ScriptResult> {
  await ensureParser()
  return parseScriptSync(source, opts)
}

const NO_SQL_HINT = 'nothing was sent to the database'

// File directives, on their own comment line between statements.
const DIRECTIVES: Array<{ re: RegExp; what: (m: RegExpMatchArray) => string }> = [
  { re: /^[ \t]*--[ \t]*pgshift:no-transaction\b/gim, what: () => 'directive -- pgshift:no-transaction' },
  { re: /^[ \t]*--[ \t]*\+goose[ \t]+no[ \t]+transaction\b/gim, what: () => 'directive -- +goose NO TRANSACTION' },
  {
    re: /^[ \t]*--[ \t]*migrate:(up|down|verify)\b[^\r\n]*?\btransaction:[ \t]*false\b/gim,
    what: (m) => `directive -- migrate:${m[1].toLowerCase()} transaction:false`
  }
]

/** Same as parseScript, once ensureParser() has resolved (discovery parses thousands of files). */
export function parseScriptSync(source: ScriptSource, opts: ParseScriptOptions = {}): ScriptResult {
  const { file, text } = source
  const problems: SourceProblem[] = []
  const lines = lineMapFor(source.fileText)
  const at = (i: number) => lines.position(source.offset + i)
  const where = (i: number) => formatPosition(file, at(i))
  const script: ParsedScript = {
    source,
    statements: [],
    runMode: 'transaction',
    nonTransactionalReasons: [],
    hasTransactionBlocks: false,
    sendText: text
  }

  const nul = text.indexOf('\0')
  if (nul >= 0) {
    problems.push({ file, position: at(nul), code: 'nul-byte', message: `the text holds a NUL character at ${where(nul)}`, hint: 'remove it; SQL text cannot hold NUL' })
    return { script, problems }
  }
  // Each statement's tree is read here while it is fresh; when released (a big file, or
  // a big set: releaseTreesWhenParsing), the script keeps its statements' text and facts,
  // and `node` parses the statement again when a later step reads it (the lint, a safety
  // copy). At 10,000 pending files, or one 50 MB file, the trees held together were
  // most of the memory.
  const statements: Statement[] = []
  const release = releaseEvery || text.length > BIG_SCRIPT_CHARS
  let firstHasOptions = false
  const parsed = parseSql(text, {
    ...opts.parse,
    visit: (raw) => {
      const s = toStatement(source, raw, statements.length, at)
      if (statements.length === 0) firstHasOptions = hasOptions(raw.node)
      if (classify(raw.kind, raw.node).copyFromStdin) problems.push(copyProblem(file, s))
      if (release) releaseTree(s, raw.startByte)
      statements.push(s)
    }
  })
  if (!parsed.ok) {
    problems.length = 0
    problems.push(parseProblem(source, parsed.error, at, where, opts.parse))
    return { script, problems }
  }
  const spans = parsed.statements
  script.statements = statements
  if (statements.length === 0) {
    problems.push({ file, code: 'empty-migration', message: 'empty migration: the file has no SQL statements; delete it or add SQL' })
    return { script, problems }
  }

  const directiveReasons = findDirectives(text, spans, at)
  if (opts.forceNoTransaction) {
    const position = opts.forceNoTransactionPosition ?? at(0)
    const dup = directiveReasons.some((r) => r.what === opts.forceNoTransaction && r.position.line === position.line && r.position.col === position.col)
    if (!dup) directiveReasons.unshift({ what: opts.forceNoTransaction, position })
  }
  const statementReasons: NonTransactionalReason[] = statements
    .filter((s) => s.nonTransactional)
    .map((s) => ({ what: s.nonTransactional!, position: s.position }))

  const first = statements[0]
  const last = statements[statements.length - 1]
  // goose and psql apply a file whose last statement is a COMMIT (or END) with no BEGIN:
  // psql only warns that no transaction is in progress. In a file that otherwise runs in
  // one transaction it is the end of an outer wrapper whose BEGIN is implicit, so it is
  // dropped like one: what comes before it commits with the history row. A COMMIT with
  // statements after it stays a problem (transactionBlocks).
  const trailingCommit =
    statements.length > 0 &&
    last.transactionControl === 'commit' &&
    statements.every((s) => s === last || !s.transactionControl) &&
    directiveReasons.length === 0 &&
    statementReasons.length === 0
  if (trailingCommit) {
    last.strippedWrapper = true
    script.sendText = blank(text, [sendSpan(spans[spans.length - 1])])
    if (statements.length === 1) {
      problems.push({ file, code: 'empty-migration', message: 'empty migration: the file has no SQL statements before its COMMIT; delete it or add SQL' })
    }
    return { script, problems }
  }

  const { blocks, savepoints, problems: tcProblems } = transactionBlocks(file, statements)
  problems.push(...tcProblems)

  const isWrapper =
    tcProblems.length === 0 &&
    blocks.length === 1 &&
    blocks[0].begin === first &&
    blocks[0].end === last &&
    !firstHasOptions &&
    directiveReasons.length === 0 &&
    statementReasons.length === 0
  const blockReasons: NonTransactionalReason[] = []
  if (isWrapper) {
    // The seeds advise BEGIN; ... COMMIT; around a file. We already run the file in one
    // transaction, so we drop the pair, blanking it so positions still match the file.
    first.strippedWrapper = true
    last.strippedWrapper = true
    script.sendText = blank(text, [sendSpan(spans[0]), sendSpan(spans[spans.length - 1])])
    if (statements.length === 2) {
      problems.push({ file, code: 'empty-migration', message: 'empty migration: the file has no SQL statements between its BEGIN and COMMIT; delete it or add SQL' })
    }
  } else {
    for (const b of blocks) {
      blockReasons.push({ what: `${statementLabel(b.begin)} ... ${b.end ? statementLabel(b.end) : 'COMMIT'} block`, position: b.begin.position })
    }
    script.hasTransactionBlocks = blocks.length > 0
  }

  script.nonTransactionalReasons = [...directiveReasons, ...statementReasons, ...blockReasons]
  script.runMode = script.nonTransactionalReasons.length > 0 ? 'statements' : 'transaction'
  if (script.runMode === 'statements') {
    const why = script.nonTransactionalReasons[0].what
    for (const s of savepoints.filter((sp) => !sp.inBlock).map((sp) => sp.statement)) {
      problems.push({
        file,
        position: s.position,
        code: 'stray-transaction-control',
        message: `${statementLabel(s)} at ${formatPosition(file, s.position)} needs an open transaction, but this file runs statement by statement in autocommit (${why}), so there is none`,
        hint: 'wrap it and the statements it protects in BEGIN ... COMMIT, or remove it'
      })
    }
  }
  return { script, problems }
}

function toStatement(source: ScriptSource, raw: RawStatement, index: number, at: (i: number) => FilePosition): Statement {
  let end = raw.end
  while (end > raw.start && isSpace(source.text.charCodeAt(end - 1))) end--
  const c = classify(raw.kind, raw.node)
  const s: Statement = {
    index,
    sql: source.text.slice(raw.start, end),
    offset: source.offset + raw.start,
    position: at(raw.start),
    kind: raw.kind,
    node: raw.node
  }
  if (c.nonTransactional) s.nonTransactional = c.nonTransactional
  if (c.transactionControl) s.transactionControl = c.transactionControl
  return s
}

// Postgres whitespace: space, \t, \n, \v, \f, \r.
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13)

const hasOptions = (node: Record<string, unknown>) => Array.isArray(node.options) && node.options.length > 0

/** A script this long (a 50 MB seed file) never keeps its trees: they would be most of the memory. */
const BIG_SCRIPT_CHARS = 256 * 1024
let releaseEvery = false

/**
 * Whether the scripts parsed from now on release their statements' trees (the engine
 * decides, from the size of what may run: engine/parse-needed.ts). Kept trees cost
 * memory (about 10x the SQL's size); released ones cost a second parse of the
 * statements a later step reads (the lint: about as much CPU as the first parse).
 */
export function releaseTreesWhenParsing(release: boolean): void {
  releaseEvery = release
}

/** Statements whose tree was parsed again most recently: a step reads `node` several times in a row. */
const reparsed = new Map<Statement, Record<string, unknown>>()
const REPARSED_KEPT = 8

/**
 * Drops the statement's parse tree: from now on `node` parses `sql` again when read
 * (parseStatementTree), with locations that count from the script text as before.
 * Setting `node` stores a plain value again.
 */
function releaseTree(s: Statement, startByte: number): void {
  Object.defineProperty(s, 'node', {
    enumerable: true,
    configurable: true,
    get(this: Statement) {
      let node = reparsed.get(this)
      if (!node) {
        node = parseStatementTree(this.sql, startByte).node
        if (reparsed.size >= REPARSED_KEPT) reparsed.delete(reparsed.keys().next().value as Statement)
        reparsed.set(this, node)
      }
      return node
    },
    set(this: Statement, value: Record<string, unknown>) {
      Object.defineProperty(this, 'node', { value, writable: true, enumerable: true, configurable: true })
    }
  })
}

/** A statement's span including its `;`. */
const sendSpan = (raw: RawStatement): [number, number] => [raw.start, raw.terminated ? raw.end + 1 : raw.end]

/** Replaces the ranges by spaces, keeping line breaks, so every index stays put. */
export function blank(text: string, ranges: Array<[number, number]>): string {
  let out = ''
  let last = 0
  for (const [a, b] of ranges) {
    out += text.slice(last, a) + text.slice(a, b).replace(/[^\r\n]/g, ' ')
    last = b
  }
  return out + text.slice(last)
}

/** The script's send text with `statements` (and their semicolons) replaced by spaces. */
export function blankStatements(script: ParsedScript, statements: Statement[]): string {
  const base = script.source.offset
  const ranges = statements.map((s) => {
    const start = s.offset - base
    let end = start + s.sql.length
    while (end < script.sendText.length && /\s/.test(script.sendText[end] as string)) end++
    if (script.sendText[end] === ';') end++
    return [start, end] as [number, number]
  })
  return blank(script.sendText, ranges)
}

/** Directives count only between statements (not inside a function body or a string). */
function findDirectives(text: string, spans: RawStatement[], at: (i: number) => FilePosition): NonTransactionalReason[] {
  const inside = (i: number) => {
    let lo = 0
    let hi = spans.length - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (spans[mid].start <= i) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found >= 0 && i < spans[found].end
  }
  const reasons: Array<NonTransactionalReason & { index: number }> = []
  for (const d of DIRECTIVES) {
    for (const m of text.matchAll(d.re)) {
      const index = m.index + (m[0].length - m[0].trimStart().length)
      if (!inside(index)) reasons.push({ what: d.what(m), position: at(index), index })
    }
  }
  return reasons.sort((a, b) => a.index - b.index).map(({ what, position }) => ({ what, position }))
}

interface Block {
  begin: Statement
  end?: Statement
}

/** DESIGN 4: find BEGIN ... COMMIT blocks; anything unbalanced or stray is a problem. */
function transactionBlocks(file: string, statements: Statement[]) {
  const problems: SourceProblem[] = []
  const blocks: Block[] = []
  const savepoints: Array<{ statement: Statement; inBlock: boolean }> = []
  const loc = (s: Statement) => formatPosition(file, s.position)
  const escape =
    "A transaction command inside a file ends pgshift's own transaction: if a later statement fails, the statements before it stay applied, and a dry-run would write them for real"
  const problem = (s: Statement, message: string, hint: string, code = 'stray-transaction-control') =>
    problems.push({ file, position: s.position, code, message, hint })
  let open: Block | undefined
  for (const s of statements) {
    if (!s.transactionControl && !(s.nonTransactional && open)) continue
    const label = statementLabel(s)
    switch (s.transactionControl) {
      case 'begin':
        if (open) {
          problem(
            s,
            `${label} at ${loc(s)} opens a transaction while the one begun at line ${open.begin.position.line} is still open; Postgres ignores it and the first COMMIT ends both`,
            'remove the inner BEGIN, or end the first block with COMMIT before it'
          )
        } else open = { begin: s }
        break
      case 'commit':
        if (open) {
          open.end = s
          blocks.push(open)
          open = undefined
        } else {
          problem(
            s,
            `${label} at ${loc(s)} has no matching BEGIN. ${escape}`,
            'remove it: pgshift already runs each file in one transaction. If the file needs several transactions, put each part in its own BEGIN ... COMMIT block; pgshift then runs the file statement by statement'
          )
        }
        break
      case 'rollback':
        problem(
          s,
          `${label} at ${loc(s)} would undo the migration's own work and end pgshift's transaction; the statements after it would run outside any transaction. ${escape}`,
          'remove it: when a statement fails, pgshift rolls the whole file back. Undo steps belong in a down file (X.down.sql)'
        )
        open = undefined
        break
      case 'other':
        problem(
          s,
          `${label} at ${loc(s)} cannot run inside pgshift's transaction. ${escape}`,
          'remove it; run two-phase commit and chained transactions outside migrations'
        )
        break
      case 'savepoint':
        savepoints.push({ statement: s, inBlock: !!open })
        break
    }
    if (s.nonTransactional && open) {
      problem(
        s,
        `${label} at ${loc(s)} cannot run inside a transaction block, but the file opens one with ${statementLabel(open.begin)} at line ${open.begin.position.line}; Postgres would refuse it`,
        'move it out of the BEGIN ... COMMIT block (or drop the BEGIN/COMMIT wrapper): pgshift then runs this file statement by statement, outside a transaction',
        'non-transactional-in-block'
      )
    }
  }
  if (open) {
    problem(
      open.begin,
      `${statementLabel(open.begin)} at ${loc(open.begin)} has no matching COMMIT or END: the rest of the file would run in a transaction nobody commits`,
      'add COMMIT; at the end of the block, or remove the BEGIN: pgshift already runs each file in one transaction'
    )
  }
  return { blocks, savepoints, problems }
}

function copyProblem(file: string, s: Statement): SourceProblem {
  return {
    file,
    position: s.position,
    code: 'copy-from-stdin',
    message: `COPY ... FROM STDIN at ${formatPosition(file, s.position)} reads its rows from the client, as psql sends them after the statement; pgshift runs plain SQL and has no rows to send`,
    hint: 'turn the rows into INSERT ... VALUES statements (or COPY from a file on the server), or load the data with psql outside the migration'
  }
}

// psql meta-commands that follow a query on the same line.
const TRAILING_META = new Set(['g', 'gx', 'gexec', 'gset', 'gdesc', 'watch', 'crosstabview', 'bind', 'bind_named'])

function metaAdvice(cmd: string): string {
  if (['i', 'ir', 'include', 'include_relative'].includes(cmd)) {
    return 'Inline the included file as its own migration (it then runs in order, with its own history row), or paste its SQL here'
  }
  if (['set', 'unset'].includes(cmd)) return 'Replace each :variable with its value'
  if (['c', 'connect'].includes(cmd)) return 'A migration runs against the one database pgshift connects to; migrate another database in its own pgshift step'
  if (['gexec', 'gset', 'g', 'gx'].includes(cmd)) return 'Run the generated statements from a DO block with EXECUTE instead'
  if (['if', 'elif', 'else', 'endif'].includes(cmd)) return 'Use a DO block with IF ... END IF instead'
  if (['restrict', 'unrestrict'].includes(cmd)) return 'pg_dump writes this line for psql; delete it'
  return 'Delete the line, or do the same in SQL'
}

function parseProblem(source: ScriptSource, error: ParseError, at: (i: number) => FilePosition, where: (i: number) => string, parseOpts?: ParseOptions): SourceProblem {
  const { file, text } = source
  if (error.kind === 'too-large') {
    return { file, position: at(error.index), code: 'statement-too-large', message: error.message, hint: 'split the statement (e.g. one big INSERT into several), or load the data outside the migration' }
  }
  if (error.kind === 'internal') {
    return { file, position: at(error.index), code: 'parser-failure', message: error.message, hint: 'report this file to pgshift; ' + NO_SQL_HINT }
  }
  const i = error.index
  const lineStart = Math.max(text.lastIndexOf('\n', i - 1), text.lastIndexOf('\r', i - 1)) + 1

  // COPY ... FROM STDIN followed by its data: the data is the "syntax error".
  if (lineStart > 0) {
    const before = parseSql(text.slice(0, lineStart), parseOpts)
    const lastStmt = before.ok ? before.statements[before.statements.length - 1] : undefined
    if (lastStmt && classify(lastStmt.kind, lastStmt.node).copyFromStdin) {
      const s = toStatement(source, lastStmt, 0, at)
      return copyProblem(file, s)
    }
  }

  // The parser skips backslashes in strings, dollar quotes and comments, so a bare
  // one here is a psql meta-command.
  if (text[i] === '\\') {
    const cmd = /^\\([A-Za-z_]+|[^\sA-Za-z])/.exec(text.slice(i, i + 40))?.[1] ?? ''
    const atLineStart = /^[ \t]*$/.test(text.slice(lineStart, i))
    if (atLineStart || TRAILING_META.has(cmd)) {
      return {
        file,
        position: at(i),
        code: 'psql-meta-command',
        message: `psql meta-command \\${cmd} at ${where(i)} is not SQL; pgshift runs plain SQL files. ${metaAdvice(cmd)}`,
        hint: `remove the \\${cmd} line; ${NO_SQL_HINT}`
      }
    }
  }
  const position = at(i)
  return {
    file,
    position,
    code: 'syntax-error',
    message: error.message,
    hint: `fix the SQL at that position; ${NO_SQL_HINT}`,
    ...(source.role ? { script: source.role } : {}),
    excerpt: excerptAt(source.fileText, source.offset + i, position.line)
  }
}
