// Files x history -> what is applied, pending, drifted, missing or out of order.
// Pure: no I/O, so every case is a unit test.
import type { HistoryRow } from '../db/history.js'
import { isSettled } from '../source/lazy.js'
import type { Migration } from '../source/types.js'
import { createHash } from 'node:crypto'
import type { MigrationResult, PlanSummary } from './report.js'
import { serverWideChanges } from '../lint/server-wide.js'

export interface PlanOptions {
  allowOutOfOrder: boolean
  allowDrift: boolean
  allowMissing: boolean
}

/** A migration the run will execute, and from which statement (a partial file resumes). */
export interface PlannedRun {
  migration: Migration
  resumeFrom: number
  /** True when history holds a 'partial' row for it: an earlier run started it. */
  resumed?: boolean
}

export interface Plan {
  summary: PlanSummary
  /** One row per file in run order, then one per history row without a file. */
  results: MigrationResult[]
  /** What apply runs, in order (empty when refused). */
  toRun: PlannedRun[]
}

/** Hash of the first `n` statements' text: proves a partial file's done part is unchanged. */
export function doneHash(m: Migration, n: number): string {
  const h = createHash('sha256')
  for (const s of m.up.statements.slice(0, n)) h.update(s.sql).update('\0')
  return h.digest('hex')
}

/**
 * What the files say about `m`. A file discovery has not parsed (an applied one, see
 * discover's lazy parse) is not parsed here: its statement count comes from `row`.
 */
export function baseResult(m: Migration, row?: HistoryRow): MigrationResult {
  const base = {
    identity: m.identity,
    file: m.file,
    version: m.version,
    name: m.name,
    kind: m.kind,
    status: 'pending' as const
  }
  if (!isSettled(m, 'up')) return { ...base, statements: row?.statements, hasDown: m.scriptFiles.down !== undefined }
  return {
    ...base,
    statements: m.up.statements.filter((s) => !s.strippedWrapper).length,
    runMode: m.up.runMode,
    nonTransactionalReasons: m.up.nonTransactionalReasons.length
      ? m.up.nonTransactionalReasons.map((r) => `${r.what} (line ${r.position.line})`)
      : undefined,
    hasDown: isSettled(m, 'down') ? Boolean(m.down) : m.scriptFiles.down !== undefined,
    serverWide: serverWideLines(m)
  }
}

/** The up's statements that change the server, with their lines; undefined when none (the kind is checked before any tree is read). */
function serverWideLines(m: Migration): string[] | undefined {
  const found = m.up.statements.flatMap((s) => (s.strippedWrapper ? [] : serverWideChanges(s).map((c) => `${c.what} (line ${s.position.line + (c.lineOffset ?? 0)})`)))
  return found.length ? found : undefined
}

export function plan(migrations: Migration[], history: HistoryRow[], opts: PlanOptions): Plan {
  const byIdentity = new Map(history.map((r) => [r.identity, r]))
  const files = new Set(migrations.map((m) => m.identity))
  const summary: PlanSummary = { pending: [], applied: [], drifted: [], missing: [], outOfOrder: [], changedRepeatables: [], partial: [], refusals: [] }
  const results: MigrationResult[] = []
  const toRun: PlannedRun[] = []

  // The newest applied versioned file, by run order: anything pending before it is out of order.
  let lastAppliedIndex = -1
  migrations.forEach((m, i) => {
    if (m.kind === 'versioned' && byIdentity.has(m.identity)) lastAppliedIndex = i
  })

  const missingRows = history.filter((r) => !files.has(r.identity))
  const missingByChecksum = new Map(missingRows.map((r) => [r.checksum, r]))
  const partialRefusals: string[] = []

  migrations.forEach((m, i) => {
    const row = byIdentity.get(m.identity)
    const r = baseResult(m, row)
    if (row?.status === 'partial') {
      const done = row.statementsDone ?? 0
      r.status = 'partial'
      r.statementsDone = done
      summary.partial.push(m.identity)
      if (row.doneHash && row.doneHash !== doneHash(m, done)) {
        partialRefusals.push(
          `${m.identity} stopped after statement ${done} in an earlier run, and the statements before that point have changed since: pgshift cannot tell what to resume. Restore those statements, or finish the file by hand and delete its row from history.`
        )
      } else {
        r.note = done ? `resumes at statement ${done + 1} of ${r.statements} (statements 1-${done} committed in an earlier run)` : `an earlier run started it and stopped before any statement was recorded; it runs again from statement 1`
        toRun.push({ migration: m, resumeFrom: done, resumed: true })
      }
    } else if (row) {
      r.appliedAt = row.appliedAt
      if (row.checksum === m.checksum) {
        r.status = 'already-applied'
        summary.applied.push(m.identity)
      } else if (m.kind === 'repeatable') {
        r.status = 'changed'
        summary.changedRepeatables.push(m.identity)
        toRun.push({ migration: m, resumeFrom: 0 })
      } else {
        r.status = 'drifted'
        r.note = `checksum in history ${row.checksum.slice(0, 12)}…, file now ${m.checksum.slice(0, 12)}…`
        if (opts.allowDrift) {
          r.accepted = 'allow-drift'
          r.note += '; accepted by allow-drift, not run again'
        }
        summary.drifted.push(m.identity)
      }
    } else {
      const renamedFrom = missingByChecksum.get(m.checksum)
      if (renamedFrom) r.note = `same content as ${renamedFrom.identity} in history: renamed?`
      if (m.kind === 'versioned' && i < lastAppliedIndex) {
        r.status = 'out-of-order'
        summary.outOfOrder.push(m.identity)
        if (opts.allowOutOfOrder) {
          toRun.push({ migration: m, resumeFrom: 0 })
          r.accepted = 'allow-out-of-order'
          const newest = migrations[lastAppliedIndex]?.identity
          r.note = [r.note, `sorts before ${newest}, the newest applied migration; accepted by allow-out-of-order`].filter(Boolean).join('; ')
        }
      } else {
        summary.pending.push(m.identity)
        toRun.push({ migration: m, resumeFrom: 0 })
      }
    }
    results.push(r)
  })

  for (const row of missingRows) {
    summary.missing.push(row.identity)
    const renamedTo = migrations.find((m) => m.checksum === row.checksum && !byIdentity.has(m.identity))
    results.push({
      identity: row.identity,
      file: row.script,
      version: row.version,
      name: row.name,
      kind: row.kind,
      status: 'missing',
      statements: row.statements,
      runMode: 'transaction',
      hasDown: false,
      appliedAt: row.appliedAt,
      note: renamedTo ? `renamed to ${renamedTo.identity}?` : undefined
    })
  }

  const list = (ids: string[]) => ids.join(', ')
  if (summary.drifted.length && !opts.allowDrift) {
    summary.refusals.push(
      `Applied migrations were edited since they ran: ${list(summary.drifted)}. Revert the edits and put the change in a new migration, or set allow-drift: true to accept them as they are.`
    )
  }
  if (summary.missing.length && !opts.allowMissing) {
    summary.refusals.push(
      `History records migrations that have no file: ${list(summary.missing)}. Restore the files (a rename counts as delete + new file), or set allow-missing: true.`
    )
  }
  if (summary.outOfOrder.length && !opts.allowOutOfOrder) {
    const newest = lastAppliedIndex >= 0 ? migrations[lastAppliedIndex]?.identity : undefined
    summary.refusals.push(
      `Pending migrations sort before the newest applied one (${newest}): ${list(summary.outOfOrder)}. Rename them to sort after it, or set allow-out-of-order: true to apply them anyway.`
    )
  }
  summary.refusals.push(...partialRefusals)
  return { summary, results, toRun: summary.refusals.length ? [] : toRun }
}
