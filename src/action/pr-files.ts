// The PR files API, the PR check's fallback when git cannot provide the base
// commit (issue 15): GET /repos/{owner}/{repo}/pulls/{n}/files, every page (up to
// 3,000 files, GitHub's limit), with the real octokit (GITHUB_API_URL honoured).
// The engine gets the list as data; it never talks to GitHub.
import { getOctokit } from '@actions/github'
import type { PrFileChange } from '../engine/pr-split.js'

const TIMEOUT_MS = 30_000
const STATUSES: ReadonlySet<string> = new Set(['added', 'removed', 'modified', 'renamed', 'copied', 'changed', 'unchanged'])

export async function listPullRequestFiles(token: string, repository: string, pullNumber: number): Promise<PrFileChange[]> {
  const [owner, repo] = repository.split('/')
  if (!owner || !repo) throw new Error(`not a repository name: ${repository}`)
  if (!token) throw new Error('github-token is empty')
  const octokit = getOctokit(token)
  try {
    const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner, repo, pull_number: pullNumber, per_page: 100, request: { signal: AbortSignal.timeout(TIMEOUT_MS) } })
    return files.map((f) => ({
      path: f.filename,
      status: (STATUSES.has(f.status) ? f.status : 'modified') as PrFileChange['status'],
      ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
      additions: f.additions,
      deletions: f.deletions
    }))
  } catch (e) {
    const status = (e as { status?: unknown }).status
    throw new Error(`GitHub answered ${typeof status === 'number' ? status : 'nothing'} (${String((e as Error).message).split('\n')[0]})`)
  }
}
