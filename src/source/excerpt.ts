// The lines around a position in a file, with the line marked and a caret under
// the column: what a syntax error shows, as a failed statement shows its SQL.
// Pure text; the renderers escape it (a fenced block, a terminal).

/** Lines shown before and after the marked one. */
const CONTEXT_LINES = 2
/** Longest line shown whole; a longer one is cut to a window around the column. */
const MAX_LINE = 160

/**
 * `index` is a JS index into `fileText`, at 1-based `line` and code-point `col`:
 *
 *        2 |   id int,
 *        3 |   name text
 *     >  4 |   other int
 *          |   ^
 *        5 | );
 */
export function excerptAt(fileText: string, index: number, line: number): string {
  const starts = lineStarts(fileText, index, line)
  const lines: { n: number; text: string }[] = []
  for (let n = Math.max(1, line - CONTEXT_LINES); n <= line + CONTEXT_LINES; n++) {
    const start = starts.get(n)
    if (start === undefined) break
    lines.push({ n, text: lineAt(fileText, start) })
  }
  const width = String(lines[lines.length - 1]?.n ?? line).length
  const out: string[] = []
  for (const l of lines) {
    const mark = l.n === line ? '>' : ' '
    if (l.n !== line) {
      out.push(`${mark} ${String(l.n).padStart(width)} | ${window(l.text, 0).text}`.trimEnd())
      continue
    }
    const at = index - (starts.get(line) ?? index)
    const w = window(l.text, at)
    out.push(`${mark} ${String(l.n).padStart(width)} | ${w.text}`.trimEnd())
    // Tabs before the column stay tabs, so the caret lines up however the tab is shown.
    const pad = [...w.text.slice(0, w.at)].map((c) => (c === '\t' ? '\t' : ' ')).join('')
    out.push(`  ${' '.repeat(width)} | ${pad}^`)
  }
  return out.join('\n')
}

/** JS index of the start of each line from `line - CONTEXT_LINES` to `line + CONTEXT_LINES`. */
function lineStarts(text: string, index: number, line: number): Map<number, number> {
  const starts = new Map<number, number>()
  let start = lineStartBefore(text, index)
  starts.set(line, start)
  for (let n = line - 1; n >= line - CONTEXT_LINES && start > 0; n--) {
    // Back over the previous line's break (CRLF is one break).
    const brk = text[start - 1] === '\n' && text[start - 2] === '\r' ? 2 : 1
    start = lineStartBefore(text, start - brk)
    starts.set(n, start)
  }
  let next = starts.get(line) as number
  for (let n = line + 1; n <= line + CONTEXT_LINES; n++) {
    const end = lineEnd(text, next)
    if (end >= text.length) break
    next = end + (text[end] === '\r' && text[end + 1] === '\n' ? 2 : 1)
    if (next >= text.length) break
    starts.set(n, next)
  }
  return starts
}

/** Start of the line holding `index`: after the previous LF, CR or CRLF. */
function lineStartBefore(text: string, index: number): number {
  let i = Math.min(index, text.length)
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--
  return i
}

function lineEnd(text: string, start: number): number {
  let i = start
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++
  return i
}

function lineAt(text: string, start: number): string {
  return text.slice(start, lineEnd(text, start))
}

/** A line cut to MAX_LINE characters around `at` (a JS index in it), with `…` where cut. */
function window(text: string, at: number): { text: string; at: number } {
  if (text.length <= MAX_LINE) return { text, at }
  const from = Math.max(0, Math.min(at - MAX_LINE / 2, text.length - MAX_LINE))
  const to = Math.min(text.length, from + MAX_LINE)
  const head = from > 0 ? '…' : ''
  return { text: `${head}${text.slice(from, to)}${to < text.length ? '…' : ''}`, at: at - from + head.length }
}
