// The action's composition root: inputs -> masked secrets -> trigger guard ->
// engine -> outputs, job summary, annotations and the sticky PR comment. Every
// string that leaves goes through redact(); every log line through
// escapeWorkflowCommands (core escapes the data of the commands it writes).
import * as core from './workflow-commands.js'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { baseResult } from '../engine/plan.js'
import { newReport, progressText, runPgshift, type RunLogger } from '../engine/run.js'
import type { RunReport } from '../engine/report.js'
import { escapeWorkflowCommands } from '../report/escape.js'
import { renderMarkdown } from '../report/markdown.js'
import { redact, redactDeep, registerDatabaseUrl, registerSecret, secretsFor } from '../report/redact.js'
import { engineSettings, parseSettings, SettingsError, type Settings } from '../settings.js'
import { discover } from '../source/discover.js'
import { findingsJson, toSarif } from '../lint/sarif.js'
import { VERSION } from '../version.js'
import { emitAnnotations } from './annotations.js'
import { commentBody } from './comment-body.js'
import {
  blobBase,
  commentWanted,
  defaultCommentKey,
  eventBaseSha,
  FORK_EMPTY_URL,
  githubContext,
  runPage,
  untrustedExplanation,
  untrustedTrigger,
  type GithubContext
} from './github-context.js'
import { readEventPayload, readRawInputs, runMeta } from './inputs.js'
import type { PullRequestContext } from '../engine/steps/load-base.js'
import { fleetLegStep, fleetPlanStep, fleetReportStep } from './fleet.js'
import { TargetsError } from '../fleet/targets.js'

const clean = (s: string) => escapeWorkflowCommands(redact(s))

const logger: RunLogger = {
  info: (m) => core.info(clean(m)),
  // A warning the report holds is annotated from it (annotations.ts): logged here as text, so GitHub shows it once.
  warn: (m, o) => (o?.reported ? core.info(clean(`Warning: ${m}`)) : core.warning(clean(m))),
  group: (title, fn) => core.group(clean(title), fn),
  progress: (p) => core.info(clean(progressText(p)))
}

/** GitHub cancels with SIGINT, then SIGTERM 7.5 s later: both abort the run, which cancels the statement on the server. */
function cancellationSignal(): AbortSignal {
  const ac = new AbortController()
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => ac.abort())
  return ac.signal
}

export async function run(): Promise<void> {
  const raw = readRawInputs()
  // Mask before anything can be printed.
  for (const url of [raw['database-url'] ?? '', raw['expected-database-url'] ?? '']) {
    for (const s of secretsFor(url)) core.setSecret(s)
    registerDatabaseUrl(url)
  }
  const token = (raw['github-token'] ?? '').trim()
  if (token) {
    core.setSecret(token)
    registerSecret(token)
  }
  const payload = readEventPayload()
  const gh = githubContext(process.env, payload)
  try {
    const settings = parseSettings(raw, process.env.GITHUB_WORKSPACE || process.cwd())
    const meta = runMeta(process.env, gh.pr?.headSha)
    // Fleets (docs/fleet.md): the plan and the report read files only; a leg runs one target.
    if (settings.mode === 'fleet-plan') return await fleetPlanStep(settings)
    if (settings.mode === 'fleet-report') return await fleetReportStep(settings, gh)
    let report: RunReport
    const untrusted = untrustedTrigger(gh.eventName, payload)
    if (untrusted && !settings.github.allowUntrusted) {
      report = redactDeep(await refusedReport(settings, meta, untrustedExplanation(gh.eventName)))
    } else {
      if (untrusted) {
        core.warning(clean(`allow-untrusted: true: running on ${gh.eventName}, with this repository's secrets, on files a pull request may have changed.`))
      }
      if (settings.fleetTarget) return await fleetLegStep(settings, { logger, meta, signal: cancellationSignal() }, gh, publish)
      report = redactDeep(await runPgshift(settings, { logger, meta, signal: cancellationSignal(), pr: pullRequestContext(settings, gh, payload) })) as RunReport
      // The header's commit and run link (the engine records them in history rows only).
      report.commit ??= meta.commitSha
      report.runUrl ??= meta.runUrl
      if (gh.isFork && settings.databaseUrl.trim() === '' && report.error) {
        // The engine's empty-url error already names forks; on a fork PR say it is one.
        report.error = { ...report.error, message: `${report.error.message} ${FORK_EMPTY_URL}` }
      }
    }
    await publish(report, settings, gh)
  } catch (e) {
    const message = redact(e instanceof SettingsError || e instanceof TargetsError ? e.message : `pgshift failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`)
    core.setOutput('status', 'failed')
    core.setFailed(message)
  }
}

/**
 * The PR under check, for base: auto and the PR files fallback (issue 15). The files
 * API is called only when git cannot provide the base, and never on a fork PR's
 * behalf with a token it lacks (the list is public data, the default token reads it).
 */
function pullRequestContext(settings: Settings, gh: GithubContext, payload: unknown): PullRequestContext {
  const baseSha = eventBaseSha(gh.eventName, payload)
  const number = gh.pr?.number
  const repository = gh.repository
  const token = settings.github.token
  return {
    baseSha,
    changedFiles:
      number && repository && token && gh.eventName === 'pull_request'
        ? async () => {
            core.info(clean(`reading the files of PR #${number} from the GitHub API`))
            const { listPullRequestFiles } = await import('./pr-files.js')
            return listPullRequestFiles(token, repository, number)
          }
        : undefined
  }
}

/**
 * The report of a run refused before anything was read from the database:
 * the files are listed (discovery reads and parses them, and runs nothing),
 * with the refusal and what to do instead.
 */
async function refusedReport(settings: Settings, meta: ReturnType<typeof runMeta>, why: { message: string; next: string }): Promise<RunReport> {
  const report: RunReport = { ...newReport(engineSettings(settings)), status: 'blocked', target: '(not connected)', commit: meta.commitSha, runUrl: meta.runUrl, nextStep: why.next }
  report.plan.refusals = [why.message]
  try {
    const found = await discover({ workspace: settings.workspace, dir: settings.migrationsDir, convention: settings.convention })
    report.migrationsDir = found.dir
    report.convention = found.convention
    report.conventionNote = found.conventionNote
    report.migrations = found.migrations.map((m) => baseResult(m))
    report.pending = found.migrations.map((m) => m.identity)
  } catch {
    // The refusal stands on its own; the file list is a courtesy.
  }
  return report
}

/** Identities whose applied file changed since (the `drift` output). */
function driftOf(report: RunReport): string[] {
  return [...new Set([...report.plan.drifted, ...report.migrations.filter((m) => m.status === 'drifted').map((m) => m.identity)])]
}

async function publish(report: RunReport, settings: Settings, gh: GithubContext): Promise<void> {
  const dir = process.env.RUNNER_TEMP || mkdtempSync(join(tmpdir(), 'pgshift-'))
  const stem = `pgshift-${process.env.GITHUB_RUN_ID ?? 'local'}-${process.pid}`
  const reportPath = join(dir, `${stem}-report.json`)
  writeFileSync(reportPath, JSON.stringify(report, null, 2))
  core.setOutput('status', report.status)
  core.setOutput('applied', JSON.stringify(report.applied))
  core.setOutput('pending', JSON.stringify(report.pending))
  core.setOutput('rolled-back', JSON.stringify(report.rolledBack ?? []))
  core.setOutput('drift', JSON.stringify(driftOf(report)))
  core.setOutput('report', reportPath)
  core.setOutput('backup-path', report.backup?.dir ?? '')
  core.setOutput('pr-migrations', JSON.stringify(report.prCheck?.prMigrations ?? []))
  // A preview that stopped early: what it did not run, and why (issue 14 item 9).
  core.setOutput('not-previewed', JSON.stringify(report.partialPreview?.notPreviewed ?? []))
  // The migration lint, machine-readable (issue 16): JSON, and SARIF for code scanning.
  const lintPath = join(dir, `${stem}-lint.sarif`)
  writeFileSync(lintPath, JSON.stringify(redactDeep(toSarif(report.lint ?? [], VERSION)), null, 2))
  core.setOutput('lint-findings', JSON.stringify(redactDeep(findingsJson(report.lint ?? []))))
  core.setOutput('lint-sarif', lintPath)
  const failureAnnotated = emitAnnotations(report)

  const linkBase = blobBase(gh, process.env)
  const markdown = redact(renderMarkdown(report, { linkBase }))
  const summaryPath = join(dir, `${stem}-summary.md`)
  writeFileSync(summaryPath, markdown)
  core.setOutput('summary', summaryPath)
  if (process.env.GITHUB_STEP_SUMMARY) await core.appendSummary(markdown)
  else core.info(escapeWorkflowCommands(markdown))
  core.info(clean(`pgshift ${report.mode}: ${report.status}. ${report.nextStep}`))

  await comment(report, settings, gh, linkBase)

  if (report.status === 'failed' || report.status === 'blocked') {
    // The run-level error is already an annotation (with its next step), as are verify's
    // failed checks: the step fails without a second `::error` of the same message
    // (issue 19 item 8); the line above says what to do.
    if (failureAnnotated) process.exitCode = 1
    else core.setFailed(redact(report.error?.message ?? `pgshift ${report.mode} ${report.status}: ${report.nextStep}`))
  }
}

/** The sticky PR comment, when wanted and possible. Never fails the step. */
async function comment(report: RunReport, settings: Settings, gh: GithubContext, linkBase: string | undefined): Promise<void> {
  if (!commentWanted(settings.github.comment, gh.eventName)) return
  const skip = (why: string) => core.notice(clean(`pgshift posted no PR comment: ${why} The report is in the job summary.`))
  if (!gh.pr) return skip(`this run (event ${gh.eventName || 'unknown'}) has no pull request in its event payload.`)
  if (gh.isFork) {
    return skip(
      `this is a pull request from a fork (${gh.pr.headRepo ?? 'a deleted repository'}), and GitHub gives fork pull requests a read-only token, so pgshift makes no API call.`
    )
  }
  if (!settings.github.token) return skip('github-token is empty.')
  if (!gh.repository) return skip('GITHUB_REPOSITORY is not set.')
  const key = settings.github.commentKey ?? defaultCommentKey(process.env)
  const body = commentBody(report, { key, linkBase, runPage: runPage(gh) })
  // Loaded only here: octokit is most of the bundle, and most runs post no comment.
  const { upsertStickyComment } = await import('./comment.js')
  await upsertStickyComment({
    token: settings.github.token,
    target: { repository: gh.repository, issueNumber: gh.pr.number },
    key,
    body,
    log: { info: (m) => core.info(clean(m)), notice: (m) => core.notice(clean(m)), warning: (m) => core.warning(clean(m)) }
  })
}
