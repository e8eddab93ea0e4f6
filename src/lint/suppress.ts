// Inline suppression: `-- pgshift-ignore <rule-id>[, <rule-id>...]: <reason>`.
// Comments come from the real lexer (scanSql), so the same text inside a string or a
// dollar-quoted body is not a comment and suppresses nothing.
//
// Which statement a comment applies to:
// - inside a statement's text (between two of its lines): that statement;
// - after code on the same line (`CREATE INDEX ...; -- pgshift-ignore ...`): the
//   statement that code belongs to;
// - on a line of its own: the next statement.
import { scanSql } from '../source/parser.js'
import type { ParsedScript } from '../source/types.js'
import { IGNORABLE } from './rules.js'

export interface Ignore {
  /** Index of the statement it applies to (in script.statements); undefined when none follows. */
  statement?: number
  /** Known rule ids it names. */
  rules: string[]
  /** The reason; '' when missing. */
  reason: string
}

export interface IgnoreProblem {
  rule: 'ignore-without-reason' | 'ignore-unknown-rule'
  /** JS index of the comment in the script text. */
  index: number
  message: string
}

const IGNORE_RE = /^--[ \t]*pgshift-ignore(?![\w-])(.*)$/is

export function findIgnores(script: ParsedScript): { ignores: Ignore[]; problems: IgnoreProblem[] } {
  const ignores: Ignore[] = []
  const problems: IgnoreProblem[] = []
  const text = script.source.text
  if (!/pgshift-ignore/i.test(text)) return { ignores, problems }
  const base = script.source.offset
  const spans = script.statements.map((s) => ({ start: s.offset - base, end: s.offset - base + s.sql.length }))
  for (const token of scanSql(text)) {
    if (token.tokenName !== 'SQL_COMMENT') continue
    const m = IGNORE_RE.exec(token.text.trimEnd())
    if (!m) continue
    const rest = m[1]
    const colon = rest.indexOf(':')
    const idsPart = colon >= 0 ? rest.slice(0, colon) : rest
    const reason = colon >= 0 ? rest.slice(colon + 1).trim() : ''
    const ids = idsPart
      .split(/[\s,]+/)
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean)
    const known = ids.filter((id) => IGNORABLE.has(id))
    const unknown = ids.filter((id) => !IGNORABLE.has(id))
    if (ids.length === 0) {
      problems.push({ rule: 'ignore-unknown-rule', index: token.start, message: 'this -- pgshift-ignore comment names no rule id, so it suppresses nothing' })
    }
    for (const id of unknown) {
      problems.push({ rule: 'ignore-unknown-rule', index: token.start, message: `-- pgshift-ignore names "${id}", which is not a pgshift lint rule, so it suppresses nothing` })
    }
    if (known.length > 0 && !reason) {
      problems.push({
        rule: 'ignore-without-reason',
        index: token.start,
        message: `-- pgshift-ignore ${known.join(', ')} gives no reason, so it suppresses nothing: write the reason after a colon`
      })
    }
    ignores.push({ statement: target(text, spans, token.start), rules: known, reason })
  }
  return { ignores, problems }
}

function target(text: string, spans: Array<{ start: number; end: number }>, at: number): number | undefined {
  let before = -1
  for (let i = 0; i < spans.length; i++) {
    if (spans[i].start < at) before = i
    else break
  }
  if (before >= 0 && at < spans[before].end) return before
  const lineStart = Math.max(text.lastIndexOf('\n', at - 1), text.lastIndexOf('\r', at - 1)) + 1
  if (before >= 0 && /\S/.test(text.slice(lineStart, at))) return before
  return before + 1 < spans.length ? before + 1 : undefined
}
