// dbmate and goose keep up and down in one file, split by marker comment lines:
//   dbmate: `-- migrate:up [transaction:false]`, `-- migrate:down`, (ours) `-- migrate:verify`
//   goose:  `-- +goose Up`, `-- +goose Down` (`StatementBegin/End` are plain comments to us,
//           since the real parser finds the statement boundaries).
// Both tools find markers line by line, so we do too; this is not SQL splitting.
// A section starts at its marker line (the marker is a comment, so the parser skips it
// and a `transaction:false` on it is seen as a directive) and runs to the next marker.
import { lineMapFor } from './positions.js'
import type { FilePosition, ScriptSource, SourceProblem } from './types.js'

export type SectionStyle = 'dbmate' | 'goose'
export type Direction = 'up' | 'down' | 'verify'

export interface Sections {
  /** Undefined when the file holds no marker: the whole file is the up script. */
  style?: SectionStyle
  up?: ScriptSource
  down?: ScriptSource
  verify?: ScriptSource
  /** Text before the first marker; it must hold no SQL (discovery checks). */
  preamble?: ScriptSource
  /** A goose `-- +goose NO TRANSACTION` anywhere in the file: it applies to every section. */
  noTransaction?: { what: string; position: FilePosition }
  problems: SourceProblem[]
}

const MARKER = /^[ \t]*--[ \t]*(?:migrate:(up|down|verify)\b|\+goose[ \t]+(up|down)\b)/gim
const GOOSE_NO_TX = /^[ \t]*--[ \t]*\+goose[ \t]+no[ \t]+transaction\b/im
/** Cheap test: does this text hold any section marker? */
export const hasSectionMarkers = (text: string): boolean => new RegExp(MARKER.source, 'im').test(text)
/** Which tool's markers a text holds, if any. */
export function markerStyle(text: string): SectionStyle | undefined {
  const m = new RegExp(MARKER.source, 'im').exec(text)
  return m ? (m[1] ? 'dbmate' : 'goose') : undefined
}

interface Marker {
  style: SectionStyle
  direction: Direction
  /** Start of the marker's line. */
  lineStart: number
  /** Start of `--`. */
  at: number
  label: string
}

export function splitSections(file: string, fileText: string): Sections {
  const markers: Marker[] = []
  for (const m of fileText.matchAll(MARKER)) {
    const style: SectionStyle = m[1] ? 'dbmate' : 'goose'
    const direction = (m[1] ?? m[2]).toLowerCase() as Direction
    const lead = m[0].length - m[0].trimStart().length
    markers.push({ style, direction, lineStart: m.index, at: m.index + lead, label: m[0].trim() })
  }
  const problems: SourceProblem[] = []
  // Built only when a position is needed: most files hold no marker at all.
  let map: ReturnType<typeof lineMapFor> | undefined
  const lines = { position: (at: number) => (map ??= lineMapFor(fileText)).position(at) }
  const noTx = GOOSE_NO_TX.exec(fileText)
  const result: Sections = { problems }
  if (noTx) {
    const at = noTx.index + (noTx[0].length - noTx[0].trimStart().length)
    result.noTransaction = { what: 'directive -- +goose NO TRANSACTION', position: lines.position(at) }
  }
  if (markers.length === 0) return result

  const styles = new Set(markers.map((m) => m.style))
  result.style = markers[0].style
  if (styles.size > 1) {
    problems.push({
      file,
      position: lines.position(markers.find((m) => m.style !== markers[0].style)!.at),
      code: 'mixed-section-markers',
      message: 'the file mixes dbmate (-- migrate:up) and goose (-- +goose Up) section markers',
      hint: 'use one tool’s markers in a file'
    })
  }
  result.preamble = { file, fileText, offset: 0, text: fileText.slice(0, markers[0].lineStart) }
  markers.forEach((m, i) => {
    const end = i + 1 < markers.length ? markers[i + 1].lineStart : fileText.length
    const source: ScriptSource = { file, fileText, offset: m.lineStart, text: fileText.slice(m.lineStart, end), role: m.direction }
    if (result[m.direction]) {
      const first = markers.find((x) => x.direction === m.direction)!
      const pos = lines.position(first.at)
      problems.push({
        file,
        position: lines.position(m.at),
        code: 'duplicate-section',
        message: `a second "${m.label}" section; the first is at line ${pos.line}`,
        hint: 'keep one up and one down section per file; split the rest into their own migration files'
      })
      return
    }
    result[m.direction] = source
  })
  if (!result.up) {
    const style = result.style
    problems.push({
      file,
      position: lines.position(markers[0].at),
      code: 'missing-up-section',
      message: `the file has "${markers[0].label}" but no ${style === 'goose' ? '-- +goose Up' : '-- migrate:up'} section`,
      hint: `add the ${style === 'goose' ? '-- +goose Up' : '-- migrate:up'} line above the migration's SQL`
    })
  }
  return result
}
