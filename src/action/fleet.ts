// The action's side of a fleet (docs/fleet.md): fleet-plan writes the per-wave
// matrices, a leg (an engine mode with fleet-target) runs one target and writes
// its JSON file for upload-artifact, fleet-report merges the legs into one job
// summary and one sticky comment. The work is in src/fleet/; this file only
// reads inputs and writes outputs, the summary and the comment.
import * as core from './workflow-commands.js'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunContext } from '../engine/run.js'
import type { RunReport } from '../engine/report.js'
import { runLeg, type FleetLeg } from '../fleet/leg.js'
import { renderFleetMarkdown } from '../fleet/markdown.js'
import { fleetPlan } from '../fleet/matrix.js'
import { mergeFleet, readLegs, type FleetReport } from '../fleet/report.js'
import { findTarget, loadTargets, type Fleet } from '../fleet/targets.js'
import { escapeWorkflowCommands } from '../report/escape.js'
import { redact, redactDeep, registerDatabaseUrl, secretsFor } from '../report/redact.js'
import type { Settings } from '../settings.js'
import { commentMarker } from './comment-body.js'
import { commentWanted, defaultCommentKey, runPage, type GithubContext } from './github-context.js'

const clean = (s: string) => escapeWorkflowCommands(redact(s))

function tempDir(): string {
  return process.env.RUNNER_TEMP || mkdtempSync(join(tmpdir(), 'pgshift-'))
}

async function writeSummary(markdown: string, stem: string): Promise<string> {
  const path = join(tempDir(), `${stem}-summary.md`)
  writeFileSync(path, markdown)
  core.setOutput('summary', path)
  if (process.env.GITHUB_STEP_SUMMARY) await core.appendSummary(markdown)
  else core.info(escapeWorkflowCommands(markdown))
  return path
}

/** fleet-plan: the matrices, one per wave. Reads only the targets file. */
export async function fleetPlanStep(settings: Readonly<Settings>): Promise<void> {
  const plan = fleetPlan(loadTargets(settings.workspace, settings.targetsFile))
  core.setOutput('matrix', JSON.stringify(plan.matrix))
  core.setOutput('waves', JSON.stringify(plan.waves))
  core.setOutput('status', 'success')
  for (const line of plan.lines) core.info(clean(line))
  const md = [`## pgshift fleet plan: ${plan.targets} targets in ${plan.waves.length} waves`, '', ...plan.lines.map((l) => `- ${escapeWorkflowCommands(l)}`), ''].join('\n')
  await writeSummary(md, `pgshift-fleet-plan-${process.env.GITHUB_RUN_ID ?? 'local'}`)
}

/**
 * A leg: one target of the targets file, with the engine mode the step asks for.
 * A database target publishes like any run (outputs, summary, annotations) via
 * `publishRun`; either kind writes the leg file (the `fleet-leg` output).
 */
export async function fleetLegStep(
  settings: Readonly<Settings>,
  ctx: RunContext,
  gh: GithubContext,
  publishRun: (report: RunReport, settings: Settings, gh: GithubContext) => Promise<void>
): Promise<void> {
  const fleet = loadTargets(settings.workspace, settings.targetsFile)
  const target = findTarget(fleet, settings.fleetTarget ?? '')
  // A URL from an environment variable is as secret as database-url: mask it before anything runs.
  if (!settings.databaseUrl && target.env && process.env[target.env]) {
    const url = process.env[target.env] as string
    for (const s of secretsFor(url)) core.setSecret(s)
    registerDatabaseUrl(url)
  }
  const leg = redactDeep(await runLeg(settings, fleet, ctx)) as FleetLeg
  const path = join(tempDir(), `pgshift-fleet-${leg.target}.json`)
  writeFileSync(path, JSON.stringify(leg, null, 2))
  core.setOutput('fleet-leg', path)
  core.info(clean(`fleet leg ${leg.target} (wave ${leg.wave}): ${leg.status}${leg.note ? ` (${leg.note})` : ''}. Upload ${path} as the artifact pgshift-fleet-${leg.target}.`))
  const only = leg.results.length === 1 && leg.kind === 'database' ? leg.results[0]?.report : undefined
  if (only) {
    // The leg comments nothing: the fleet report's comment speaks for the fleet.
    return publishRun(only, { ...settings, github: { ...settings.github, comment: false } } as Settings, gh)
  }
  const report = mergeFleet(onlyTarget(fleet, leg.target), [leg])
  core.setOutput('status', leg.status)
  core.setOutput('report', path)
  await writeSummary(redact(renderFleetMarkdown(report, { runPage: runPage(gh) })), `pgshift-fleet-${leg.target}`)
  if (leg.status === 'failed' || leg.status === 'blocked') {
    const failed = leg.results.filter((r) => r.summary.status === 'failed' || r.summary.status === 'blocked')
    core.setFailed(clean(`fleet leg ${leg.target}: ${failed.length} of ${leg.results.length} failed${failed[0]?.summary.firstError ? `; first: ${failed[0].name}: ${failed[0].summary.firstError}` : ''}${leg.note ? ` (${leg.note})` : ''}`))
  }
}

function onlyTarget(fleet: Fleet, name: string): Fleet {
  return { ...fleet, targets: fleet.targets.filter((t) => t.name === name) }
}

/** fleet-report: every leg file under fleet-reports-dir, merged; fails when any target failed or did not run. */
export async function fleetReportStep(settings: Readonly<Settings>, gh: GithubContext): Promise<void> {
  if (!settings.fleetReportsDir) {
    throw new Error(
      "fleet-reports-dir: empty; download the legs' artifacts first (actions/download-artifact with pattern: pgshift-fleet-*) and pass the directory they went to, e.g. fleet-reports-dir: legs"
    )
  }
  const fleet = loadTargets(settings.workspace, settings.targetsFile)
  const dir = join(settings.workspace, settings.fleetReportsDir)
  const { legs, problems } = readLegs(settings.fleetReportsDir.startsWith('/') ? settings.fleetReportsDir : dir)
  const report = mergeFleet(fleet, legs, { wave: settings.fleetWave, problems })
  const markdown = redact(renderFleetMarkdown(report, { runPage: runPage(gh) }))
  const stem = `pgshift-fleet-report-${process.env.GITHUB_RUN_ID ?? 'local'}`
  const jsonPath = join(tempDir(), `${stem}.json`)
  writeFileSync(jsonPath, JSON.stringify(redactDeep(report), null, 2))
  core.setOutput('report', jsonPath)
  core.setOutput('status', report.failed ? 'failed' : 'success')
  core.setOutput('proceed', String(!report.failed))
  await writeSummary(markdown, stem)
  await fleetComment(markdown, settings, gh)
  const bad = report.counts.failed + report.counts.blocked
  if (report.failed) {
    core.setFailed(
      clean(
        `pgshift fleet: ${bad ? `${bad} of ${report.rows.length} targets failed or were blocked` : ''}${bad && report.counts['not-run'] ? ', ' : ''}${report.counts['not-run'] ? `${report.counts['not-run']} not run` : ''}. ${settings.fleetWave !== undefined ? 'The next wave must not start.' : 'See the job summary.'}`
      )
    )
  }
}

/** The sticky comment: on the PR (pull_request events, or comment: true), else on the commit when comment is true. */
async function fleetComment(markdown: string, settings: Readonly<Settings>, gh: GithubContext): Promise<void> {
  const wanted = commentWanted(settings.github.comment, gh.eventName)
  if (!wanted || !settings.github.token || !gh.repository || gh.isFork) {
    if (wanted) core.notice(clean('pgshift posted no fleet comment: no token, no repository, or a fork pull request. The report is in the job summary.'))
    return
  }
  const key = settings.github.commentKey ?? defaultCommentKey(process.env)
  const body = `${commentMarker(redact(key))}\n${markdown}`
  const log = { info: (m: string) => core.info(clean(m)), notice: (m: string) => core.notice(clean(m)), warning: (m: string) => core.warning(clean(m)) }
  if (gh.pr) {
    const { upsertStickyComment } = await import('./comment.js')
    await upsertStickyComment({ token: settings.github.token, target: { repository: gh.repository, issueNumber: gh.pr.number }, key, body, log })
    return
  }
  const sha = process.env.GITHUB_SHA
  if (!sha) return log.notice('pgshift posted no fleet comment: GITHUB_SHA is not set. The report is in the job summary.')
  const { upsertCommitComment } = await import('./commit-comment.js')
  await upsertCommitComment({ token: settings.github.token, repository: gh.repository, sha, key, body, log })
}

export type { FleetReport }
