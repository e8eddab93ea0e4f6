// The source module's public face: discovery, script parsing, positions, checksums.
export { discover, parsePlan, type DiscoverOptions } from './discover.js'
export { parseScript, parseScriptSync, blank, type ParseScriptOptions, type ScriptResult } from './script.js'
export { ensureParser, parseSql, scanSql, type ParseOutcome, type RawStatement, type ScanToken } from './parser.js'
export { checksum, normaliseForChecksum } from './checksum.js'
export {
  stripBom,
  lineColAt,
  advanceCodePoints,
  byteOffsetToIndex,
  countCodePoints,
  mapQueryPosition,
  formatPosition,
  LineMap,
  ByteCursor
} from './positions.js'
export { compareOrderKeys, compareMigrationOrder, compareDigits } from './order.js'
export { parseFileName, parseScheme, detectConvention, fits, EXPECTED_NAMES, type NameInfo, type Scheme, type Shape, type Role } from './conventions.js'
export { splitSections, type Sections } from './sections.js'
export { classify, statementLabel } from './classify.js'
export { PLAN_FILE } from './files.js'
export type * from './types.js'
