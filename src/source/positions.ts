// Offsets and positions. Three units meet here and must never be confused:
// - JS string indexes (UTF-16 code units): how we slice text;
// - UTF-8 byte offsets: what libpg-query reports for statement locations;
// - code points ("characters"): what Postgres counts in an error `position`, in
//   a parser cursor, and what our columns count.
// Everything is linear or amortised linear: the engine may handle 50 MB files.
import type { FilePosition } from './types.js'

const BOM = 0xfeff

export function stripBom(text: string): string {
  return text.charCodeAt(0) === BOM ? text.slice(1) : text
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff

/** Code points in `text[from, to)`; a surrogate pair counts once. */
export function countCodePoints(text: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i)
    if (isLow(c) && i > from && isHigh(text.charCodeAt(i - 1))) continue
    n++
  }
  return n
}

/** The JS index reached after advancing `n` code points from `start` (clamped to the text's end). */
export function advanceCodePoints(text: string, start: number, n: number): number {
  let i = start
  for (let k = 0; k < n && i < text.length; k++) {
    i += isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1)) ? 2 : 1
  }
  return Math.min(i, text.length)
}

/**
 * Converts UTF-8 byte offsets into JS indexes. Successive calls with growing offsets
 * continue from the previous one, so converting every statement of a file is linear.
 * ASCII text (the common case) converts in O(1).
 */
export class ByteCursor {
  private readonly text: string
  private readonly ascii: boolean
  private byte = 0
  private index = 0

  constructor(text: string) {
    this.text = text
    this.ascii = Buffer.byteLength(text, 'utf8') === text.length
  }

  toIndex(byteOffset: number): number {
    if (byteOffset <= 0) return 0
    if (this.ascii) return Math.min(byteOffset, this.text.length)
    if (byteOffset < this.byte) {
      this.byte = 0
      this.index = 0
    }
    const t = this.text
    let byte = this.byte
    let i = this.index
    while (byte < byteOffset && i < t.length) {
      const c = t.charCodeAt(i)
      if (c < 0x80) {
        byte += 1
        i += 1
      } else if (c < 0x800) {
        byte += 2
        i += 1
      } else if (isHigh(c) && isLow(t.charCodeAt(i + 1))) {
        byte += 4 // a surrogate pair: one 4-byte code point
        i += 2
      } else {
        byte += 3
        i += 1
      }
    }
    this.byte = byte
    this.index = i
    return i
  }
}

/** The JS index of UTF-8 byte `byteOffset` in `text` (one conversion; use ByteCursor for many). */
export function byteOffsetToIndex(text: string, byteOffset: number): number {
  return new ByteCursor(text).toIndex(byteOffset)
}

/**
 * Line starts of a text, computed once. `\r\n`, a lone `\r` and `\n` each end a line.
 * Columns are 1-based code points from the line start. Queries in increasing order on
 * one line reuse the previous count, so a long one-line file stays linear.
 */
export class LineMap {
  readonly text: string
  private readonly starts: number[] = [0]
  private last = { index: 0, line: 0, col: 1 }

  constructor(text: string) {
    this.text = text
    const t = text
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i)
      if (c === 10) this.starts.push(i + 1)
      else if (c === 13) {
        if (t.charCodeAt(i + 1) === 10) i++
        this.starts.push(i + 1)
      }
    }
  }

  get lineCount(): number {
    return this.starts.length
  }

  /** 0-based line number holding `index`. */
  private lineOf(index: number): number {
    let lo = 0
    let hi = this.starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.starts[mid] <= index) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  /** JS index where 1-based `line` starts. */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))]
  }

  position(index: number): FilePosition {
    const i = Math.max(0, Math.min(index, this.text.length))
    const line = this.lineOf(i)
    const start = this.starts[line]
    let col: number
    if (this.last.line === line && this.last.index <= i && this.last.index >= start) {
      col = this.last.col + countCodePoints(this.text, this.last.index, i)
    } else {
      col = 1 + countCodePoints(this.text, start, i)
    }
    this.last = { index: i, line, col }
    return { line: line + 1, col }
  }
}

// One cached map: callers usually ask many positions of the same file in a row.
let cached: LineMap | undefined

/** The LineMap of `text`, reused while the same text is asked for. */
export function lineMapFor(text: string): LineMap {
  if (!cached || cached.text !== text) cached = new LineMap(text)
  return cached
}

/** 1-based line and column (in code points) of JS index `index` in `fileText`. */
export function lineColAt(fileText: string, index: number): FilePosition {
  return lineMapFor(fileText).position(index)
}

/**
 * Maps a Postgres error `position` (1-based, in characters of the query string that was
 * sent) to the file. `sentText` is what was sent and `sentStart` is where it starts in
 * `fileText`; it must be a same-length copy of the file's text there (a `sendText`, or
 * a statement's `sql`).
 */
export function mapQueryPosition(fileText: string, sentText: string, sentStart: number, pgPosition: number): FilePosition {
  const index = sentStart + advanceCodePoints(sentText, 0, Math.max(0, pgPosition - 1))
  return lineColAt(fileText, index)
}

/** `file:line:col`, the form editors and annotations understand. */
export function formatPosition(file: string, pos?: FilePosition): string {
  return pos ? `${file}:${pos.line}:${pos.col}` : file
}
