// Escaping for untrusted text: file names, SQL, and server messages all come
// from the repository or the database, and a PR author controls the first two.
// Everything here is pure; secret redaction is the caller's job (redact()).
//
// Contexts:
// - escapeInline / escapeTableCell: markdown text in a paragraph, list item,
//   heading, link text or table cell. The result is one line of inert text: no
//   HTML, no emphasis, no links, no table breaks, no @mentions.
// - inlineCode: a markdown code span that backticks inside cannot close.
// - fencedBlock: a fenced code block that backticks inside cannot close.
// - escapeWorkflowCommands: log output, so that no line is read as a
//   `::workflow-command::` (or legacy `##[command]`) by the Actions runner.
// - sanitizeText: control and bidi characters made visible, for every context
//   (terminal escapes in the CLI, "Trojan Source" reordering in a review).

const ZWSP = '\u200B'

/**
 * `<!--` inside code (a code span or a fenced block, where entities do not
 * work) becomes `<!\--`: visible, and no line of a comment can carry another
 * job's hidden `<!-- pgshift:comment-key=… -->` marker (issue 13).
 */
export function neutraliseHtmlComments(text: string): string {
  return text.replace(/<!--/g, '<!\\--')
}

/**
 * Makes control characters visible: C0 controls except tab and newline, DEL,
 * C1 controls, and the bidi embedding/override/isolate characters become `\xNN`
 * or `\u{NNNN}`. Carriage returns are kept only as part of CRLF, then turned into LF.
 */
export function sanitizeText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(
     
    /[\x00-\x08\x0B-\x1F\x7F-\x9F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g,
    (ch) => {
      const code = ch.codePointAt(0) ?? 0
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`
    }
  )
}

/** HTML text and attribute escaping. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch] ?? ch)
}
const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * One line of inert text inside an HTML block, e.g. a `<summary>`: markdown is
 * not read there, so backslash escapes would show; HTML entities are used
 * instead, and `@name` gets a zero-width space (no mention notifications).
 */
export function escapeHtmlText(text: string): string {
  return escapeHtml(oneLine(sanitizeText(text))).replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWSP}`)
}

/** Collapses every line break (and the tab) into one space: the text must stay on one line. */
function oneLine(text: string): string {
  return text.replace(/[\t\n\u2028\u2029]+/g, ' ')
}

/**
 * Markdown-inert inline text: safe in a paragraph, list item, heading, link
 * text or table cell (it never starts a block, since line breaks are collapsed,
 * and a leading `#`, `>`, `-`, `+`, `=` or `1.` is escaped).
 * - `&`, `<`, `>` become entities: no HTML, no autolinks;
 * - `\` and the markdown punctuation `` ` * _ [ ] | ~ `` get a backslash (`_` only
 *   where it could open or close emphasis, not inside a word): no code
 *   spans, emphasis, links, images, strikethrough or table breaks;
 * - `@name` gets a zero-width space after the `@`: no mention notifications.
 */
export function escapeInline(text: string): string {
  let s = oneLine(sanitizeText(text))
  s = s.replace(/[&<>]/g, (ch) => HTML_ENTITIES[ch] ?? ch)
  s = s.replace(/[\\`*[\]|~]/g, (ch) => `\\${ch}`)
  // An underscore between two letters or digits can neither open nor close emphasis
  // in GFM, so identities like 004_learning_privacy stay readable in the raw text.
  s = s.replace(/_/g, (ch, i: number, all: string) => (/[\p{L}\p{N}]/u.test(all[i - 1] ?? '') && /[\p{L}\p{N}]/u.test(all[i + 1] ?? '') ? ch : `\\${ch}`))
  s = s.replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWSP}`)
  // Block starts only matter at the beginning of a line; callers may put this there.
  s = s.replace(/^(\s*)(?:([#+=-])|(\d+)([.)]))/, (_m, sp: string, mark?: string, num?: string, dot?: string) =>
    mark !== undefined ? `${sp}\\${mark}` : `${sp}${num}\\${dot}`
  )
  return s
}

/**
 * Text for a GFM table cell: everything escapeInline does (pipes included, as
 * `\|`, which GFM reads as a literal pipe inside a cell, even within code).
 * An empty value becomes one space, so the row keeps its shape.
 */
export function escapeTableCell(text: string): string {
  const s = escapeInline(text)
  return s.trim() === '' ? ' ' : s
}

/** The longest run of `ch` in `text`. */
function longestRun(text: string, ch: string): number {
  let best = 0
  let run = 0
  for (const c of text) {
    run = c === ch ? run + 1 : 0
    if (run > best) best = run
  }
  return best
}

/**
 * A markdown code span holding `text` verbatim (on one line). The delimiter is
 * one backtick longer than any run of backticks inside, so nothing inside can
 * close it; content that starts or ends with a backtick or a space is padded,
 * as CommonMark strips one space on each side. Not for table cells (use
 * escapeTableCell there: a backslash before a pipe would break the row).
 */
export function inlineCode(text: string): string {
  const s = neutraliseHtmlComments(oneLine(sanitizeText(text)))
  if (s === '') return '` `'
  const ticks = '`'.repeat(longestRun(s, '`') + 1)
  const pad = /^[` ]|[` ]$/.test(s) ? ' ' : ''
  return `${ticks}${pad}${s}${pad}${ticks}`
}

/**
 * A code span when the text is plain (letters, digits and `._-/:@+,=` and
 * spaces: a file name, a target, an identity), otherwise escapeInline text. The
 * raw markdown then never holds `<`, `&`, backticks or pipes from untrusted
 * text, even inside a code span.
 */
export function codeOrText(text: string): string {
  return /^[\p{L}\p{N}._\-/:@+,= ]+$/u.test(text) ? inlineCode(text) : escapeInline(text)
}

/**
 * A fenced code block holding `code` verbatim. The fence is a run of backticks
 * longer than any run inside the code (at least three), so a line of backticks
 * inside cannot close it. `lang` is ours (e.g. 'sql'), never untrusted.
 */
export function fencedBlock(code: string, lang = ''): string {
  const body = neutraliseHtmlComments(sanitizeText(code)).replace(/\s+$/, '')
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1))
  const info = lang.replace(/[^A-Za-z0-9_+-]/g, '')
  return `${fence}${info}\n${body}\n${fence}`
}

/**
 * Neutralises GitHub Actions workflow commands in text bound for a log.
 * The runner reads a line as a command when, after leading whitespace, it
 * starts with `::` (e.g. `::error::`, `::add-mask::`, `::stop-commands::`), or
 * when it contains `##[` anywhere (the legacy form). A zero-width space is put
 * inside each such marker; the line reads the same. The runner splits lines on
 * CR as well as LF, so both count as line starts here.
 */
export function escapeWorkflowCommands(text: string): string {
  return text
    .split(/(\r\n|\r|\n)/)
    .map((part, i) => {
      if (i % 2 === 1) return part // a line separator
      return part.replace(/^([\s\u0085]*):(?=:)/, `$1:${ZWSP}`).replaceAll('##[', `##${ZWSP}[`)
    })
    .join('')
}

/** Shortens `text` to at most `max` characters, saying how much was left out. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  const keep = Math.max(0, max - 40)
  // Do not split a surrogate pair.
  let cut = keep
  const code = text.charCodeAt(cut - 1)
  if (code >= 0xd800 && code <= 0xdbff) cut--
  return `${text.slice(0, cut)}… (${text.length - cut} more characters)`
}

/**
 * A URL safe as a markdown link destination: characters that end or confuse a
 * destination (whitespace, parentheses, angle brackets, quotes, backslash) are
 * percent-encoded. Only http(s) URLs are accepted; anything else gives undefined.
 */
export function safeUrl(url: string): string | undefined {
  if (!/^https?:\/\/[^\s]+$/i.test(url)) return undefined
  return url.replace(/[()<>"'\\`\s]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}

/** A repository-relative path as URL path segments (each segment percent-encoded). */
export function encodePath(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^\.?\//, '')
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/[()!'*~]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/')
}
