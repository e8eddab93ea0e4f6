// Bounded waits on GitHub (issue 19 item 6), end to end: dist/index.js on Node 24
// against the local recording server made to stall (it reads each request and
// never answers) or to fail. Every API call is given up after 10 s and retried at
// most once; the failure is a notice; the exit code is the migrations' own.
// The ceiling on each run is the harness's kill timer: a run that hangs is
// killed (signal SIGKILL) and fails the assertions; it is not a benchmark.
import { runAction, type ActionRun } from '../support/action-runner.js'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { startFakeGithub, type FakeGithub, type FakeGithubOptions } from '../support/fake-github.js'
import { git, makePrRepo, shallowClone } from '../support/git-repo.js'
import { makeWorkspace } from '../support/workspace.js'

/** 2 attempts x 10 s on one call is 20 s; a run that needs more than this has not bounded its waits. */
const CEILING_MS = 45_000

const prEvent = (baseSha = 'b'.repeat(40), headSha = 'f'.repeat(40)) => ({
  action: 'synchronize',
  number: 7,
  pull_request: { number: 7, head: { sha: headSha, ref: 'pr', repo: { full_name: 'acme/app' } }, base: { sha: baseSha, ref: 'main', repo: { full_name: 'acme/app' } } },
  repository: { full_name: 'acme/app' }
})

const servers: FakeGithub[] = []
const dbs: TestDatabase[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
  for (const d of dbs.splice(0)) await d.drop()
})

async function fake(opts: FakeGithubOptions): Promise<FakeGithub> {
  const g = await startFakeGithub(opts)
  servers.push(g)
  return g
}

async function run(g: FakeGithub, ws: string, inputs: Record<string, string> = {}, event: unknown = prEvent()): Promise<{ r: ActionRun; ms: number }> {
  const db = await freshDatabase()
  dbs.push(db)
  const t0 = Date.now()
  const r = await runAction({
    workspace: ws,
    eventName: 'pull_request',
    event,
    inputs: { 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', 'github-token': 'ghs_fake', ...inputs },
    env: { GITHUB_API_URL: g.url, GITHUB_WORKFLOW: 'Migrations', GITHUB_JOB: 'check' },
    timeoutMs: CEILING_MS
  })
  return { r, ms: Date.now() - t0 }
}

const explain = (r: ActionRun) => `exit ${r.code} signal ${r.signal}\n${r.stdout}\n${r.stderr}`
const levels = (r: ActionRun, level: string) => r.annotations.filter((a) => a.level === level).map((a) => a.message)

test('a stalled API: the comment is given up after 10 s and one retry, with a notice; the exit code is the migrations\' (success and failure)', async () => {
  const okApi = await fake({ answer: () => 'stall' })
  const badApi = await fake({ answer: () => 'stall' })
  // A POST that gets no answer may have been created: it is not retried (no second comment).
  const postApi = await fake({ answer: (req) => (req.method === 'POST' ? 'stall' : undefined) })
  const [ok, bad, post] = await Promise.all([
    run(okApi, makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id bigint PRIMARY KEY);\n' })),
    run(badApi, makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id bigint PRIMARY KEY);\n', '002_b.sql': 'SELECT 1/0;\n' })),
    run(postApi, makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id bigint PRIMARY KEY);\n' }))
  ])

  // It exits by itself (no SIGKILL from the ceiling), with the migrations' status.
  expect(ok.r.signal).toBeNull()
  expect(ok.r.code).toBe(0)
  expect(ok.r.outputs.status).toBe('success')
  expect(ok.r.summary).toMatch(/^## ✅ pgshift apply: /m)
  // One request, one retry, nothing else.
  expect(okApi.calls()).toEqual(['GET /repos/acme/app/issues/7/comments', 'GET /repos/acme/app/issues/7/comments'])
  expect(levels(ok.r, 'notice').join('\n')).toMatch(
    /pgshift posted no PR comment: the request failed while listing the comments of PR #7 \(no answer within 10 s, 2 attempts\)\. The report is in the job summary/
  )
  expect(levels(ok.r, 'warning')).toEqual([])
  expect(levels(ok.r, 'error')).toEqual([])
  // Two waits of 10 s happened (the bound is real, not skipped).
  expect(ok.ms).toBeGreaterThanOrEqual(19_000)

  expect(bad.r.signal).toBeNull()
  expect(bad.r.code).toBe(1)
  expect(bad.r.outputs.status).toBe('failed')
  expect(badApi.calls()).toEqual(['GET /repos/acme/app/issues/7/comments', 'GET /repos/acme/app/issues/7/comments'])
  expect(levels(bad.r, 'error').join('\n')).toContain('22012')
  expect(levels(bad.r, 'error').join('\n')).not.toMatch(/comment/)
  expect(levels(bad.r, 'notice').join('\n')).toMatch(/no answer within 10 s, 2 attempts/)

  expect(post.r.signal).toBeNull()
  expect(post.r.code).toBe(0)
  expect(postApi.calls()).toEqual(['GET /repos/acme/app/issues/7/comments', 'POST /repos/acme/app/issues/7/comments'])
  expect(levels(post.r, 'notice').join('\n')).toMatch(/the request failed while creating a comment on PR #7 \(no answer within 10 s, 1 attempt\)/)
}, 120_000)

test('a 502 is retried once and the comment is written; a second 502 is a notice', async () => {
  const flaky = await fake({ answer: (_req, i) => (i === 0 ? 502 : undefined) })
  const down = await fake({ answer: () => 503 })
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id bigint PRIMARY KEY);\n' })
  const [once, twice] = await Promise.all([run(flaky, ws), run(down, ws)])
  expect(once.r.code).toBe(0)
  expect(flaky.calls()).toEqual(['GET /repos/acme/app/issues/7/comments', 'GET /repos/acme/app/issues/7/comments', 'POST /repos/acme/app/issues/7/comments'])
  expect(flaky.comments).toHaveLength(1)
  expect(levels(once.r, 'notice')).toEqual([])

  expect(twice.r.code).toBe(0)
  expect(down.calls()).toEqual(['GET /repos/acme/app/issues/7/comments', 'GET /repos/acme/app/issues/7/comments'])
  expect(levels(twice.r, 'notice').join('\n')).toMatch(/GitHub answered 503 while listing the comments of PR #7 \(fake GitHub answered 503\b/)
  expect(levels(twice.r, 'warning')).toEqual([])
}, 60_000)

test('a stalled PR files API (the PR check\'s fallback) is given up the same way: the check reports the base as unavailable', async () => {
  const repo = makePrRepo(
    { 'migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n' },
    { 'migrations/002_idx.sql': 'CREATE INDEX users_id_idx ON users (id);\n' }
  )
  const { clone } = shallowClone(repo)
  git(clone, 'remote', 'set-url', 'origin', 'file:///nonexistent/origin.git')
  const g = await fake({ answer: (req) => (req.path.includes('/pulls/') ? 'stall' : undefined) })
  const { r } = await run(g, clone, { 'test-rollback': 'false' }, prEvent(repo.baseSha, repo.headSha))
  expect(r.signal).toBeNull()
  expect(r.code).toBe(1)
  expect(g.calls()).toEqual(['GET /repos/acme/app/pulls/7/files', 'GET /repos/acme/app/pulls/7/files', 'GET /repos/acme/app/issues/7/comments', 'POST /repos/acme/app/issues/7/comments'])
  expect(r.summary).toMatch(/pulls\/\{number\}\/files: GitHub answered nothing \(no answer within 10 s, 2 attempts\)/)
  expect(explain(r)).toContain('base-unavailable')
}, 90_000)
