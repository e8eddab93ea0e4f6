// The action's composition root: inputs -> masked secrets -> engine -> outputs,
// job summary and annotations. Every string that leaves goes through redact().
import * as core from '@actions/core'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runPgshift, type RunLogger } from '../engine/run.js'
import type { RunReport } from '../engine/report.js'
import { escapeWorkflowCommands } from '../report/escape.js'
import { renderMarkdown } from '../report/markdown.js'
import { redact, redactDeep, registerDatabaseUrl, secretsFor } from '../report/redact.js'
import { parseSettings, SettingsError } from '../settings.js'
import { emitAnnotations } from './annotations.js'
import { readRawInputs, runMeta } from './inputs.js'

const clean = (s: string) => escapeWorkflowCommands(redact(s))

const logger: RunLogger = {
  info: (m) => core.info(clean(m)),
  warn: (m) => core.warning(clean(m)),
  group: (title, fn) => core.group(clean(title), fn)
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
  try {
    const settings = parseSettings(raw, process.env.GITHUB_WORKSPACE || process.cwd())
    const report = redactDeep(await runPgshift(settings, { logger, meta: runMeta(), signal: cancellationSignal() })) as RunReport
    await publish(report)
  } catch (e) {
    const message = redact(e instanceof SettingsError ? e.message : `pgshift failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`)
    core.setOutput('status', 'failed')
    core.setFailed(message)
  }
}

async function publish(report: RunReport): Promise<void> {
  const dir = process.env.RUNNER_TEMP || mkdtempSync(join(tmpdir(), 'pgshift-'))
  const reportPath = join(dir, `pgshift-report-${process.env.GITHUB_RUN_ID ?? 'local'}-${process.pid}.json`)
  writeFileSync(reportPath, JSON.stringify(report, null, 2))
  core.setOutput('status', report.status)
  core.setOutput('applied', JSON.stringify(report.applied))
  core.setOutput('pending', JSON.stringify(report.pending))
  core.setOutput('rolled-back', JSON.stringify(report.rolledBack ?? []))
  core.setOutput('report', reportPath)
  emitAnnotations(report)
  const markdown = redact(renderMarkdown(report, { linkBase: linkBase() }))
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write()
  else core.info(markdown)
  core.info(clean(`pgshift ${report.mode}: ${report.status}. ${report.nextStep}`))
  if (report.status === 'failed' || report.status === 'blocked') {
    core.setFailed(redact(report.error?.message ?? `pgshift ${report.mode} ${report.status}: ${report.nextStep}`))
  }
}

/** Links from the report into the files at the commit under test. */
function linkBase(): string | undefined {
  const { GITHUB_SERVER_URL: server = 'https://github.com', GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = process.env
  return repo && sha ? `${server}/${repo}/blob/${sha}/` : undefined
}
