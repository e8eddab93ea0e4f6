// The rules behind the PR report, without a runner: which PR, whether it is a
// fork, which triggers are refused, the comment's marker and which existing
// comment is ours, and the GitHub-only inputs.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunReport } from '../../src/engine/report.js'
import { commentBody, commentMarker, GITHUB_COMMENT_LIMIT, hasMarker, identityFromToken, pickSticky, type IssueComment } from '../../src/action/comment-body.js'
import {
  blobBase,
  commentWanted,
  defaultCommentKey,
  githubContext,
  isForkPullRequest,
  pullRequestOf,
  runPage,
  untrustedExplanation,
  untrustedTrigger
} from '../../src/action/github-context.js'
import { clearSecretsForTesting, registerSecret } from '../../src/report/redact.js'
import { ACTION_INPUT_NAMES, GITHUB_INPUT_NAMES, INPUT_NAMES, parseSettings, SettingsError } from '../../src/settings.js'

const HEAD = 'feedfacefeedfacefeedfacefeedfacefeedface'
const pr = (head: string | null, base = 'acme/app') => ({
  pull_request: { number: 7, head: { sha: HEAD, repo: head === null ? null : { full_name: head } }, base: { sha: 'b'.repeat(40), repo: { full_name: base } } },
  repository: { full_name: base }
})
const ENV = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REPOSITORY: 'acme/app', GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '4242', GITHUB_SHA: 'c'.repeat(40) }

describe('the event', () => {
  test('PR number, head SHA and the two repositories', () => {
    expect(pullRequestOf(pr('acme/app'))).toEqual({ number: 7, headSha: HEAD, headRepo: 'acme/app', baseRepo: 'acme/app' })
    expect(pullRequestOf({})).toBeUndefined()
    expect(pullRequestOf({ pull_request: { number: 'seven' } })).toBeUndefined()
    expect(pullRequestOf(null)).toBeUndefined()
    // The base falls back to the payload's repository, then GITHUB_REPOSITORY.
    expect(pullRequestOf({ pull_request: { number: 3, head: { repo: { full_name: 'x/y' } } } }, { GITHUB_REPOSITORY: 'acme/app' })?.baseRepo).toBe('acme/app')
  })

  test('a fork PR: another head repository, or a deleted one; never a branch of the same repository', () => {
    expect(isForkPullRequest(pullRequestOf(pr('acme/app')))).toBe(false)
    expect(isForkPullRequest(pullRequestOf(pr('ACME/App')))).toBe(false)
    expect(isForkPullRequest(pullRequestOf(pr('mallory/app')))).toBe(true)
    expect(isForkPullRequest(pullRequestOf(pr(null)))).toBe(true)
    expect(isForkPullRequest(undefined)).toBe(false)
    expect(githubContext(ENV, pr('mallory/app'))).toMatchObject({ eventName: 'pull_request', repository: 'acme/app', isFork: true, pr: { number: 7 } })
    expect(githubContext({ ...ENV, GITHUB_EVENT_NAME: 'push' }, {})).toMatchObject({ eventName: 'push', isFork: false, pr: undefined })
  })

  test('links: blobs at the PR head (not the merge commit), the run page for the summary', () => {
    const ctx = githubContext(ENV, pr('acme/app'))
    expect(blobBase(ctx, ENV)).toBe(`https://github.com/acme/app/blob/${HEAD}/`)
    expect(blobBase(githubContext(ENV, {}), ENV)).toBe(`https://github.com/acme/app/blob/${'c'.repeat(40)}/`)
    expect(runPage(ctx)).toBe('https://github.com/acme/app/actions/runs/4242')
    expect(runPage(githubContext({ ...ENV, GITHUB_RUN_ID: '' }, {}))).toBeUndefined()
    const ghes = githubContext({ ...ENV, GITHUB_SERVER_URL: 'https://git.example.com/' }, pr('acme/app'))
    expect(runPage(ghes)).toBe('https://git.example.com/acme/app/actions/runs/4242')
  })
})

describe('untrusted triggers', () => {
  test('pull_request_target always; workflow_run after a PR or of unknown origin; the rest never', () => {
    expect(untrustedTrigger('pull_request_target', pr('acme/app'))).toBe(true)
    expect(untrustedTrigger('pull_request_target', {})).toBe(true)
    expect(untrustedTrigger('workflow_run', {})).toBe(true)
    expect(untrustedTrigger('workflow_run', { workflow_run: { event: 'pull_request', pull_requests: [] } })).toBe(true)
    expect(untrustedTrigger('workflow_run', { workflow_run: { event: 'push', pull_requests: [{ number: 1 }], head_repository: { full_name: 'a/b' }, repository: { full_name: 'a/b' } } })).toBe(true)
    expect(untrustedTrigger('workflow_run', { workflow_run: { event: 'push', head_repository: { full_name: 'm/b' }, repository: { full_name: 'a/b' } } })).toBe(true)
    expect(untrustedTrigger('workflow_run', { workflow_run: { event: 'push', head_repository: { full_name: 'a/b' } } })).toBe(true)
    // Deploy after CI on the default branch: a push to this repository.
    expect(untrustedTrigger('workflow_run', { workflow_run: { event: 'push', pull_requests: [], head_repository: { full_name: 'a/b' }, repository: { full_name: 'a/b' } } })).toBe(false)
    for (const e of ['pull_request', 'push', 'workflow_dispatch', 'schedule', '']) expect(untrustedTrigger(e, pr('mallory/app'))).toBe(false)
  })

  test('the explanation names the trigger, the risk, the safe alternative and the opt-in', () => {
    const { message, next } = untrustedExplanation('pull_request_target')
    expect(message).toMatch(/pull_request_target.*secrets.*refused/s)
    expect(next).toMatch(/pull_request event against a service container/)
    expect(next).toContain('allow-untrusted: true')
    expect(untrustedExplanation('workflow_run').message).toMatch(/workflow_run/)
  })
})

describe('the comment', () => {
  test('auto comments on pull_request and pull_request_target only', () => {
    expect(commentWanted('auto', 'pull_request')).toBe(true)
    expect(commentWanted('auto', 'pull_request_target')).toBe(true)
    expect(commentWanted('auto', 'push')).toBe(false)
    expect(commentWanted('auto', 'workflow_run')).toBe(false)
    expect(commentWanted(true, 'push')).toBe(true)
    expect(commentWanted(false, 'pull_request')).toBe(false)
  })

  test('the default key is the workflow plus the job', () => {
    expect(defaultCommentKey({ GITHUB_WORKFLOW: 'Migrations (PR check)', GITHUB_JOB: 'migrations' })).toBe('Migrations (PR check)/migrations')
    expect(defaultCommentKey({ GITHUB_JOB: 'migrations' })).toBe('migrations')
    expect(defaultCommentKey({})).toBe('pgshift')
  })

  test('the marker: escaped so that no key closes the HTML comment, and one key never matches another', () => {
    expect(commentMarker('Migrations (PR check)/migrations')).toBe('<!-- pgshift:comment-key=Migrations (PR check)/migrations -->')
    const evil = commentMarker('x -->\n<script>alert(1)</script><!--')
    expect(evil).toBe('<!-- pgshift:comment-key=x --%3E%0A%3Cscript%3Ealert(1)%3C/script%3E%3C!-- -->')
    expect(evil.slice(4, -3)).not.toMatch(/[<>\n]/)
    const a = commentMarker('a')
    expect(hasMarker(`${commentMarker('ab')}\nbody`, a)).toBe(false)
    expect(hasMarker(`${a}\r\nbody`, a)).toBe(true)
    expect(hasMarker(`quoting ${a} inline`, a)).toBe(false)
    expect(hasMarker(null, a)).toBe(false)
  })

  test('which comment is ours: the marker, and the token\'s author', () => {
    const m = commentMarker('k')
    const c = (id: number, body: string, login: string, type = 'User'): IssueComment => ({ id, body, user: { login, type } })
    const comments = [
      c(1, 'hello', 'alice'),
      c(2, `${m}\nspoofed`, 'mallory'),
      c(3, `${commentMarker('other')}\nx`, 'github-actions[bot]', 'Bot'),
      c(4, `${m}\nother app`, 'some-app[bot]', 'Bot'),
      c(5, `${m}\nours`, 'github-actions[bot]', 'Bot'),
      c(6, `${m}\nmine, by PAT`, 'deploy-user')
    ]
    expect(identityFromToken('ghs_abc')).toEqual({ kind: 'bot' })
    expect(identityFromToken('ghp_abc')).toBe('ask')
    expect(identityFromToken('github_pat_abc')).toBe('ask')
    expect(pickSticky(comments, m, { kind: 'bot' })?.id).toBe(5)
    expect(pickSticky(comments.filter((x) => x.id !== 5), m, { kind: 'bot' })?.id).toBe(4)
    expect(pickSticky(comments, m, { kind: 'user', login: 'Deploy-User' })?.id).toBe(6)
    // Never someone else's comment, even with our marker in it.
    expect(pickSticky(comments.filter((x) => x.user?.type !== 'Bot' && x.id !== 6), m, { kind: 'bot' })).toBeUndefined()
    expect(pickSticky(comments, m, { kind: 'user', login: 'mallory2' })).toBeUndefined()
    expect(pickSticky(comments, m, { kind: 'unknown' })?.id).toBe(4)
    expect(pickSticky([c(2, `${m}\nx`, 'mallory')], m, { kind: 'unknown' })?.id).toBe(2)
  })

  test('the body: the marker line, the report, links at the head, and under 65,536 characters when huge', () => {
    const report = hugeReport(3000)
    const body = commentBody(report, { key: 'ci/check', linkBase: `https://github.com/acme/app/blob/${HEAD}/`, runPage: 'https://github.com/acme/app/actions/runs/4242' })
    expect(body.split('\n')[0]).toBe('<!-- pgshift:comment-key=ci/check -->')
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT)
    // Constant size: 3,000 migrations make a short comment, with a pointer to the rest.
    expect(body.length).toBeLessThan(20_000)
    expect(body).toMatch(/^## ❌ pgshift apply failed/m)
    expect(body).toContain(`https://github.com/acme/app/blob/${HEAD}/migrations/0001_m.sql#L3`)
    expect(body).toMatch(/more migrations? not shown here: see the \[job summary\]\(https:\/\/github.com\/acme\/app\/actions\/runs\/4242\)/)
    expect(body).toMatch(/^\*\*Next:\*\*/m)
  })

  test('the body is redacted, the marker included', () => {
    clearSecretsForTesting()
    registerSecret('s3cr3t-value')
    try {
      const report = hugeReport(1)
      report.migrations[0]!.error!.message = 'role "x" password s3cr3t-value rejected'
      const body = commentBody(report, { key: 'k-s3cr3t-value' })
      expect(body).not.toContain('s3cr3t-value')
      expect(body).toContain('password *** rejected')
      expect(body.split('\n')[0]).toBe('<!-- pgshift:comment-key=k-*** -->')
    } finally {
      clearSecretsForTesting()
    }
  })
})

describe('the GitHub inputs', () => {
  const ws = mkdtempSync(join(tmpdir(), 'pgshift-gh-'))
  const base = { 'database-url': 'postgres://u:p@h/db' }

  test('are in the one schema, with defaults, and not CLI flags', () => {
    expect(GITHUB_INPUT_NAMES).toEqual(['comment', 'github-token', 'comment-key', 'allow-untrusted'])
    for (const n of GITHUB_INPUT_NAMES) {
      expect(ACTION_INPUT_NAMES).toContain(n)
      expect(INPUT_NAMES).not.toContain(n)
    }
    expect(parseSettings(base, ws).github).toEqual({ comment: 'auto', token: '', commentKey: undefined, allowUntrusted: false })
    expect(parseSettings({ ...base, comment: 'false', 'github-token': ' ghs_x ', 'comment-key': 'pg 17', 'allow-untrusted': 'yes' }, ws).github).toEqual({
      comment: false,
      token: 'ghs_x',
      commentKey: 'pg 17',
      allowUntrusted: true
    })
    expect(parseSettings({ ...base, comment: 'TRUE' }, ws).github.comment).toBe(true)
  })

  test('errors name the input, the value and the expected form; the token is never echoed', () => {
    let err: SettingsError | undefined
    try {
      parseSettings({ ...base, comment: 'sometimes', 'allow-untrusted': 'maybe', 'comment-key': 'a\nb', 'github-token': 'ghs_secret' }, ws)
    } catch (e) {
      err = e as SettingsError
    }
    expect(err?.problems).toEqual([
      "comment: 'sometimes' is not one of auto | true | false",
      "comment-key: 'a?b' is not a comment key; expected up to 200 characters on one line, e.g. migrations/pr-check",
      "allow-untrusted: 'maybe' is not a boolean; expected true or false"
    ])
    expect(err?.message).not.toContain('ghs_secret')
  })
})

/** A failing apply report with `n` migrations, big enough to need cutting. */
function hugeReport(n: number): RunReport {
  const migrations = Array.from({ length: n }, (_, i) => {
    const identity = `${String(i + 1).padStart(4, '0')}_m`
    return {
      identity,
      file: `migrations/${identity}.sql`,
      version: String(i + 1).padStart(4, '0'),
      name: 'm',
      kind: 'versioned' as const,
      status: i === 0 ? ('failed' as const) : ('pending' as const),
      statements: 2,
      runMode: 'transaction' as const,
      hasDown: false,
      note: 'x'.repeat(40),
      ...(i === 0
        ? { error: { file: `migrations/${identity}.sql`, position: { line: 3, col: 5 }, sqlstate: '42P01', message: 'relation "nowhere" does not exist', next: 'Fix it, then rerun.' } }
        : {})
    }
  })
  return {
    tool: 'pgshift',
    version: '0.1.0',
    mode: 'apply',
    status: 'failed',
    target: 'db.example.com:5432/app',
    migrationsDir: 'migrations',
    convention: 'numbered',
    conventionNote: '',
    historyTable: 'pgshift.schema_history',
    startedAt: '2026-01-05T09:00:00.000Z',
    durationMs: 10,
    migrations,
    plan: { pending: [], applied: [], drifted: [], missing: [], outOfOrder: [], changedRepeatables: [], partial: [], refusals: [] },
    applied: [],
    pending: migrations.slice(1).map((m) => m.identity),
    warnings: [],
    problems: [],
    nextStep: 'Fix it, then rerun.'
  }
}
