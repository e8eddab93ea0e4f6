// File names -> what a file is (up, down or verify script of which migration) and
// where it sorts. One name parser serves every convention; a convention then only
// decides which shapes it accepts (see `fits`).
import { dateKey, flywayKey, flywayParts, numberKey, repeatableKey } from './order.js'
import type { Convention, MigrationKind, OrderKey } from './types.js'

export type Shape = 'timestamp' | 'date' | 'dashed-date' | 'number' | 'flyway-versioned' | 'flyway-repeatable' | 'flyway-undo'
export type Role = 'up' | 'down' | 'verify'

export interface Scheme {
  shape: Shape
  /** As written: `004`, `20250115000000`, `2025-09-08`, `1.2`; '' for repeatables. */
  version: string
  name: string
  kind: MigrationKind
  orderKey: OrderKey
  /** The version normalised for comparison (pairs flyway U with V, finds duplicate versions). */
  versionKey: string
}

export interface NameInfo {
  /** Path inside the migrations directory, forward slashes: `001_a.sql`, `down/001_a.sql`. */
  path: string
  role: Role
  /** How the role was recognised, e.g. `.down.sql`, `_rollback.sql`, `down/`, `U prefix`. */
  roleMarker?: string
  /** golang-migrate's `.up.sql`. */
  upSuffix: boolean
  /** The identity of the up migration this file is or belongs to: the name without `.sql`, `.up`, `.down`... */
  identity: string
  /** Undefined when the name fits no scheme. */
  scheme?: Scheme
}

export const DATE_SHAPES: ReadonlySet<Shape> = new Set<Shape>(['timestamp', 'date', 'dashed-date'])
export const FLYWAY_SHAPES: ReadonlySet<Shape> = new Set<Shape>(['flyway-versioned', 'flyway-repeatable', 'flyway-undo'])

const DOWN_FOLDERS: Record<string, Role> = { down: 'down', revert: 'down', verify: 'verify' }
const ROLE_SUFFIXES: Array<[RegExp, Role, string]> = [
  [/\.up$/i, 'up', '.up.sql'],
  [/\.down$/i, 'down', '.down.sql'],
  [/\.rollback$/i, 'down', '.rollback.sql'],
  [/_rollback$/i, 'down', '_rollback.sql'],
  [/\.verify$/i, 'verify', '.verify.sql']
]

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1000 || m < 1 || m > 12 || d < 1) return false
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate()
}

/** The 8, 12 or 14 digits (YYYYMMDD[hhmm[ss]]) as a calendar date and time, when they are one. */
function dateShape(digits: string): Shape | undefined {
  const n = (a: number, b: number) => Number(digits.slice(a, b))
  if (digits.length !== 8 && digits.length !== 12 && digits.length !== 14) return undefined
  if (!validDate(n(0, 4), n(4, 6), n(6, 8))) return undefined
  if (digits.length === 8) return 'date'
  const seconds = digits.length === 14 ? n(12, 14) : 0
  return n(8, 10) < 24 && n(10, 12) < 60 && seconds < 60 ? 'timestamp' : undefined
}

/** Recognises the scheme of a base name (no folder, no `.sql`, no role suffix). */
export function parseScheme(stem: string): Scheme | undefined {
  let m = /^V(\d+(?:[._]\d+)*)__(.+)$/.exec(stem)
  if (m) return { shape: 'flyway-versioned', version: m[1], name: m[2], kind: 'versioned', orderKey: flywayKey(m[1]), versionKey: flywayParts(m[1]).join('.') }
  m = /^U(\d+(?:[._]\d+)*)__(.+)$/.exec(stem)
  if (m) return { shape: 'flyway-undo', version: m[1], name: m[2], kind: 'versioned', orderKey: flywayKey(m[1]), versionKey: flywayParts(m[1]).join('.') }
  m = /^R__(.+)$/.exec(stem)
  if (m) return { shape: 'flyway-repeatable', version: '', name: m[1], kind: 'repeatable', orderKey: repeatableKey(), versionKey: '' }
  m = /^(\d{4})-(\d{2})-(\d{2})_(.+)$/.exec(stem)
  if (m && validDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    const version = `${m[1]}-${m[2]}-${m[3]}`
    const key = dateKey(version)
    return { shape: 'dashed-date', version, name: m[4], kind: 'versioned', orderKey: key, versionKey: key.parts[0] }
  }
  m = /^(\d+)_(.+)$/.exec(stem)
  if (m) {
    const shape = dateShape(m[1])
    const key = shape ? dateKey(m[1]) : numberKey(m[1])
    return { shape: shape ?? 'number', version: m[1], name: m[2], kind: 'versioned', orderKey: key, versionKey: key.parts[0] }
  }
  return undefined
}

/** What a file in the migrations directory is, from its path alone. */
export function parseFileName(path: string): NameInfo {
  const slash = path.lastIndexOf('/')
  const folder = slash >= 0 ? path.slice(0, slash) : ''
  let stem = path.slice(slash + 1).replace(/\.sql$/i, '')
  let role: Role = 'up'
  let roleMarker: string | undefined
  let upSuffix = false
  if (folder && DOWN_FOLDERS[folder]) {
    role = DOWN_FOLDERS[folder]
    roleMarker = `${folder}/`
  } else {
    for (const [re, r, marker] of ROLE_SUFFIXES) {
      if (re.test(stem)) {
        stem = stem.replace(re, '')
        role = r
        roleMarker = marker
        upSuffix = r === 'up'
        break
      }
    }
  }
  const scheme = parseScheme(stem)
  if (scheme?.shape === 'flyway-undo') {
    role = 'down'
    roleMarker ??= 'U prefix'
  }
  return { path, role, roleMarker, upSuffix, identity: stem, scheme }
}

/** The file names a convention expects, for messages. */
export const EXPECTED_NAMES: Record<Convention, string> = {
  supabase: 'YYYYMMDDhhmmss_name.sql (or YYYYMMDD_name.sql, YYYY-MM-DD_name.sql)',
  dated: 'YYYYMMDDhhmmss_name.sql, YYYYMMDD_name.sql or YYYY-MM-DD_name.sql',
  numbered: '001_name.sql (any number of digits, then _name)',
  flyway: 'V<version>__name.sql, R__name.sql, or U<version>__name.sql for an undo',
  'golang-migrate': 'N_name.up.sql with N_name.down.sql',
  dbmate: 'N_name.sql with -- migrate:up / -- migrate:down sections',
  goose: 'N_name.sql with -- +goose Up / -- +goose Down sections'
}

/** Does an up file's name fit the convention? `auto` accepts every non-Flyway shape next to each other. */
export function fits(info: NameInfo, convention: Convention, auto: boolean): boolean {
  const shape = info.scheme?.shape
  if (!shape) return false
  if (convention === 'flyway') return FLYWAY_SHAPES.has(shape)
  if (FLYWAY_SHAPES.has(shape)) return false
  if (auto) return true
  switch (convention) {
    case 'dated':
      return DATE_SHAPES.has(shape)
    case 'numbered':
    case 'dbmate':
    case 'goose':
      return shape !== 'dashed-date'
    case 'golang-migrate':
      return shape !== 'dashed-date' && info.upSuffix
    case 'supabase':
      return true
  }
}

export interface Detection {
  convention: Convention
  note: string
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/**
 * How `auto` decides: the directory `supabase/migrations` means Supabase; otherwise the
 * files tell (Flyway or golang-migrate names when they are the majority, dbmate/goose
 * markers in contents, date-shaped prefixes, else numbers).
 */
export function detectConvention(dir: string, ups: NameInfo[], markers: { dbmate: number; goose: number }): Detection {
  const schemed = ups.filter((u) => u.scheme && u.role === 'up')
  const total = schemed.length
  const count = (p: (u: NameInfo) => boolean) => schemed.filter(p).length
  const flyway = count((u) => FLYWAY_SHAPES.has(u.scheme!.shape))
  const golang = count((u) => u.upSuffix)
  const dated = count((u) => DATE_SHAPES.has(u.scheme!.shape))
  const numbered = count((u) => u.scheme!.shape === 'number')
  if (/(^|\/)supabase\/migrations\/?$/.test(dir)) {
    return { convention: 'supabase', note: `auto: detected supabase (directory supabase/migrations, ${plural(total, 'migration file')})` }
  }
  if (total === 0) return { convention: 'numbered', note: 'auto: no migration files found; assuming numbered (001_name.sql)' }
  if (flyway * 2 > total) {
    return { convention: 'flyway', note: `auto: detected flyway (${plural(flyway, 'file')} named V<version>__name.sql / R__name.sql)` }
  }
  if (golang * 2 > total) {
    return { convention: 'golang-migrate', note: `auto: detected golang-migrate (${plural(golang, 'file')} named N_name.up.sql)` }
  }
  if (markers.dbmate > 0 && markers.dbmate >= markers.goose) {
    return { convention: 'dbmate', note: `auto: detected dbmate (${plural(markers.dbmate, 'file')} with -- migrate:up sections)` }
  }
  if (markers.goose > 0) {
    return { convention: 'goose', note: `auto: detected goose (${plural(markers.goose, 'file')} with -- +goose Up sections)` }
  }
  if (dated > 0 && dated >= numbered) {
    return { convention: 'dated', note: `auto: detected dated (${plural(dated, 'file')} named YYYYMMDD[hhmmss]_name.sql / YYYY-MM-DD_name.sql)` }
  }
  return { convention: 'numbered', note: `auto: detected numbered (${plural(numbered, 'file')} named 001_name.sql)` }
}
