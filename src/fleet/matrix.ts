// fleet-plan: one GitHub Actions matrix per wave, for `strategy.matrix:
// ${{ fromJSON(needs.plan.outputs.matrix)['0'] }}`. Each leg reads its URL with
// `database-url: ${{ secrets[matrix.secret] }}` and names itself with
// `fleet-target: ${{ matrix.target }}`. GitHub runs the legs (max-parallel,
// fail-fast, needs: between waves); pgshift only says what they are.
import { TargetsError, waves, type Fleet } from './targets.js'

/** GitHub's limit: a matrix generates at most 256 jobs per workflow run. */
export const MATRIX_JOB_LIMIT = 256

export interface MatrixEntry {
  /** The target's name: the leg's fleet-target input and its artifact's name. */
  target: string
  /** The secret holding the URL ('' when it comes from an environment variable). */
  secret: string
  /** The environment variable holding the URL ('' when it comes from a secret). */
  env: string
  wave: number
  /** `database`, or `schemas` for a tenant-schema set (one job runs every schema). */
  kind: 'database' | 'schemas'
  labels: Record<string, string>
}

export interface FleetPlan {
  /** Wave number (as a string, a JSON object key) to its matrix. */
  matrix: Record<string, { include: MatrixEntry[] }>
  waves: number[]
  targets: number
  /** One line per wave, for the log and the summary. */
  lines: string[]
}

export function fleetPlan(fleet: Fleet): FleetPlan {
  const matrix: FleetPlan['matrix'] = {}
  const lines: string[] = []
  const all = waves(fleet)
  const over = all.filter((w) => w.targets.length > MATRIX_JOB_LIMIT)
  if (over.length) {
    throw new TargetsError(
      fleet.file,
      over.map((w) => `wave: wave ${w.wave} has ${w.targets.length} targets, and GitHub runs at most ${MATRIX_JOB_LIMIT} jobs per matrix; split it into more waves, or put tenants that share a server in one schemas set`)
    )
  }
  for (const { wave, targets } of all) {
    matrix[String(wave)] = {
      include: targets.map((t) => ({ target: t.name, secret: t.secret ?? '', env: t.env ?? '', wave, kind: t.schemas ? 'schemas' : 'database', labels: t.labels }))
    }
    const schemaSets = targets.filter((t) => t.schemas).length
    lines.push(`wave ${wave}${wave === 0 ? ' (canaries)' : ''}: ${targets.length} target${targets.length === 1 ? '' : 's'}${schemaSets ? ` (${schemaSets} tenant-schema set${schemaSets === 1 ? '' : 's'})` : ''}: ${names(targets.map((t) => t.name))}`)
  }
  return { matrix, waves: Object.keys(matrix).map(Number), targets: fleet.targets.length, lines }
}

function names(list: string[]): string {
  return list.length > 8 ? `${list.slice(0, 8).join(', ')} and ${list.length - 8} more` : list.join(', ')
}
