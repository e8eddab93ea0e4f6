// What the run was triggered by, from the event payload and the runner's
// environment. Pure functions (the payload is read by the caller), so every
// rule here is unit-tested: which PR, which commit, whether it comes from a
// fork, and whether the trigger hands the PR's files a privileged context.

/** The fields of an event payload this module reads; everything is optional, as payloads vary by event. */
interface RepoRef {
  full_name?: string | null
}
interface EventPayload {
  pull_request?: {
    number?: number
    head?: { sha?: string; repo?: RepoRef | null }
    base?: { sha?: string; repo?: RepoRef | null }
  }
  repository?: RepoRef
  merge_group?: { base_sha?: string; head_sha?: string }
  workflow_run?: {
    event?: string
    head_sha?: string
    head_repository?: RepoRef | null
    repository?: RepoRef | null
    pull_requests?: unknown[]
  }
}

export interface PullRequestInfo {
  number: number
  /** The PR head commit (not GITHUB_SHA, which is the temporary merge commit on pull_request). */
  headSha?: string
  /** owner/name of the repository the PR comes from; undefined when that fork was deleted. */
  headRepo?: string
  /** owner/name of the repository the PR targets. */
  baseRepo?: string
}

export interface GithubContext {
  eventName: string
  /** owner/name (GITHUB_REPOSITORY, else the payload's repository). */
  repository?: string
  serverUrl: string
  runId?: string
  pr?: PullRequestInfo
  /** A PR whose head lives in another repository (or in a deleted one): read-only token, no secrets. */
  isFork: boolean
}

function asPayload(payload: unknown): EventPayload {
  return payload !== null && typeof payload === 'object' ? (payload as EventPayload) : {}
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined)

/** The PR the event is about, when the payload carries one (pull_request, pull_request_target, pull_request_review...). */
export function pullRequestOf(payload: unknown, env: NodeJS.ProcessEnv = {}): PullRequestInfo | undefined {
  const pr = asPayload(payload).pull_request
  if (!pr || typeof pr.number !== 'number' || !Number.isInteger(pr.number) || pr.number <= 0) return undefined
  return {
    number: pr.number,
    headSha: str(pr.head?.sha),
    headRepo: str(pr.head?.repo?.full_name),
    baseRepo: str(pr.base?.repo?.full_name) ?? str(asPayload(payload).repository?.full_name) ?? str(env.GITHUB_REPOSITORY)
  }
}

/**
 * The base commit of the PR check (base: auto): pull_request.base.sha on pull_request
 * events, merge_group.base_sha on merge_group events; none on any other event, so
 * deploys and rollbacks behave as without a base.
 */
export function eventBaseSha(eventName: string, payload: unknown): string | undefined {
  const p = asPayload(payload)
  if (eventName === 'pull_request') return str(p.pull_request?.base?.sha)
  if (eventName === 'merge_group') return str(p.merge_group?.base_sha)
  return undefined
}

/**
 * A PR from a fork: its head repository differs from the base (compared
 * case-insensitively, as GitHub names are), or is gone (a deleted fork gives
 * `head.repo: null`). A PR between two branches of one repository is not a
 * fork PR even when that repository is itself a fork.
 */
export function isForkPullRequest(pr: PullRequestInfo | undefined): boolean {
  if (!pr) return false
  if (!pr.headRepo) return true
  return pr.baseRepo !== undefined && pr.headRepo.toLowerCase() !== pr.baseRepo.toLowerCase()
}

export function githubContext(env: NodeJS.ProcessEnv, payload: unknown): GithubContext {
  const pr = pullRequestOf(payload, env)
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    repository: str(env.GITHUB_REPOSITORY) ?? str(asPayload(payload).repository?.full_name) ?? undefined,
    serverUrl: (str(env.GITHUB_SERVER_URL) ?? 'https://github.com').replace(/\/+$/, ''),
    runId: str(env.GITHUB_RUN_ID),
    pr,
    isFork: isForkPullRequest(pr)
  }
}

/** Pull request events: a workflow_run that follows one of these runs on behalf of a PR author. */
const PR_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment'])

/**
 * True when the trigger runs in the base repository's privileged context
 * (secrets, a write token) on behalf of a pull request, so that running the
 * PR head's migration files would hand a PR author the secret database:
 * - `pull_request_target`, always;
 * - `workflow_run`, unless the payload shows the triggering run was not a PR
 *   (a push to a branch of this repository, e.g. deploy after CI on main).
 *   A payload that does not say counts as untrusted.
 */
export function untrustedTrigger(eventName: string, payload: unknown): boolean {
  if (eventName === 'pull_request_target') return true
  if (eventName !== 'workflow_run') return false
  const wr = asPayload(payload).workflow_run
  if (!wr) return true
  if (!wr.event || PR_EVENTS.has(wr.event)) return true
  if (Array.isArray(wr.pull_requests) && wr.pull_requests.length > 0) return true
  const head = str(wr.head_repository?.full_name)
  const base = str(wr.repository?.full_name) ?? str(asPayload(payload).repository?.full_name)
  return !head || !base || head.toLowerCase() !== base.toLowerCase()
}

/** Why an untrusted trigger is refused, and how to run the check safely instead. */
export function untrustedExplanation(eventName: string): { message: string; next: string } {
  const what =
    eventName === 'pull_request_target'
      ? 'This run was triggered by pull_request_target, which runs with the base repository\'s secrets and a write token even for pull requests from forks'
      : 'This run was triggered by workflow_run for a pull request (or for a run whose origin the event does not show), which runs with the base repository\'s secrets and a write token'
  return {
    message: `${what}. Running a pull request's migration files there would let anyone who opens a pull request execute SQL against the secret database, so pgshift refused the run: nothing was read from or sent to the database.`,
    next:
      'Nothing was changed. Check pull requests with the pull_request event against a service container (no secrets needed; see examples/workflows/pr-check.yml), and apply from a push to the default branch. If this workflow only ever runs trusted, reviewed files, set allow-untrusted: true.'
  }
}

/** The sentence added to an empty-database-url error on a fork PR. */
export const FORK_EMPTY_URL =
  'This is a fork PR: GitHub gives it no secrets, so database-url is empty. Run the PR check against a service container instead (a Postgres in `services:`, see examples/workflows/pr-check.yml).'

/** Whether to post the PR comment: `auto` means on pull_request and pull_request_target events. */
export function commentWanted(setting: 'auto' | boolean, eventName: string): boolean {
  if (setting === 'auto') return eventName === 'pull_request' || eventName === 'pull_request_target'
  return setting
}

/** The default comment key: the workflow plus the job, so two jobs never overwrite each other's comment. */
export function defaultCommentKey(env: NodeJS.ProcessEnv): string {
  const parts = [str(env.GITHUB_WORKFLOW), str(env.GITHUB_JOB)].filter((p): p is string => p !== undefined)
  return parts.length ? parts.join('/') : 'pgshift'
}

/** Links into the files at the commit under test: the PR head on PR events (the merge commit GITHUB_SHA is temporary). */
export function blobBase(ctx: GithubContext, env: NodeJS.ProcessEnv): string | undefined {
  const sha = ctx.pr?.headSha ?? str(env.GITHUB_SHA)
  return ctx.repository && sha ? `${ctx.serverUrl}/${ctx.repository}/blob/${sha}/` : undefined
}

/** The run's page, where the job summary is shown. */
export function runPage(ctx: GithubContext): string | undefined {
  return ctx.repository && ctx.runId ? `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}` : undefined
}
