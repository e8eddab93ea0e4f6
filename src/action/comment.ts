// The sticky PR comment: one per PR and comment key, created by the first run
// and updated in place by every later run. Never fails the step: any API failure
// (a token that may not write, a stalled or failing API) is a notice.
//
// API calls per run (github-api.ts: 10 s per request, one retry, 60 s in all):
// 1. GET  /user                                 only for a non-`ghs_` token (a PAT), to learn whose comments are ours
// 2. GET  /repos/{owner}/{repo}/issues/{n}/comments?per_page=100   once per page (Link: rel="next")
// 3. PATCH /repos/{owner}/{repo}/issues/comments/{id}   when our comment exists, else
//    POST  /repos/{owner}/{repo}/issues/{n}/comments
import { redact } from '../report/redact.js'
import { answeredStatus, githubClient } from './github-api.js'
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

export const PERMISSION_ADVICE =
  'The token may not write PR comments: give the job `permissions: pull-requests: write` (and `contents: read`), or pass a token that has it as github-token. Repositories created since February 2023 default to a read-only GITHUB_TOKEN.'

/** The HTTP status GitHub answered with (github-api.ts); kept under this name for the fleet's commit comment. */
export const statusOf = answeredStatus

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
  const octokit = githubClient(token)
  let step = 'reading the token\'s identity'
  try {
    let identity: TokenIdentity
    const known = identityFromToken(token)
    if (known === 'ask') {
      try {
        const { data } = await octokit.rest.users.getAuthenticated()
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
      per_page: 100
    })
    const mine = pickSticky(comments, marker, identity)
    if (mine) {
      step = `updating comment ${mine.id}`
      const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body })
      log.info(`PR comment updated: ${data.html_url ?? `#${mine.id}`}`)
      return { result: 'updated', id: data.id ?? mine.id, url: data.html_url }
    }
    step = `creating a comment on PR #${target.issueNumber}`
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: target.issueNumber, body })
    log.info(`PR comment created: ${data.html_url ?? `#${data.id}`}`)
    return { result: 'created', id: data.id, url: data.html_url }
  } catch (e) {
    const status = answeredStatus(e)
    const what = `pgshift posted no PR comment: ${status ? `GitHub answered ${status}` : 'the request failed'} while ${step} (${messageOf(e)}).`
    if (status === 403 || status === 404) {
      log.notice(`${what} ${PERMISSION_ADVICE} The report is in the job summary; the check's result does not depend on the comment.`)
      return { result: 'not-permitted', status, message: what }
    }
    log.notice(`${what} The report is in the job summary; the check's result does not depend on the comment.`)
    return { result: 'failed', status, message: what }
  }
}
