// Hand-built reports for renderer and annotation tests. Each test file passes
// its own defaults (paths, target, migrations) as overrides.
import type { MigrationResult, PlanSummary, RunReport } from '../../src/engine/report.js'

export function emptyPlan(): PlanSummary {
  return { pending: [], applied: [], drifted: [], missing: [], outOfOrder: [], changedRepeatables: [], partial: [], refusals: [] }
}

/** A migration row; version and name come from `<version>_<name>`. */
export function migrationResult(identity: string, over: Partial<MigrationResult> = {}): MigrationResult {
  const [version = identity, ...name] = identity.split('_')
  return {
    identity,
    file: `migrations/${identity}.sql`,
    version,
    name: name.join('_'),
    kind: 'versioned',
    status: 'applied',
    durationMs: 12,
    statements: 3,
    runMode: 'transaction',
    hasDown: true,
    ...over
  }
}

export function runReport(over: Partial<RunReport> = {}): RunReport {
  return {
    tool: 'pgshift',
    version: '0.1.0',
    mode: 'apply',
    status: 'success',
    target: '127.0.0.1:5432/postgres',
    migrationsDir: 'migrations',
    convention: 'numbered',
    conventionNote: '',
    historyTable: 'pgshift.schema_migrations',
    startedAt: '2026-01-05T09:00:00.000Z',
    durationMs: 1234,
    migrations: [],
    plan: emptyPlan(),
    applied: [],
    pending: [],
    warnings: [],
    problems: [],
    nextStep: '',
    ...over
  }
}
