// The sticky PR comment: one per PR and comment key, created by the first run
// and updated in place by every later run. Never fails the step: a token that
// may not write gets a notice, any other API failure a warning.
//
// API calls per run (octokit from @actions/github, which honours GITHUB_API_URL):
// 1. GET  /user                                 only for a non-`ghs_` token (a PAT), to learn whose comments are ours
// 2. GET  /repos/{owner}/{repo}/issues/{n}/comments?per_page=100   once per page (Link: rel="next")
// 3. PATCH /repos/{owner}/{repo}/issues/comments/{id}   when our comment exists, else
//    POST  /repos/{owner}/{repo}/issues/{n}/comments
import { getOctokit } from '@actions/github'
import { redact } from '../report/redact.js'
import { commentMarker, identityFromToken, pickSticky, type IssueComment, type TokenIdentity } from './comment-body.js'

export interface CommentTarget {
  /** owner/name of the repository the PR is in. */
  repository: string
  issueNumber: number
}

export interface CommentLog {
  info(message: string): void
  notice(message: string): void
  warning(message: string): void
}

export type CommentOutcome =
  | { result: 'created' | 'updated'; id: number; url?: string }
  | { result: 'not-permitted' | 'failed'; status?: number; message: string }

/** How long the whole exchange may take before it is given up (with a warning). */
const TIMEOUT_MS = 30_000

export const PERMISSION_ADVICE =
  'The token may not write PR comments: give the job `permissions: pull-requests: write` (and `contents: read`), or pass a token that has it as github-token. Repositories created since February 2023 default to a read-only GITHUB_TOKEN.'

/** The HTTP status GitHub answered with; undefined when no answer came (octokit reports a failed fetch as a 500 without a response). */
export function statusOf(e: unknown): number | undefined {
  const err = e as { status?: unknown; response?: unknown } | null
  return typeof err?.status === 'number' && err.response !== undefined ? err.status : undefined
}

export function messageOf(e: unknown): string {
  const m = (e as { message?: unknown } | null)?.message
  return redact(typeof m === 'string' ? m.split('\n')[0] ?? '' : String(e)).slice(0, 300)
}

/** Creates or updates the comment holding `body` (which starts with the marker for `key`). */
export async function upsertStickyComment(opts: { token: string; target: CommentTarget; key: string; body: string; log: CommentLog }): Promise<CommentOutcome> {
  const { token, target, body, log } = opts
  const [owner, repo] = target.repository.split('/')
  if (!owner || !repo) return { result: 'failed', message: `not a repository name: ${target.repository}` }
  const marker = commentMarker(redact(opts.key))
  const octokit = getOctokit(token)
  const request = { signal: AbortSignal.timeout(TIMEOUT_MS) }
  let step = 'reading the token\'s identity'
  try {
    let identity: TokenIdentity
    const known = identityFromToken(token)
    if (known === 'ask') {
      try {
        const { data } = await octokit.rest.users.getAuthenticated({ request })
        identity = { kind: 'user', login: data.login }
      } catch {
        identity = { kind: 'unknown' }
      }
    } else identity = known

    step = `listing the comments of PR #${target.issueNumber}`
    const comments: IssueComment[] = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: target.issueNumber,
      per_page: 100,
      request
    })
    const mine = pickSticky(comments, marker, identity)
    if (mine) {
      step = `updating comment ${mine.id}`
      const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body, request })
      log.info(`PR comment updated: ${data.html_url ?? `#${mine.id}`}`)
      return { result: 'updated', id: data.id ?? mine.id, url: data.html_url }
    }
    step = `creating a comment on PR #${target.issueNumber}`
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: target.issueNumber, body, request })
    log.info(`PR comment created: ${data.html_url ?? `#${data.id}`}`)
    return { result: 'created', id: data.id, url: data.html_url }
  } catch (e) {
    const status = statusOf(e)
    const what = `pgshift posted no PR comment: ${status ? `GitHub answered ${status}` : 'the request failed'} while ${step} (${messageOf(e)}).`
    if (status === 403 || status === 404) {
      log.notice(`${what} ${PERMISSION_ADVICE} The report is in the job summary; the check's result does not depend on the comment.`)
      return { result: 'not-permitted', status, message: what }
    }
    log.warning(`${what} The report is in the job summary; the check's result does not depend on the comment.`)
    return { result: 'failed', status, message: what }
  }
}
