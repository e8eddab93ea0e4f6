// One leg of a fleet: the run of one target (a matrix job). A database target is
// one normal engine run; a tenant-schema set is one engine run per schema
// (./schemas.ts). The leg's JSON file, uploaded as the artifact
// `pgshift-fleet-<target>`, holds each run's report plus the few facts the
// fleet report needs (./summary.ts), so fleet-report never re-reads a database.
import { newReport, runPgshift, type RunContext } from '../engine/run.js'
import type { RunReport, RunStatus } from '../engine/report.js'
import { engineSettings, type Settings } from '../settings.js'
import { resolveSchemas, runSchemas } from './schemas.js'
import { summarize, type TargetSummary } from './summary.js'
import { findTarget, type Fleet, type Target } from './targets.js'

export const LEG_FORMAT = 1

export interface LegResult {
  /** `<target>`, or `<target>/<schema>` for one schema of a set. */
  name: string
  schema?: string
  summary: TargetSummary
  /** The engine's report; absent when the run did not start. */
  report?: RunReport
}

export interface FleetLeg {
  pgshiftFleetLeg: typeof LEG_FORMAT
  target: string
  wave: number
  kind: 'database' | 'schemas'
  labels: Record<string, string>
  mode: string
  /** The leg's outcome: failed when any of its runs failed or was blocked. */
  status: RunStatus
  startedAt: string
  durationMs: number
  /** Why the leg stopped early (fail-fast), or why no run started. */
  note?: string
  results: LegResult[]
}

/** The leg's status from its runs: any failure fails it; any success makes it a success. */
export function legStatus(statuses: (RunStatus | 'not-run')[]): RunStatus {
  if (statuses.includes('failed')) return 'failed'
  if (statuses.includes('blocked')) return 'blocked'
  if (statuses.includes('not-run')) return 'failed'
  return statuses.includes('success') || statuses.length === 0 ? 'success' : 'nothing-to-do'
}

/** Where the target's URL comes from: the database-url input (secrets[matrix.secret]), else the environment variable the target names. */
export function targetUrl(target: Target, databaseUrl: string, env: NodeJS.ProcessEnv): string {
  if (databaseUrl.trim() !== '') return databaseUrl
  return target.env ? (env[target.env] ?? '') : ''
}

function emptyUrlMessage(target: Target): string {
  return target.secret
    ? `the URL of target ${target.name} is empty: pass database-url: \${{ secrets[matrix.secret] }}, and make the secret ${target.secret} available to this job (a repository secret, or a secret of the job's environment)`
    : `the URL of target ${target.name} is empty: the environment variable ${target.env} is not set in this job, and database-url is empty`
}

/** Runs one leg. Never throws for a failed run: failures are in the results. */
export async function runLeg(settings: Readonly<Settings>, fleet: Fleet, ctx: RunContext, env: NodeJS.ProcessEnv = process.env): Promise<FleetLeg> {
  const started = new Date()
  const t0 = performance.now()
  const target = findTarget(fleet, settings.fleetTarget ?? '')
  const leg: FleetLeg = {
    pgshiftFleetLeg: LEG_FORMAT,
    target: target.name,
    wave: target.wave,
    kind: target.schemas ? 'schemas' : 'database',
    labels: target.labels,
    mode: settings.mode,
    status: 'failed',
    startedAt: started.toISOString(),
    durationMs: 0,
    results: []
  }
  const url = targetUrl(target, settings.databaseUrl, env)
  const refused = (message: string, next: string, name = target.name): LegResult => {
    const report: RunReport = { ...newReport(engineSettings(settings)), status: 'failed', error: { message, next }, nextStep: next }
    return { name, summary: summarize(report), report }
  }
  if (url.trim() === '') {
    leg.results.push(refused(emptyUrlMessage(target), 'Nothing was changed. See docs/fleet.md, "Each leg".'))
  } else if (!target.schemas) {
    const report = await runPgshift({ ...settings, databaseUrl: url }, ctx)
    leg.results.push({ name: target.name, summary: summarize(report), report })
  } else {
    const set = target.schemas
    let schemas: string[] | undefined
    try {
      schemas = await resolveSchemas(set, url, settings.connectTimeoutMs)
    } catch (e) {
      const err = e as Error & { next?: string }
      leg.results.push(refused(`the schemas of target ${target.name}: ${err.message}`, err.next ?? 'Nothing was changed.'))
    }
    if (schemas && schemas.length === 0) {
      leg.note = 'the schemas query returned no schema: nothing to migrate'
      ctx.logger.warn(`target ${target.name}: ${leg.note}`)
    }
    if (schemas?.length) {
      ctx.logger.info(`target ${target.name}: ${schemas.length} schemas, ${Math.min(set.concurrency, schemas.length)} at a time${set['fail-fast'] ? ', stopping at the first failure' : ''}`)
      const runs = await runSchemas(settings, set, schemas, url, ctx)
      for (const r of runs) {
        const name = `${target.name}/${r.schema}`
        leg.results.push(r.report ? { name, schema: r.schema, summary: summarize(r.report), report: r.report } : { name, schema: r.schema, summary: notRun('not started: an earlier schema of this set failed (fail-fast)') })
      }
      const skipped = runs.filter((r) => !r.report).length
      if (skipped) leg.note = `stopped after a failure (fail-fast): ${skipped} of ${runs.length} schemas not started`
    }
  }
  leg.status = legStatus(leg.results.map((r) => r.summary.status))
  leg.durationMs = Math.round(performance.now() - t0)
  return leg
}

export function notRun(why: string): TargetSummary {
  return { status: 'not-run', behind: 0, applied: [], drifted: [], firstError: why, durationMs: 0 }
}
