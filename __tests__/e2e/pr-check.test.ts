// The PR check end to end (issue 15): dist/index.js on Node 24, a real git
// repository as the workspace (base commit on main, the PR branch checked out),
// a pull_request event file carrying pull_request.base.sha, embedded Postgres,
// and the local fake GitHub API for the comment and the PR files fallback.
import { readFileSync } from 'node:fs'
import type { RunReport } from '../../src/engine/report.js'
import { runAction, type ActionRun } from '../support/action-runner.js'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { startFakeGithub, type FakeGithub } from '../support/fake-github.js'
import { git, makePrRepo, shallowClone, type PrRepo } from '../support/git-repo.js'

const BASE = {
  'migrations/001_users.sql':
    "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);\nINSERT INTO users (email) SELECT 'u' || g || '@example.com' FROM generate_series(1, 500) g;\n"
}
const INDEX_PR = {
  'migrations/002_users_email_idx.sql': 'create index users_email_idx on users(email);\n',
  'migrations/002_users_email_idx.down.sql': 'drop index users_email_idx;\n'
}

let db: TestDatabase
let gh: FakeGithub | undefined
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await gh?.close()
  gh = undefined
  await db.drop()
})

const event = (repo: PrRepo) => ({
  action: 'synchronize',
  number: 7,
  pull_request: { number: 7, head: { sha: repo.headSha, ref: 'pr', repo: { full_name: 'acme/app' } }, base: { sha: repo.baseSha, ref: 'main', repo: { full_name: 'acme/app' } } },
  repository: { full_name: 'acme/app' }
})

function runCheck(ws: string, repo: PrRepo, github: FakeGithub, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    workspace: ws,
    eventName: 'pull_request',
    event: event(repo),
    inputs: { 'database-url': db.url, mode: 'apply', 'test-rollback': 'true', 'migrations-dir': 'migrations', 'github-token': 'ghs_fake', ...inputs },
    env: { GITHUB_API_URL: github.url, GITHUB_WORKFLOW: 'Migrations', GITHUB_JOB: 'check' }
  })
}

const explain = (r: ActionRun) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`
const jsonReport = (r: ActionRun) => JSON.parse(readFileSync(r.outputs.report as string, 'utf8')) as RunReport

test('the index example: outputs, the PR-check summary, the lint annotation on the PR file, the comment', async () => {
  const repo = makePrRepo(BASE, INDEX_PR)
  gh = await startFakeGithub()
  const r = await runCheck(repo.dir, repo, gh)
  expect(r.code).toBe(0)
  expect(r.outputs.status).toBe('success')
  expect(r.outputs['pr-migrations']).toBe('["002_users_email_idx"]')
  expect(JSON.parse(r.outputs.applied as string)).toEqual(['001_users', '002_users_email_idx'])
  expect(r.summary.split('\n')[0]).toBe('## pgshift PR check (ephemeral database): 1 migration in this PR ✅ apply ✅ rollback ⚠️ 1 lint warning')
  expect(r.summary).toContain(`**Base phase:** 1 migration of base ${repo.baseSha.slice(0, 12)} applied in`)
  expect(r.summary).toMatch(/### Locks on existing tables\n\n- `002_users_email_idx`\n  - \*\*SHARE\*\* on `public\.users`/)
  expect(r.summary).toContain("**Rollback test:** ✅ passed: up, down, up over the PR's migrations left the same schema")
  // The base phase is one line: no row of 001 in the first screen's table.
  expect(r.summary).not.toMatch(/\| [^|]*001_users[^|]* \| ✅ applied/)
  const lint = r.annotations.filter((a) => a.props.title === 'pgshift lint: require-concurrent-index')
  expect(lint).toEqual([expect.objectContaining({ level: 'warning', props: expect.objectContaining({ file: 'migrations/002_users_email_idx.sql', line: '1' }) })])
  expect(r.annotations.filter((a) => a.level === 'error')).toEqual([])
  const report = jsonReport(r)
  expect(report.migrations.map((m) => [m.identity, m.origin])).toEqual([
    ['001_users', 'base'],
    ['002_users_email_idx', 'pr']
  ])
  // The sticky comment carries the same heading; the PR files API was not needed (git had the base).
  expect(gh.calls()).toEqual(['GET /repos/acme/app/issues/7/comments', 'POST /repos/acme/app/issues/7/comments'])
  expect(String((gh.requests[1]?.body as { body: string }).body)).toContain('pgshift PR check (ephemeral database): 1 migration in this PR')
}, 90_000)

test('a depth-1 checkout whose origin cannot serve the base: the PR files API (paginated) stands in, and the report says so', async () => {
  const repo = makePrRepo(BASE, INDEX_PR)
  const { clone } = shallowClone(repo)
  git(clone, 'remote', 'set-url', 'origin', 'file:///nonexistent/origin.git')
  gh = await startFakeGithub({
    pageSize: 1,
    prFiles: {
      7: [
        { filename: 'migrations/002_users_email_idx.sql', status: 'added', additions: 1, deletions: 0 },
        { filename: 'migrations/002_users_email_idx.down.sql', status: 'added', additions: 1, deletions: 0 },
        { filename: 'README.md', status: 'modified', additions: 1, deletions: 1 }
      ]
    }
  })
  const r = await runCheck(clone, repo, gh)
  expect(r.code).toBe(0)
  expect(r.outputs['pr-migrations']).toBe('["002_users_email_idx"]')
  expect(gh.calls().filter((c) => c.includes('/pulls/'))).toEqual(['GET /repos/acme/app/pulls/7/files', 'GET /repos/acme/app/pulls/7/files', 'GET /repos/acme/app/pulls/7/files'])
  expect(r.summary).toContain('files from the PR files API')
  // One finding, one ::warning (the annotation); the log line is plain text.
  expect(r.annotations.filter((a) => a.level === 'warning' && /git could not provide the base commit/.test(a.message))).toHaveLength(1)
}, 90_000)

test('a PR that edits a base migration fails the step with an error annotation on the file', async () => {
  const repo = makePrRepo(BASE, { 'migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);\n' })
  gh = await startFakeGithub()
  const r = await runCheck(repo.dir, repo, gh)
  expect(r.code).toBe(1)
  expect(r.outputs.status).toBe('failed')
  expect(r.outputs['pr-migrations']).toBe('[]')
  expect(r.annotations).toContainEqual(expect.objectContaining({ level: 'error', props: expect.objectContaining({ title: 'pgshift: pr-edits-base-migration', file: 'migrations/001_users.sql' }) }))
  expect(r.summary.split('\n')[0]).toBe('## pgshift PR check (ephemeral database): 0 migrations in this PR ❌ 1 history problem')
  expect(explain(r)).not.toMatch(/\[1\/\d\]/)
}, 90_000)
