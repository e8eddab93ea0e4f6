// The PR's own migrations (issue 15, DESIGN "The PR's own migrations"): the
// workspace's migrations split into the base's (phase 1) and the PR's (phase 2),
// and what a PR can get wrong about history, caught before merge: it edits,
// deletes or renames a base migration, adds one that sorts before the base's
// newest, or reuses a base version. Pure: the base comes in as data, from git
// (source/git-base.ts) or from the PR files API (action/pr-files.ts).
import { basename } from 'node:path'
import { parseFileName } from '../source/conventions.js'
import { compareMigrationOrder } from '../source/order.js'
import type { Migration, SourceProblem, SourceWarning } from '../source/types.js'
import type { RunReport } from './report.js'

/** One file of the PR files API (GET /repos/{o}/{r}/pulls/{n}/files), workspace-relative. */
export interface PrFileChange {
  path: string
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged'
  previousPath?: string
  additions: number
  deletions: number
}

/** The base as the engine receives it. */
export type BaseFiles =
  | {
      kind: 'git'
      sha: string
      /** How it was read, for the report: `git (base in the clone)`, `git (fetched ...)`. */
      how: string
      /** The base's migrations, discovered from the base tree. */
      migrations: Migration[]
      /** Lines added and removed per path, base -> working tree. */
      numstat: Map<string, { added: number; removed: number }>
    }
  | {
      kind: 'api'
      sha: string
      how: string
      /** The PR's changed files (every page), workspace-relative. */
      changed: PrFileChange[]
    }

export interface PrSplit {
  sha: string
  how: string
  /** Phase 1: the base's migrations, as they are in the base, in run order. */
  base: Migration[]
  /** Phase 2: the PR's own migrations, in run order. */
  pr: Migration[]
  /** Identities of the base's migrations (those in the workspace and those the PR deleted). */
  baseIds: Set<string>
  /** The base's newest versioned migration. */
  newestBase?: string
}

export interface SplitOptions {
  allowDrift: boolean
  allowOutOfOrder: boolean
}

const stat = (s?: { added: number; removed: number }) => (s ? ` (${s.added} line${s.added === 1 ? '' : 's'} added, ${s.removed} removed)` : '')

/** A name for `m` that sorts after `newest`: the next number, or now as a timestamp of the same shape. */
export function suggestName(m: Migration, newest: Migration, now = new Date()): string | undefined {
  const file = basename(m.file)
  const v = newest.version
  if (!/^\d+$/.test(v) || !m.version || !file.includes(m.version)) return undefined
  let next: string
  if (v.length >= 12) {
    // A timestamp (Supabase, dbmate, goose): now, if that sorts after the newest; else newest + 1.
    const stamp = now.toISOString().replace(/\D/g, '').slice(0, v.length)
    next = BigInt(stamp) > BigInt(v) ? stamp : (BigInt(v) + 1n).toString().padStart(v.length, '0')
  } else {
    next = (BigInt(v) + 1n).toString().padStart(Math.max(v.length, m.version.length), '0')
  }
  return file.replace(m.version, next)
}

/** Splits `head` (the workspace's migrations) against the base. */
export function splitPr(head: Migration[], base: BaseFiles, opts: SplitOptions): { split: PrSplit; problems: SourceProblem[]; warnings: SourceWarning[] } {
  const problems: SourceProblem[] = []
  const warnings: SourceWarning[] = []
  const baseVersions: Migration[] = []
  const pr: Migration[] = []
  const baseIds = new Set<string>()
  let phase1: Migration[]
  /** Base migrations the PR deleted, as identity and file. */
  const deleted: { identity: string; file: string; checksum?: string }[] = []
  const edited: { m: Migration; stat?: { added: number; removed: number } }[] = []

  if (base.kind === 'git') {
    const inBase = new Map(base.migrations.map((m) => [m.identity, m]))
    const inHead = new Set(head.map((m) => m.identity))
    phase1 = []
    for (const m of head) {
      const b = inBase.get(m.identity)
      if (!b) pr.push(m)
      else {
        baseIds.add(m.identity)
        // Phase 1 runs the base's own text: what production has (or will have) applied.
        phase1.push(b.checksum === m.checksum ? m : b)
        if (b.checksum !== m.checksum) edited.push({ m, stat: base.numstat.get(m.file) })
      }
    }
    for (const b of base.migrations) {
      baseVersions.push(b)
      if (!inHead.has(b.identity)) {
        baseIds.add(b.identity)
        deleted.push({ identity: b.identity, file: b.file, checksum: b.checksum })
      }
    }
  } else {
    const byPath = new Map(base.changed.map((c) => [c.path, c]))
    phase1 = []
    for (const m of head) {
      const c = byPath.get(m.file)
      if (c && (c.status === 'added' || c.status === 'copied' || (c.status === 'renamed' && c.previousPath === undefined))) pr.push(m)
      else if (c?.status === 'renamed') {
        pr.push(m)
        const from = parseFileName(basename(c.previousPath as string)).identity
        deleted.push({ identity: from, file: c.previousPath as string, checksum: c.additions === 0 && c.deletions === 0 ? m.checksum : undefined })
      } else {
        baseIds.add(m.identity)
        phase1.push(m)
        baseVersions.push(m)
        if (c && (c.status === 'modified' || c.status === 'changed')) edited.push({ m, stat: { added: c.additions, removed: c.deletions } })
      }
    }
    for (const c of base.changed) {
      if (c.status !== 'removed') continue
      const info = parseFileName(basename(c.path))
      // Only up files: a deleted down script is the PR's business.
      if (info.role !== 'up' || !info.scheme) continue
      baseIds.add(info.identity)
      deleted.push({ identity: info.identity, file: c.path })
    }
  }

  // 1. Edits of a migration the base has (production has applied it, or will at the next deploy).
  for (const { m, stat: s } of edited) {
    const message = `${m.file} edits ${m.identity}, a migration that already exists on the base branch${stat(s)}: production has applied it (or will at the next deploy), so the edit would never run there and history would disagree with the file.`
    const hint = `revert the edit and put the change in a new migration; only if the edit changes nothing the database sees (a comment, whitespace), accept it with allow-drift: true`
    if (opts.allowDrift) warnings.push({ file: m.file, message: `${message} Accepted by allow-drift: the PR check applies the base's version.` })
    else problems.push({ file: m.file, code: 'pr-edits-base-migration', message, hint })
  }

  // 2. Deletions and renames.
  const prByChecksum = new Map(pr.map((m) => [m.checksum, m]))
  const renamedTo = new Set<string>()
  for (const d of deleted) {
    const to = d.checksum ? prByChecksum.get(d.checksum) : undefined
    if (to) {
      renamedTo.add(to.identity)
      problems.push({
        file: to.file,
        code: 'pr-renames-base-migration',
        message: `${to.file} renames ${d.file}, a migration that exists on the base branch: history records it as ${d.identity}, so after the merge it counts as missing and ${to.identity} as a new migration that runs it again.`,
        hint: `keep the name ${basename(d.file)}`
      })
    } else {
      problems.push({
        file: d.file,
        code: 'pr-deletes-base-migration',
        message: `this PR deletes ${d.file} (${d.identity}), a migration that exists on the base branch: history still records it, so deploys refuse the missing file.`,
        hint: `restore ${d.file}; to undo what it did, add a new migration. If the base branch gained it after this branch was made, merge the base branch into this one (on pull_request, actions/checkout checks out the merge commit, which has it)`
      })
    }
  }

  // 3. Versions the base already uses, and PR migrations that sort before the base's newest.
  const versioned = baseVersions.filter((m) => m.kind === 'versioned')
  const newest = versioned.reduce<Migration | undefined>((a, m) => (!a || compareMigrationOrder(m, a) > 0 ? m : a), undefined)
  const byVersion = new Map(versioned.filter((m) => m.version !== '').map((m) => [m.version, m]))
  for (const m of pr) {
    if (m.kind !== 'versioned' || renamedTo.has(m.identity)) continue
    const same = m.version !== '' ? byVersion.get(m.version) : undefined
    if (same && same.identity !== m.identity) {
      const name = newest ? suggestName(m, newest) : undefined
      problems.push({
        file: m.file,
        code: 'pr-version-collision',
        message: `${m.file} has version ${m.version}, which ${same.file} on the base branch already has: history is keyed on the version (the Supabase CLI, Flyway), so one of the two would never run.`,
        hint: `give it a version after the base's newest (${newest?.identity ?? same.identity})${name ? `, e.g. rename it to ${name}` : ''}`
      })
      continue
    }
    if (newest && compareMigrationOrder(m, newest) < 0) {
      const name = suggestName(m, newest)
      const message = `${m.file} sorts before ${newest.identity}, the newest migration of the base branch: after the merge it would run out of order, and deploys refuse it unless allow-out-of-order is set.`
      const hint = `rename it to sort after ${newest.identity}${name ? `, e.g. ${name}` : ''}`
      if (opts.allowOutOfOrder) warnings.push({ file: m.file, message: `${message} Accepted by allow-out-of-order.` })
      else problems.push({ file: m.file, code: 'pr-migration-out-of-order', message, hint })
    }
  }

  return { split: { sha: base.sha, how: base.how, base: phase1, pr, baseIds, newestBase: newest?.identity }, problems, warnings }
}

/** Marks each migration of the report with its origin (the plan rebuilds the rows, so a mode marks them again). */
export function markOrigins(report: RunReport, pr: PrSplit): void {
  const prIds = new Set(pr.pr.map((m) => m.identity))
  for (const m of report.migrations) m.origin = prIds.has(m.identity) ? 'pr' : 'base'
}
