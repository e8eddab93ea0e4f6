// The one way src/action/ talks to the GitHub API: the real octokit from
// @actions/github (GITHUB_API_URL honoured) with bounded waits (issue 19 item 6).
// - every request (each page of a list too) is given up after 10 s;
// - a request that got no answer, or a 5xx, is retried once; a POST only when the
//   connection was refused (a POST that timed out may have been created: a retry
//   would post a second comment);
// - a whole exchange (one client: the sticky comment, the PR files list) is given
//   up after 60 s, however many pages it has.
// So the step's time after the migrations is bounded: a stalled API costs at most
// 2 x 10 s per call and 60 s in all, and ends in a notice, never a hang.
import { getOctokit } from '@actions/github'

/** Per request, per attempt. */
export const API_TIMEOUT_MS = 10_000
/** Attempts per request: one retry at most. */
export const API_ATTEMPTS = 2
/** A whole exchange (all its requests and retries). */
export const API_BUDGET_MS = 60_000

export type GithubClient = ReturnType<typeof getOctokit>

interface RequestOptions {
  method?: string
  url?: string
  request?: { signal?: AbortSignal } & Record<string, unknown>
  [k: string]: unknown
}

const CONNECTION_REFUSED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])

/** The HTTP status GitHub answered with; undefined when no answer came (octokit reports a failed fetch as a 500 without a response). */
export function answeredStatus(e: unknown): number | undefined {
  const err = e as { status?: unknown; response?: unknown } | null
  return typeof err?.status === 'number' && err.response !== undefined ? err.status : undefined
}

function causeCode(e: unknown): string | undefined {
  let c: unknown = e
  for (let i = 0; i < 4 && c; i++) {
    const code = (c as { code?: unknown }).code
    if (typeof code === 'string') return code
    c = (c as { cause?: unknown }).cause
  }
  return undefined
}

function retryable(e: unknown, method: string): boolean {
  const status = answeredStatus(e)
  if (status !== undefined) return status >= 500 && method !== 'POST'
  if (method !== 'POST') return true
  const code = causeCode(e)
  return code !== undefined && CONNECTION_REFUSED.has(code)
}

/** An octokit whose every request has the bounded waits above. */
export function githubClient(token: string, limits: { timeoutMs?: number; budgetMs?: number } = {}): GithubClient {
  const timeoutMs = limits.timeoutMs ?? API_TIMEOUT_MS
  const budget = AbortSignal.timeout(limits.budgetMs ?? API_BUDGET_MS)
  const octokit = getOctokit(token)
  octokit.hook.wrap('request', async (request, options) => {
    const opts = options as unknown as RequestOptions
    const method = String(opts.method ?? 'GET').toUpperCase()
    for (let attempt = 1; ; attempt++) {
      const perTry = AbortSignal.timeout(timeoutMs)
      const signal = AbortSignal.any([perTry, budget])
      // In place: before-after-hook hands the inner hooks (octokit's auth) the options
      // object it gave us, not the one we would pass on.
      opts.request = { ...opts.request, signal }
      try {
        return await request(options)
      } catch (e) {
        const stalled = answeredStatus(e) === undefined && (perTry.aborted || budget.aborted)
        const again = attempt < API_ATTEMPTS && !budget.aborted && retryable(e, method)
        if (again) continue
        if (!stalled) throw e
        const why = budget.aborted
          ? `no answer within the ${Math.round((limits.budgetMs ?? API_BUDGET_MS) / 1000)} s given to all GitHub calls`
          : `no answer within ${Math.round(timeoutMs / 1000)} s, ${attempt} attempt${attempt === 1 ? '' : 's'}`
        throw Object.assign(new Error(why), { cause: e, status: undefined })
      }
    }
  })
  return octokit
}
