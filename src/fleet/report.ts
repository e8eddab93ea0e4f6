// fleet-report: the legs' JSON files (downloaded artifacts) merged with the
// targets file into one picture of the fleet. A target without a leg file is a
// row too ("not run"): a wave that never started, or a lost artifact, must show.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { RunStatus } from '../engine/report.js'
import { LEG_FORMAT, notRun, type FleetLeg } from './leg.js'
import type { TargetSummary } from './summary.js'
import type { Fleet } from './targets.js'

export type RowStatus = RunStatus | 'not-run'

export interface FleetRow {
  /** `<target>` or `<target>/<schema>`. */
  name: string
  target: string
  schema?: string
  wave: number
  labels: Record<string, string>
  summary: TargetSummary
}

export interface SkewGroup {
  /** The identity the targets are at; undefined: none applied, or unknown (not run). */
  at?: string
  /** Migrations behind the head; undefined when unknown. */
  behind?: number
  rows: string[]
}

export interface FleetReport {
  mode: string
  /** Only this wave's targets were considered (fleet-wave). */
  wave?: number
  /** The newest migration of the files, as the legs saw it. */
  head?: string
  rows: FleetRow[]
  counts: Record<RowStatus, number>
  skew: SkewGroup[]
  /** Any leg failed, was blocked, or did not run. */
  failed: boolean
  legs: number
  /** Leg files that could not be read, duplicates, legs of targets the file does not have. */
  problems: string[]
}

const MAX_FILES = 5000

/** Every leg file under `dir` (download-artifact puts each artifact in its own folder). */
export function readLegs(dir: string): { legs: FleetLeg[]; problems: string[] } {
  const legs: FleetLeg[] = []
  const problems: string[] = []
  const walk = (d: string, depth: number) => {
    let entries: string[]
    try {
      entries = readdirSync(d).sort()
    } catch (e) {
      problems.push(`${d}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
      return
    }
    for (const name of entries) {
      if (legs.length + problems.length >= MAX_FILES) return
      const path = join(d, name)
      const st = statSync(path)
      if (st.isDirectory() && depth < 4) walk(path, depth + 1)
      else if (st.isFile() && name.endsWith('.json')) {
        try {
          const leg = JSON.parse(readFileSync(path, 'utf8')) as Partial<FleetLeg>
          if (leg.pgshiftFleetLeg === LEG_FORMAT && typeof leg.target === 'string' && Array.isArray(leg.results)) legs.push(leg as FleetLeg)
        } catch (e) {
          problems.push(`${relative(dir, path)}: not a leg report (${(e as Error).message.split('\n')[0]})`)
        }
      }
    }
  }
  walk(dir, 0)
  return { legs, problems }
}

const ORDER: RowStatus[] = ['failed', 'blocked', 'not-run', 'success', 'nothing-to-do']

export function mergeFleet(fleet: Fleet, legs: FleetLeg[], opts: { wave?: number; problems?: string[] } = {}): FleetReport {
  const problems = [...(opts.problems ?? [])]
  const targets = fleet.targets.filter((t) => opts.wave === undefined || t.wave === opts.wave)
  const known = new Set(fleet.targets.map((t) => t.name))
  const byTarget = new Map<string, FleetLeg>()
  for (const leg of legs) {
    if (!known.has(leg.target)) {
      problems.push(`a leg report for ${leg.target}, which the targets file does not have (ignored)`)
      continue
    }
    const seen = byTarget.get(leg.target)
    // A rerun of a leg leaves two files: the later one is the target's state.
    if (seen) problems.push(`two leg reports for ${leg.target}: the later one (${leg.startedAt}) is shown`)
    if (!seen || seen.startedAt < leg.startedAt) byTarget.set(leg.target, leg)
  }
  const rows: FleetRow[] = []
  const modes = new Set<string>()
  for (const t of targets) {
    const leg = byTarget.get(t.name)
    const base = { target: t.name, wave: t.wave, labels: t.labels }
    if (!leg) {
      rows.push({ ...base, name: t.name, summary: notRun('no leg report: the leg did not run (an earlier wave failed, or it was cancelled) or its artifact is missing') })
      continue
    }
    modes.add(leg.mode)
    if (leg.results.length === 0) rows.push({ ...base, name: t.name, summary: { status: leg.status, behind: 0, applied: [], drifted: [], durationMs: leg.durationMs, firstError: leg.note } })
    for (const r of leg.results) rows.push({ ...base, name: r.name, schema: r.schema, summary: r.summary })
  }
  const heads = new Map<string, number>()
  for (const r of rows) if (r.summary.head) heads.set(r.summary.head, (heads.get(r.summary.head) ?? 0) + 1)
  if (heads.size > 1) problems.push(`the legs ran different migration sets: ${[...heads].map(([h, n]) => `${h} is the newest file for ${n}`).join(', ')}; rerun the fleet from one commit`)
  const head = [...heads].sort((a, b) => b[1] - a[1])[0]?.[0]
  const counts = Object.fromEntries(ORDER.map((s) => [s, 0])) as Record<RowStatus, number>
  for (const r of rows) counts[r.summary.status]++
  rows.sort((a, b) => ORDER.indexOf(a.summary.status) - ORDER.indexOf(b.summary.status) || b.summary.behind - a.summary.behind || a.wave - b.wave)
  return {
    mode: modes.size === 1 ? [...modes][0]! : modes.size ? [...modes].join(' + ') : 'no leg ran',
    wave: opts.wave,
    head,
    rows,
    counts,
    skew: skewOf(rows),
    failed: counts.failed + counts.blocked + counts['not-run'] > 0,
    legs: byTarget.size,
    problems
  }
}

/** Targets grouped by the version they are at, furthest behind first; unknown (not run) last. */
function skewOf(rows: FleetRow[]): SkewGroup[] {
  const groups = new Map<string, SkewGroup>()
  for (const r of rows) {
    const known = r.summary.status !== 'not-run'
    const key = known ? `${r.summary.at ?? ''}\0${r.summary.behind}` : '\0unknown'
    const g = groups.get(key) ?? { at: known ? r.summary.at : undefined, behind: known ? r.summary.behind : undefined, rows: [] }
    g.rows.push(r.name)
    groups.set(key, g)
  }
  return [...groups.values()].sort((a, b) => (b.behind ?? -1) - (a.behind ?? -1))
}

/** Rows that need a reader's eye: not a success, behind the head, or drifted. */
export function isUnusual(r: FleetRow): boolean {
  const s = r.summary
  return !(s.status === 'success' || s.status === 'nothing-to-do') || s.behind > 0 || s.drifted.length > 0
}
