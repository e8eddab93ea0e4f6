// The few facts of one target's run that the fleet report shows: its status,
// the version it is at, how far behind the files it is, what this run applied,
// its drift and its first error. Taken from the engine's RunReport.
import type { MigrationStatus, RunReport, RunStatus } from '../engine/report.js'

export interface TargetSummary {
  status: RunStatus | 'not-run'
  /** The newest versioned migration applied on the target (its identity), after the run. */
  at?: string
  /** The newest versioned migration of the files: where the fleet is going. */
  head?: string
  /** Versioned migrations of the files not applied on the target after the run. */
  behind: number
  /** What this run applied (or, for rollback, rolled back: see `rolledBack`). */
  applied: string[]
  rolledBack?: string[]
  /** Applied migrations whose file changed since (verify, and every mode's plan). */
  drifted: string[]
  /** `file:line:col SQLSTATE message`, shortened; or why the run did not start. */
  firstError?: string
  durationMs: number
}

/** Statuses that mean the migration is in the target's history. */
const IN_HISTORY: readonly MigrationStatus[] = ['applied', 'already-applied', 'drifted']

function oneLine(text: string, max = 240): string {
  const s = text.replace(/\s+/g, ' ').trim()
  return s.length > max ? `${s.slice(0, max - 1)}…` : s
}

export function firstError(report: RunReport): string | undefined {
  const failed = report.migrations.find((m) => m.error)
  const e = failed?.error ?? report.error ?? report.checks?.find((c) => !c.ok)?.error
  if (!e) {
    const check = report.checks?.find((c) => !c.ok)
    if (check) return oneLine(`${check.subject}: ${check.message}`)
    return report.status === 'failed' || report.status === 'blocked' ? oneLine(report.plan.refusals[0] ?? report.nextStep) || undefined : undefined
  }
  const file = e.file ?? failed?.file
  const where = file ? `${file}${e.position ? `:${e.position.line}:${e.position.col}` : ''} ` : ''
  return oneLine(`${where}${e.sqlstate ? `${e.sqlstate} ` : ''}${e.message}`)
}

export function summarize(report: RunReport): TargetSummary {
  const versioned = report.migrations.filter((m) => m.kind === 'versioned')
  const inHistory = versioned.filter((m) => IN_HISTORY.includes(m.status))
  const connected = report.target !== '(not connected)'
  return {
    status: report.status,
    // Before a connection, nothing is known of the target's history.
    at: connected ? inHistory[inHistory.length - 1]?.identity : undefined,
    head: versioned[versioned.length - 1]?.identity,
    behind: connected ? versioned.length - inHistory.length : versioned.length,
    applied: [...report.applied],
    ...(report.rolledBack?.length ? { rolledBack: [...report.rolledBack] } : {}),
    drifted: [...new Set([...report.plan.drifted, ...report.migrations.filter((m) => m.status === 'drifted').map((m) => m.identity)])],
    firstError: firstError(report),
    durationMs: report.durationMs
  }
}
