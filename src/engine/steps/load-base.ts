// load base (issue 15): which commit is the PR's base, its migrations (from git,
// else from the PR files API the action hands in), and the split of the
// workspace's migrations into the base's and the PR's. Runs before connecting:
// what a PR gets wrong about history is a problem that refuses the run.
import type { GitBaseError } from '../../source/git-base.js'
import { discover } from '../../source/discover.js'
import type { Settings } from '../../settings.js'
import type { DiscoveryResult, SourceProblem, SourceWarning } from '../../source/types.js'
import { splitPr, type BaseFiles, type PrFileChange, type PrSplit } from '../pr-split.js'
import type { RunLogger } from '../run.js'

/** What the caller (the action) knows about the pull request; the CLI passes nothing. */
export interface PullRequestContext {
  /** The event's base commit (pull_request.base.sha, merge_group.base_sha): used by base: auto. */
  baseSha?: string
  /** The PR files API (every page), for when git cannot provide the base; undefined outside a PR. */
  changedFiles?: () => Promise<PrFileChange[]>
}

/** Modes a base applies to: the PR check's. */
const BASE_MODES: readonly string[] = ['apply', 'dry-run', 'plan']

/** What to add to the workflow when neither git nor the API could give the base. */
export const BASE_WORKFLOW_FIX =
  'Add `fetch-depth: 0` to the actions/checkout step (or keep the default depth 1 and leave `persist-credentials` on, so pgshift can fetch the one base commit), or give the job `permissions: pull-requests: read` so pgshift can read the PR files API with the default github-token. To check every migration as one set instead, set base: off.'

export interface LoadedBase {
  split?: PrSplit
  problems: SourceProblem[]
  warnings: SourceWarning[]
}

/** The base ref this run uses, or undefined (no PR check: every migration is one set, as before). */
export function baseRef(settings: Settings, pr: PullRequestContext | undefined): string | undefined {
  if (!BASE_MODES.includes(settings.mode) || settings.base === 'off') return undefined
  if (settings.base === 'auto') return pr?.baseSha
  return settings.base
}

export async function loadBase(settings: Settings, found: DiscoveryResult, pr: PullRequestContext | undefined, log: RunLogger): Promise<LoadedBase> {
  const ref = baseRef(settings, pr)
  const out: LoadedBase = { problems: [], warnings: [] }
  if (!ref) return out
  // git (node:child_process) is loaded only by a run that has a base to read.
  const git = await import('../../source/git-base.js')
  let base: BaseFiles | undefined
  let gitFailure: GitBaseError | undefined
  try {
    const tree = await git.readGitBase({ workspace: settings.workspace, ref, dir: found.dir })
    try {
      const baseFound = await discover({ workspace: tree.workspace, dir: found.dir, convention: found.convention, parse: 'lazy' })
      const how = tree.fetched ? `git, base commit fetched with \`git fetch --depth=1 origin ${ref}\`` : 'git'
      base = { kind: 'git', sha: tree.sha, how, migrations: baseFound.migrations, numstat: tree.numstat }
      for (const p of baseFound.problems) out.warnings.push({ file: p.file, message: `in the base commit ${tree.sha.slice(0, 12)}: ${p.message}` })
    } finally {
      tree.cleanup()
    }
  } catch (e) {
    if (!(e instanceof git.GitBaseError)) throw e
    gitFailure = e
    // base: auto outside a git checkout (no actions/checkout): no PR check, as before.
    if (settings.base === 'auto' && /is not a git checkout/.test(e.message)) {
      log.info(`base: auto: ${e.message}; every migration is checked as one set (as with base: off)`)
      return out
    }
  }
  if (!base && gitFailure && pr?.changedFiles) {
    try {
      const dir = found.dir === '.' ? '' : `${found.dir.replace(/\/+$/, '')}/`
      const changed = (await pr.changedFiles()).filter((c) => c.path.startsWith(dir) || (c.previousPath ?? '').startsWith(dir))
      base = { kind: 'api', sha: ref, how: 'the PR files API (git could not provide the base commit)', changed }
      const message = `git could not provide the base commit ${ref} (${gitFailure.message}; ${gitFailure.tried.join('; ')}), so the PR's files came from the PR files API: the base phase applies the base's migrations as they are in this checkout. For the exact base, add \`fetch-depth: 0\` to the actions/checkout step, or keep its persisted credentials so pgshift can fetch the base commit.`
      out.warnings.push({ file: '', message })
      log.warn(message, { reported: true })
    } catch (e) {
      gitFailure.tried.push(`GET /repos/{owner}/{repo}/pulls/{number}/files: ${(e as Error).message}`)
    }
  }
  if (!base) {
    out.problems.push({
      file: found.dir,
      code: 'base-unavailable',
      message: `pgshift could not read the PR's base ${ref}: ${gitFailure?.message ?? 'unknown'}${gitFailure?.tried.length ? ` (tried: ${gitFailure.tried.join('; ')})` : ''}`,
      hint: BASE_WORKFLOW_FIX
    })
    return out
  }
  const r = splitPr(found.migrations, base, settings)
  out.split = r.split
  out.problems.push(...r.problems)
  out.warnings.push(...r.warnings)
  log.info(`base ${r.split.sha.slice(0, 12)} (from ${r.split.how}): ${r.split.base.length} base migration${r.split.base.length === 1 ? '' : 's'}, ${r.split.pr.length} in this PR`)
  return out
}
