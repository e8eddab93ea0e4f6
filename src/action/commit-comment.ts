// The sticky comment on a commit, for a fleet report on a push (a deploy has no
// PR to comment on). The same marker and the same "whose comment is ours" rule
// as the PR comment (comment-body.ts). Never fails the step: any failure is a
// notice (as the PR comment). Bounded waits: github-api.ts (10 s per request,
// one retry, 60 s in all).
//
// API calls: GET /repos/{o}/{r}/commits/{sha}/comments (paged), then
// PATCH /repos/{o}/{r}/comments/{id} or POST /repos/{o}/{r}/commits/{sha}/comments.
import { githubClient } from './github-api.js'
import { redact } from '../report/redact.js'
import { commentMarker, identityFromToken, pickSticky, type IssueComment, type TokenIdentity } from './comment-body.js'
import { messageOf, statusOf, type CommentLog } from './comment.js'

export async function upsertCommitComment(opts: { token: string; repository: string; sha: string; key: string; body: string; log: CommentLog }): Promise<'created' | 'updated' | 'failed'> {
  const [owner, repo] = opts.repository.split('/')
  if (!owner || !repo) return 'failed'
  const marker = commentMarker(redact(opts.key))
  const octokit = githubClient(opts.token)
  let step = 'listing the commit comments'
  try {
    const known = identityFromToken(opts.token)
    let identity: TokenIdentity = { kind: 'unknown' }
    if (known !== 'ask') identity = known
    else {
      const { data } = await octokit.rest.users.getAuthenticated().catch(() => ({ data: undefined }))
      if (data) identity = { kind: 'user', login: data.login }
    }
    const comments: IssueComment[] = await octokit.paginate(octokit.rest.repos.listCommentsForCommit, { owner, repo, commit_sha: opts.sha, per_page: 100 })
    const mine = pickSticky(comments, marker, identity)
    if (mine) {
      step = `updating commit comment ${mine.id}`
      const { data } = await octokit.rest.repos.updateCommitComment({ owner, repo, comment_id: mine.id, body: opts.body })
      opts.log.info(`commit comment updated: ${data.html_url}`)
      return 'updated'
    }
    step = `commenting on commit ${opts.sha.slice(0, 7)}`
    const { data } = await octokit.rest.repos.createCommitComment({ owner, repo, commit_sha: opts.sha, body: opts.body })
    opts.log.info(`commit comment created: ${data.html_url}`)
    return 'created'
  } catch (e) {
    const status = statusOf(e)
    const what = `pgshift posted no commit comment: ${status ? `GitHub answered ${status}` : 'the request failed'} while ${step} (${messageOf(e)}).`
    if (status === 403 || status === 404) {
      opts.log.notice(`${what} The token may not write commit comments: give the job \`permissions: contents: write\`. The report is in the job summary.`)
    } else opts.log.notice(`${what} The report is in the job summary.`)
    return 'failed'
  }
}
