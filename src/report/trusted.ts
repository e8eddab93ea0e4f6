// The two kinds of text a report is made of, and the one way to mix them.
//
// - Untrusted text is a plain `string`: file names, identities, SQL, server
//   messages, anything a PR author, a database or the environment controls.
//   It is escaped in every output (./escape.ts), so it renders as inert text.
// - Advice is pgshift's own words: next steps, fixes, refusals, hints we wrote.
//   In advice, a span in backticks is a command or code: markdown shows it as a
//   code span, verbatim, so it pastes as typed (no backslashes, no zero-width
//   space after `@`). Values from outside may be interpolated with `advice`...``,
//   which puts each one in a code span that nothing inside can close.
// - Markdown is a fragment that is already safe to concatenate. Only the
//   functions here make one; `md`...`` takes fragments and numbers, never a
//   plain string, so untrusted text cannot slip into markup unescaped.
//
// Both renderings are inert whatever the input: text outside code spans goes
// through escapeInline, text inside through inlineCode. So an untrusted value
// that reaches advice without `advice`...`` can at worst change what shows as
// code, never add HTML, a link, a mention or a table break.
import { escapeInline, neutraliseHtmlComments, sanitizeText } from './escape.js'
import { thousands } from './thousands.js'

declare const MARKDOWN: unique symbol
/** A trusted markdown fragment: built by this module only, safe to join with others. */
export type Markdown = string & { readonly [MARKDOWN]: true }

declare const ADVICE: unique symbol
/** pgshift's own words, in which backtick spans are commands or code. Plain strings are accepted where advice is read (the JSON report holds strings). */
export type Advice = string & { readonly [ADVICE]?: true }

/** Marks a string as a trusted markdown fragment: for renderers that build markup themselves (table rules, fences, HTML tags they escape). */
export function trustedMarkdown(value: string): Markdown {
  return value as Markdown
}

/** Untrusted text as inert inline markdown; numbers formatted (1,000). */
export function text(value: string | number): Markdown {
  return (typeof value === 'number' ? thousands(value) : escapeInline(value)) as Markdown
}

/**
 * Markdown from literal template parts (ours) and values that are already
 * fragments or numbers. A plain string is a type error here: untrusted text
 * goes in through text(), code() or adviceMarkdown(), so the choice is explicit.
 */
export function md(strings: TemplateStringsArray, ...values: Array<Markdown | number>): Markdown {
  let out = strings[0] ?? ''
  values.forEach((v, i) => {
    out += (typeof v === 'number' ? thousands(v) : v) + (strings[i + 1] ?? '')
  })
  return out as Markdown
}

/** Joins fragments with a separator of ours. */
export function join(parts: readonly Markdown[], sep: string): Markdown {
  return parts.join(sep) as Markdown
}

/**
 * A code span holding `value` verbatim (one line), delimited by one backtick
 * more than any run inside, so nothing inside can close it. Commands,
 * identifiers, file names: they paste as typed.
 */
export function code(value: string): Markdown {
  const s = neutraliseHtmlComments(sanitizeText(value)).replace(/[\t\n\u2028\u2029]+/g, ' ')
  if (s === '') return '` `' as Markdown
  let run = 0
  let longest = 0
  for (const c of s) {
    run = c === '`' ? run + 1 : 0
    longest = Math.max(longest, run)
  }
  const ticks = '`'.repeat(longest + 1)
  const pad = /^[` ]|[` ]$/.test(s) ? ' ' : ''
  return `${ticks}${pad}${s}${pad}${ticks}` as Markdown
}

/** A code span for a GFM table cell: pipes escaped as `\\|`, which GFM reads as a pipe inside code too. */
export function codeCell(value: string): Markdown {
  return code(value).replace(/\|/g, '\\|') as Markdown
}

/**
 * Advice with untrusted values interpolated, each as a code span:
 * advice`Rename ${file} to ${suggested}, then run \`pgshift plan\`.`
 */
export function advice(strings: TemplateStringsArray, ...values: Array<string | number>): Advice {
  let out = strings[0] ?? ''
  values.forEach((v, i) => {
    out += (typeof v === 'number' ? String(v) : code(v)) + (strings[i + 1] ?? '')
  })
  return out as Advice
}

/**
 * Advice as inline markdown: each backtick span (CommonMark's rule: a run of n
 * backticks closed by the next run of exactly n) becomes a verbatim code span;
 * the text between is escaped as inert text. Line breaks become spaces.
 */
export function adviceMarkdown(value: string, cell = false): Markdown {
  const s = neutraliseHtmlComments(sanitizeText(value)).replace(/[\t\n\u2028\u2029]+/g, ' ')
  const parts: string[] = []
  let prose = ''
  let i = 0
  const flush = () => {
    if (prose) parts.push(escapeInline(prose))
    prose = ''
  }
  while (i < s.length) {
    if (s[i] !== '`') {
      prose += s[i]
      i++
      continue
    }
    let n = 0
    while (s[i + n] === '`') n++
    const close = findRun(s, i + n, n)
    if (close < 0) {
      prose += s.slice(i, i + n)
      i += n
      continue
    }
    let inner = s.slice(i + n, close)
    if (inner.length > 1 && inner.startsWith(' ') && inner.endsWith(' ') && inner.trim() !== '') inner = inner.slice(1, -1)
    flush()
    parts.push(cell ? codeCell(inner) : code(inner))
    i = close + n
  }
  flush()
  return parts.join('') as Markdown
}

/** Index of the next run of exactly `n` backticks at or after `from`, or -1. */
function findRun(s: string, from: number, n: number): number {
  let i = from
  while (i < s.length) {
    if (s[i] !== '`') {
      i++
      continue
    }
    let m = 0
    while (s[i + m] === '`') m++
    if (m === n) return i
    i += m
  }
  return -1
}

/** Advice as plain terminal text: backtick spans kept as written (a terminal user reads `cmd` as a command). */
export function adviceText(value: string): string {
  return sanitizeText(value)
}

/** Advice in a GFM table cell: as adviceMarkdown, with each pipe inside a code span escaped (GFM reads `\\|` as a pipe there too, and a bare one ends the cell). */
export function adviceCell(value: string): Markdown {
  const s = adviceMarkdown(value, true)
  return (s.trim() === '' ? ' ' : s) as Markdown
}
