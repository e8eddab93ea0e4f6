// The PR files API, the PR check's fallback when git cannot provide the base
// commit (issue 15): GET /repos/{owner}/{repo}/pulls/{n}/files, every page (up to
// 3,000 files, GitHub's limit), with the real octokit (GITHUB_API_URL honoured)
// and bounded waits (github-api.ts: 10 s per page, one retry, 60 s in all).
// The engine gets the list as data; it never talks to GitHub.
import { answeredStatus, githubClient } from './github-api.js'
import type { PrFileChange } from '../engine/pr-split.js'

const STATUSES: ReadonlySet<string> = new Set(['added', 'removed', 'modified', 'renamed', 'copied', 'changed', 'unchanged'])

export async function listPullRequestFiles(token: string, repository: string, pullNumber: number): Promise<PrFileChange[]> {
  const [owner, repo] = repository.split('/')
  if (!owner || !repo) throw new Error(`not a repository name: ${repository}`)
  if (!token) throw new Error('github-token is empty')
  const octokit = githubClient(token)
  try {
    const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner, repo, pull_number: pullNumber, per_page: 100 })
    return files.map((f) => ({
      path: f.filename,
      status: (STATUSES.has(f.status) ? f.status : 'modified') as PrFileChange['status'],
      ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
      additions: f.additions,
      deletions: f.deletions
    }))
  } catch (e) {
    const status = answeredStatus(e)
    throw new Error(`GitHub answered ${status ?? 'nothing'} (${String((e as Error).message).split('\n')[0]})`)
  }
}
