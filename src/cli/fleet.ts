// The CLI's fleet commands: the same src/fleet/ as the action. fleet-plan prints
// the matrices as JSON; a leg (--fleet-target) prints its JSON file (--json) or
// one line per run; fleet-report prints the merged markdown. Exit 1 on a failure.
import type { RunContext } from '../engine/run.js'
import { runLeg } from '../fleet/leg.js'
import { renderFleetMarkdown } from '../fleet/markdown.js'
import { fleetPlan } from '../fleet/matrix.js'
import { mergeFleet, readLegs } from '../fleet/report.js'
import { loadTargets, TargetsError } from '../fleet/targets.js'
import { redact, redactDeep } from '../report/redact.js'
import type { Settings } from '../settings.js'

const out = (s: string) => process.stdout.write(redact(s))

export async function runFleetCli(settings: Readonly<Settings>, ctx: RunContext, json: boolean): Promise<number> {
  try {
    const fleet = loadTargets(settings.workspace, settings.targetsFile)
    if (settings.mode === 'fleet-plan') {
      const plan = fleetPlan(fleet)
      // Each value redacted on its own: redact() over the whole JSON masks every `"secret": ...`
      // value, and the legs need the secret's name (the targets schema refuses a URL there).
      const matrix = JSON.parse(JSON.stringify(plan.matrix), (_k, v: unknown) => (typeof v === 'string' ? redact(v) : v)) as typeof plan.matrix
      process.stdout.write(`${JSON.stringify({ matrix, waves: plan.waves }, null, json ? 2 : undefined)}\n`)
      for (const line of plan.lines) process.stderr.write(`${redact(line)}\n`)
      return 0
    }
    if (settings.mode === 'fleet-report') {
      if (!settings.fleetReportsDir) throw new TargetsError(settings.targetsFile, ["--fleet-reports-dir: give the directory holding the legs' JSON files"])
      const { legs, problems } = readLegs(settings.fleetReportsDir)
      const report = mergeFleet(fleet, legs, { wave: settings.fleetWave, problems })
      out(json ? `${JSON.stringify(redactDeep(report), null, 2)}\n` : `${renderFleetMarkdown(report)}\n`)
      return report.failed ? 1 : 0
    }
    const leg = redactDeep(await runLeg(settings, fleet, ctx))
    if (json) out(`${JSON.stringify(leg, null, 2)}\n`)
    else for (const r of leg.results) out(`${r.name}: ${r.summary.status}${r.summary.at ? ` at ${r.summary.at}` : ''}${r.summary.firstError ? ` (${r.summary.firstError})` : ''}\n`)
    return leg.status === 'failed' || leg.status === 'blocked' ? 1 : 0
  } catch (e) {
    if (e instanceof TargetsError) {
      process.stderr.write(`pgshift: ${redact(e.message)}\n`)
      return 64
    }
    throw e
  }
}
