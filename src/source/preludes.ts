// Preludes (DESIGN 5): directories of SQL that must run once before the first
// migration on a new database (Supabase projects' initdb/ or seed/ folders). Each
// `.sql` file of each directory, directories in the order given and files in name
// order, is a one-time script: it runs once, in its own transaction with its
// history row, and is never pending, missing or rolled back as a migration is.
//
// A prelude is carried as a Migration (the executor runs it like one) whose
// identity is `prelude:<path in the workspace>`: history keys it apart from every
// migration, so two setups sharing one history table never mistake each other's
// preludes for missing migrations.
import { readdir, realpath, stat } from 'node:fs/promises'
import { relative, resolve, sep } from 'node:path'
import type { HistoryRow } from '../db/history.js'
import { checksum } from './checksum.js'
import { decodeUtf8, readFiles, toPosix } from './files.js'
import { defineLazy } from './lazy.js'
import { stripBom } from './positions.js'
import { parseScriptSync } from './script.js'
import type { Migration, SourceProblem, SourceWarning } from './types.js'

export const PRELUDE_PREFIX = 'prelude:'

export const isPreludeIdentity = (identity: string) => identity.startsWith(PRELUDE_PREFIX)

/** Splits history into migration rows and prelude rows. */
export function splitPreludeRows(rows: HistoryRow[]): { migrations: HistoryRow[]; preludes: HistoryRow[] } {
  return { migrations: rows.filter((r) => !isPreludeIdentity(r.identity)), preludes: rows.filter((r) => isPreludeIdentity(r.identity)) }
}

export interface PreludeDiscovery {
  preludes: Migration[]
  problems: SourceProblem[]
  warnings: SourceWarning[]
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Lists, reads and hashes the preludes; each is parsed on first read of `up`. Problems
 * (then and later, at the parse) join `problems`: pass the discovery's, so a syntax
 * error refuses the run like a migration's.
 */
export async function discoverPreludes(workspace: string, dirs: readonly string[], problems: SourceProblem[] = []): Promise<PreludeDiscovery> {
  const out: PreludeDiscovery = { preludes: [], problems, warnings: [] }
  if (!dirs.length) return out
  const ws = resolve(workspace)
  const wsReal = await realpath(ws).catch(() => ws)
  for (const dir of dirs) {
    const abs = resolve(ws, dir)
    const st = await stat(abs).catch(() => undefined)
    if (!st?.isDirectory()) {
      out.problems.push({
        file: dir,
        code: 'prelude-dir-not-found',
        message: `prelude-dirs: ${dir} ${st ? 'is a file, not a directory' : `does not exist (looked at ${abs})`}`,
        hint: 'set prelude-dirs to directories of .sql files, relative to the repository root'
      })
      continue
    }
    const real = await realpath(abs)
    if (real !== wsReal && !real.startsWith(wsReal + sep)) {
      out.problems.push({ file: dir, code: 'dir-outside-workspace', message: `prelude-dirs: ${dir} resolves to ${real}, outside the workspace ${wsReal}` })
      continue
    }
    const names = (await readdir(abs, { withFileTypes: true }))
      .filter((e) => e.isFile() && e.name.endsWith('.sql'))
      .map((e) => e.name)
      .sort(byName)
    if (!names.length) out.warnings.push({ file: dir, message: `prelude-dirs: ${dir} holds no .sql file` })
    const bufs = readFiles(names.map((n) => resolve(abs, n)))
    names.forEach((name, i) => {
      const file = toPosix(relative(ws, resolve(abs, name)))
      const buf = bufs[i]
      if (buf instanceof Error || buf === undefined) {
        out.problems.push({ file, code: 'unreadable-file', message: `cannot read ${file}: ${buf instanceof Error ? buf.message : 'no content'}` })
        return
      }
      const decoded = decodeUtf8(file, buf)
      if (!decoded.ok) return void out.problems.push(decoded.problem)
      const text = stripBom(decoded.text)
      const m = {
        identity: `${PRELUDE_PREFIX}${file}`,
        version: '',
        name: name.replace(/\.sql$/, ''),
        kind: 'versioned',
        orderKey: { group: 0, parts: [] },
        checksum: checksum(decoded.text),
        file,
        scriptFiles: {},
        convention: 'numbered'
      } as unknown as Migration
      defineLazy(m, 'up', () => {
        const r = parseScriptSync({ file, fileText: text, offset: 0, text, role: 'prelude' })
        // An empty prelude does nothing, and is recorded as run.
        out.problems.push(...r.problems.filter((p) => p.code !== 'empty-migration'))
        return r.script
      })
      out.preludes.push(m)
    })
  }
  return out
}

/** A prelude to run: from its first statement, or (a statement-by-statement file an earlier run stopped) where it stopped. */
export interface PreludeRun {
  migration: Migration
  resumeFrom: number
  resumed?: boolean
}

/** The preludes history does not record as run, in order; and those whose file changed since they ran (they do not run again). */
export function planPreludes(preludes: Migration[], rows: HistoryRow[]): { toRun: PreludeRun[]; ran: Migration[]; changed: Migration[] } {
  const recorded = new Map(rows.map((r) => [r.identity, r]))
  const toRun: PreludeRun[] = []
  const ran: Migration[] = []
  const changed: Migration[] = []
  for (const p of preludes) {
    const row = recorded.get(p.identity)
    if (!row) toRun.push({ migration: p, resumeFrom: 0 })
    else if (row.status === 'partial') toRun.push({ migration: p, resumeFrom: row.statementsDone ?? 0, resumed: true })
    else {
      ran.push(p)
      if (row.checksum !== p.checksum) changed.push(p)
    }
  }
  return { toRun, ran, changed }
}
