// File system side of discovery: find the directory, list candidate files without
// leaving the workspace, and read them as strict UTF-8. Path checks all happen before
// any content is read.
import { isUtf8 } from 'node:buffer'
import type { Dirent } from 'node:fs'
import { readFileSync } from 'node:fs'
import { readdir, realpath, stat } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { DEFAULT_DIRS } from '../settings.js'
import type { SourceProblem } from './types.js'

export const PLAN_FILE = 'pgshift.plan'
/** Callback files, named as Flyway names them: run around migrations, never migrations themselves. */
export const HOOK_FILES = ['beforeMigrate.sql', 'afterEachMigrate.sql', 'afterMigrate.sql', 'afterRollback.sql'] as const
/** Subfolders holding down and verify scripts (`down/X.sql`, Sqitch's `revert/X.sql`, `verify/X.sql`). */
export const ROLE_FOLDERS = ['down', 'revert', 'verify'] as const

export const toPosix = (p: string) => p.split(sep).join('/')

const inside = (child: string, parent: string) => child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep)

export interface Located {
  /** The workspace as given (absolute) and as resolved. */
  workspace: string
  workspaceReal: string
  /** The directory (absolute, as given) and its path relative to the workspace, with `/`. */
  dirAbs: string
  dirRel: string
}

const isMissing = (err: unknown) => ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '')

/** Finds the migrations directory; a problem (never an exception) when it is absent or outside the workspace. */
export async function locateDir(workspaceIn: string, dirIn: string, problems: SourceProblem[]): Promise<Located | undefined> {
  const workspace = resolve(workspaceIn)
  let workspaceReal: string
  try {
    workspaceReal = await realpath(workspace)
  } catch {
    problems.push({ file: workspaceIn, noSuchPath: true, code: 'workspace-not-found', message: `the workspace ${workspace} does not exist`, hint: 'run pgshift from the repository checkout' })
    return undefined
  }
  const tried = dirIn.trim() ? [dirIn.trim()] : [...DEFAULT_DIRS]
  for (const candidate of tried) {
    const dirAbs = resolve(workspace, candidate)
    let st
    try {
      st = await stat(dirAbs)
    } catch (err) {
      if (isMissing(err)) continue
      throw err
    }
    const given = toPosix(relative(workspace, dirAbs))
    if (!st.isDirectory()) {
      problems.push({ file: given, code: 'migrations-dir-not-a-directory', message: `migrations-dir ${given} is a file, not a directory`, hint: 'set the migrations-dir input to the directory that holds the .sql files' })
      return undefined
    }
    const real = await realpath(dirAbs)
    if (!inside(real, workspaceReal)) {
      problems.push({
        file: candidate,
        noSuchPath: true,
        code: 'dir-outside-workspace',
        message: `migrations-dir ${candidate} resolves to ${real}, outside the workspace ${workspaceReal}`,
        hint: 'point migrations-dir at a directory inside the repository'
      })
      return undefined
    }
    const dirRel = given === '' ? '.' : given.startsWith('..') || isAbsolute(given) ? toPosix(relative(workspaceReal, real)) || '.' : given
    return { workspace, workspaceReal, dirAbs, dirRel }
  }
  const path = dirIn.trim() ? resolve(workspace, dirIn.trim()) : workspace
  problems.push({
    file: dirIn.trim() || '.',
    noSuchPath: true,
    code: 'migrations-dir-not-found',
    message: dirIn.trim()
      ? `the migrations directory ${dirIn.trim()} does not exist (looked at ${path}; without migrations-dir pgshift tries ${DEFAULT_DIRS.join(', ')})`
      : `no migrations directory found in ${workspace}: tried ${DEFAULT_DIRS.join(', ')}`,
    hint: 'set the migrations-dir input (CLI: --migrations-dir) to the directory that holds your .sql files, relative to the repository root; in a workflow, check out the repository first (actions/checkout)'
  })
  return undefined
}

export interface ListedFile {
  /** Path inside the migrations directory with `/`: `001_a.sql`, `down/001_a.sql`. */
  rel: string
  abs: string
}

export interface Listing {
  sql: ListedFile[]
  plan?: ListedFile
  /** Callback files (HOOK_FILES) at the top of the directory. */
  hooks: ListedFile[]
  /** Entries that are neither a regular file nor a directory (a FIFO, a socket, a device): never opened, named in a warning. */
  special: { rel: string; what: string }[]
}

/** What a non-regular, non-directory entry is, for the warning. */
function specialKind(e: { isFIFO(): boolean; isSocket(): boolean; isBlockDevice(): boolean; isCharacterDevice(): boolean }): string | undefined {
  if (e.isFIFO()) return 'a FIFO (named pipe)'
  if (e.isSocket()) return 'a socket'
  if (e.isBlockDevice()) return 'a block device'
  if (e.isCharacterDevice()) return 'a character device'
  return undefined
}

/** Lists `.sql` files of the directory and of its down/revert/verify subfolders, and the plan file. */
export async function listFiles(loc: Located, problems: SourceProblem[]): Promise<Listing> {
  const listing: Listing = { sql: [], hooks: [], special: [] }
  const fileRel = (abs: string) => toPosix(relative(loc.workspace, abs))

  /** Resolves a symlink; undefined (with a problem) when it leaves the workspace or dangles. */
  const follow = async (abs: string): Promise<{ isFile: boolean; isDir: boolean } | undefined> => {
    let real: string
    try {
      real = await realpath(abs)
    } catch {
      problems.push({ file: fileRel(abs), code: 'broken-symlink', message: `${fileRel(abs)} is a symbolic link to a file that does not exist`, hint: 'remove the link or restore its target' })
      return undefined
    }
    if (!inside(real, loc.workspaceReal)) {
      problems.push({
        file: fileRel(abs),
        code: 'symlink-outside-workspace',
        message: `${fileRel(abs)} is a symbolic link to ${real}, outside the workspace; pgshift does not read it`,
        hint: 'copy the file into the repository instead of linking to it'
      })
      return undefined
    }
    const st = await stat(real)
    const what = specialKind(st)
    if (what) listing.special.push({ rel: toPosix(relative(loc.dirAbs, abs)), what: `a symbolic link to ${what}` })
    return { isFile: st.isFile(), isDir: st.isDirectory() }
  }

  const kind = async (dir: string, e: Dirent) => {
    const what = specialKind(e)
    if (what) {
      // Reading a FIFO would block the run forever; the other kinds hold no SQL.
      listing.special.push({ rel: toPosix(relative(loc.dirAbs, join(dir, e.name))), what })
      return undefined
    }
    if (!e.isSymbolicLink()) return { isFile: e.isFile(), isDir: e.isDirectory() }
    const isCandidate = /\.sql$/i.test(e.name) || e.name === PLAN_FILE || (ROLE_FOLDERS as readonly string[]).includes(e.name)
    return isCandidate ? follow(join(dir, e.name)) : undefined
  }

  const entries = await readdir(loc.dirAbs, { withFileTypes: true })
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const k = await kind(loc.dirAbs, e)
    if (!k) continue
    const abs = join(loc.dirAbs, e.name)
    if (k.isDir && (ROLE_FOLDERS as readonly string[]).includes(e.name)) {
      const sub = await readdir(abs, { withFileTypes: true })
      for (const f of sub.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        if (!/\.sql$/i.test(f.name)) continue
        const fk = await kind(abs, f)
        if (fk?.isFile) listing.sql.push({ rel: `${e.name}/${f.name}`, abs: join(abs, f.name) })
      }
    } else if (k.isFile && (HOOK_FILES as readonly string[]).includes(e.name)) {
      listing.hooks.push({ rel: e.name, abs })
    } else if (k.isFile && e.name === PLAN_FILE) {
      listing.plan = { rel: e.name, abs }
    } else if (k.isFile && /\.sql$/i.test(e.name)) {
      listing.sql.push({ rel: e.name, abs })
    }
  }
  return listing
}

/** Offset of the first byte that does not start a valid UTF-8 sequence, or -1. */
export function invalidUtf8Offset(b: Uint8Array): number {
  let i = 0
  while (i < b.length) {
    const c = b[i]
    if (c < 0x80) {
      i++
      continue
    }
    let extra: number
    let lo = 0x80
    let hi = 0xbf
    if (c >= 0xc2 && c <= 0xdf) extra = 1
    else if (c >= 0xe0 && c <= 0xef) {
      extra = 2
      if (c === 0xe0) lo = 0xa0
      if (c === 0xed) hi = 0x9f // no UTF-16 surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3
      if (c === 0xf0) lo = 0x90
      if (c === 0xf4) hi = 0x8f
    } else return i
    if (i + extra >= b.length) return i
    if (b[i + 1] < lo || b[i + 1] > hi) return i
    for (let k = 2; k <= extra; k++) if ((b[i + k] & 0xc0) !== 0x80) return i
    i += extra + 1
  }
  return -1
}

export type Decoded = { ok: true; text: string } | { ok: false; problem: SourceProblem }

/** Strict UTF-8 with no NUL byte; the problem names the byte offset. */
export function decodeUtf8(file: string, buf: Buffer): Decoded {
  const nul = buf.indexOf(0)
  if (nul >= 0) {
    return {
      ok: false,
      problem: { file, code: 'nul-byte', message: `${file} holds a NUL byte at byte offset ${nul}; it is not a SQL text file (UTF-16, or binary?)`, hint: 'save the file as UTF-8 text' }
    }
  }
  if (!isUtf8(buf)) {
    const at = invalidUtf8Offset(buf)
    return {
      ok: false,
      problem: {
        file,
        code: 'invalid-utf8',
        message: `${file} is not valid UTF-8: byte 0x${buf[at].toString(16).padStart(2, '0')} at byte offset ${at} (saved as Latin-1 or Windows-1252?)`,
        hint: 'save the file as UTF-8; pgshift reads migrations as UTF-8 only'
      }
    }
  }
  return { ok: true, text: buf.toString('utf8') }
}

/**
 * Reads files one after another with readFileSync: for many small migration files this is
 * several times faster than fs/promises (8-9 ms against 57-81 ms for 2,000 files, see
 * bench/probes/read-files.mjs), and it holds one descriptor at a time.
 */
export function readFiles(paths: string[]): Array<Buffer | Error> {
  return paths.map((p) => {
    try {
      return readFileSync(p)
    } catch (err) {
      return err as Error
    }
  })
}

/**
 * Reads files as text: `decodeUtf8`'s verdict for each, or the read's error. Node decodes
 * UTF-8 in one call (2,000 files: about 24 ms CPU against 35 ms for buffers, and no
 * buffer per file; bench/probes/read-files.mjs), replacing an invalid byte with U+FFFD
 * and keeping a NUL: a text with either is read again as bytes and judged strictly by
 * decodeUtf8, which names the byte offset. So the verdict is decodeUtf8's for every file.
 */
export function readTexts(files: ReadonlyArray<{ file: string; abs: string }>): Array<Decoded | Error> {
  return files.map(({ file, abs }) => {
    try {
      const text = readFileSync(abs, 'utf8')
      return text.includes('\uFFFD') || text.includes('\0') ? decodeUtf8(file, readFileSync(abs)) : { ok: true as const, text }
    } catch (err) {
      return err as Error
    }
  })
}
