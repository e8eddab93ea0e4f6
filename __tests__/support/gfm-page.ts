// A report as GitHub shows it in a PR comment: GFM rendered by `marked`, in a
// page styled like GitHub's comment column (780 px, its default font stack at
// 14 px, its table and code rules from github-markdown-css). Tables there are
// `display: block; max-width: 100%; overflow: auto`: a table too wide for the
// column gets a scroll bar, so its scrollWidth exceeds the column's width.
import { marked } from 'marked'

/** The comment column's width on github.com, in CSS pixels. */
export const COLUMN_PX = 780

const CSS = `
html, body { margin: 0; padding: 0; background: #fff; }
.markdown-body {
  box-sizing: border-box; width: ${COLUMN_PX}px; padding: 0; color: #1f2328;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji";
  font-size: 14px; line-height: 1.5; word-wrap: break-word;
}
.markdown-body > *:first-child { margin-top: 0 !important; }
.markdown-body h1, .markdown-body h2, .markdown-body h3 { margin-top: 24px; margin-bottom: 16px; font-weight: 600; line-height: 1.25; }
.markdown-body h2 { font-size: 1.5em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0; }
.markdown-body h3 { font-size: 1.25em; }
.markdown-body p, .markdown-body ul, .markdown-body ol, .markdown-body table, .markdown-body pre, .markdown-body blockquote, .markdown-body details { margin-top: 0; margin-bottom: 16px; }
.markdown-body ul, .markdown-body ol { padding-left: 2em; }
.markdown-body blockquote { margin-left: 0; padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
.markdown-body a { color: #0969da; text-decoration: none; }
.markdown-body code, .markdown-body tt {
  padding: .2em .4em; margin: 0; font-size: 85%; white-space: break-spaces; background-color: #818b981f; border-radius: 6px;
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
.markdown-body pre { padding: 16px; overflow: auto; font-size: 85%; line-height: 1.45; background-color: #f6f8fa; border-radius: 6px; }
.markdown-body pre code { padding: 0; font-size: 100%; white-space: pre; background: transparent; }
.markdown-body table { border-spacing: 0; border-collapse: collapse; display: block; width: max-content; max-width: 100%; overflow: auto; font-variant: tabular-nums; }
.markdown-body table th { font-weight: 600; }
.markdown-body table th, .markdown-body table td { padding: 6px 13px; border: 1px solid #d1d9e0; }
.markdown-body table tr { background-color: #fff; border-top: 1px solid #d1d9e0b3; }
.markdown-body table tr:nth-child(2n) { background-color: #f6f8fa; }
.markdown-body details summary { cursor: pointer; }
`

/** A standalone HTML page for `markdown`, every `<details>` open so what it hides is laid out too. */
export function gfmPage(markdown: string, title: string): string {
  const body = (marked.parse(markdown, { gfm: true, async: false }) as string).replace(/<details>/g, '<details open>')
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title.replace(/[<&]/g, '')}</title><style>${CSS}</style></head><body><article class="markdown-body">${body}</article></body></html>`
}

export interface TableWidth {
  /** The table's header row, as text. */
  header: string
  /** How wide the table's content is; more than the column means it scrolls. */
  scrollWidth: number
  /** How wide the table's box is (capped at the column). */
  clientWidth: number
}

export interface PageWidths {
  /** The document's scroll width: more than the column means the page itself scrolls sideways. */
  page: number
  /** The page's height, for the screenshot. */
  height: number
  tables: TableWidth[]
}

/** Run in the page: waits for fonts, then measures the document and every table. */
export const MEASURE = `(async () => {
  await document.fonts.ready
  const tables = [...document.querySelectorAll('table')].map((t) => ({
    header: (t.rows[0] ? t.rows[0].innerText : '').replace(/\\s+/g, ' ').trim(),
    scrollWidth: t.scrollWidth,
    clientWidth: t.clientWidth
  }))
  const root = document.documentElement
  return { page: Math.max(root.scrollWidth, document.body.scrollWidth), height: root.scrollHeight, tables }
})()`
