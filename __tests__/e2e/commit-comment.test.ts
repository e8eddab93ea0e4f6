// The fleet report's sticky commit comment (src/action/commit-comment.ts), through
// the bundle: fleet-report on a push with comment: true, the real octokit against
// the recording GitHub server (__tests__/support/fake-github.ts). Created by the
// first run, updated in place by a rerun; found by the marker on its first line
// and by its author, across pages; a read-only token gets a notice, not a failure.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { commentMarker } from '../../src/action/comment-body.js'
import { runAction } from '../support/action-runner.js'
import { ACTIONS_BOT, startFakeGithub, type FakeComment, type FakeGithub, type FakeGithubOptions } from '../support/fake-github.js'

const SHA = 'abcdef0123456789abcdef0123456789abcdef01'
const KEY = 'Fleet deploy/report'
const MARKER = commentMarker(KEY)
const COMMENTS = `/repos/acme/app/commits/${SHA}/comments`

/** A workspace with a two-target fleet and the legs' files as download-artifact lays them out; `failed` makes acme's leg fail. */
function workspace(failed: boolean): string {
  const ws = mkdtempSync(join(tmpdir(), 'pgshift-cc-'))
  writeFileSync(join(ws, 'pgshift.targets.yml'), 'targets:\n  - { name: canary, secret: DB_CANARY, wave: 0 }\n  - { name: acme, secret: DB_ACME }\n')
  for (const [target, wave] of [['canary', 0], ['acme', 1]] as const) {
    const bad = failed && target === 'acme'
    const summary = bad
      ? { status: 'failed', at: '001_a', head: '002_b', behind: 1, applied: [], drifted: [], durationMs: 20, firstError: 'migrations/002_b.sql:1:1 42P07 relation "b" already exists' }
      : { status: 'success', at: '002_b', head: '002_b', behind: 0, applied: ['002_b'], drifted: [], durationMs: 20 }
    const leg = { pgshiftFleetLeg: 1, target, wave, kind: 'database', labels: {}, mode: 'apply', status: summary.status, startedAt: '2026-12-03T10:00:00.000Z', durationMs: 30, results: [{ name: target, summary }] }
    mkdirSync(join(ws, 'legs', `pgshift-fleet-${target}`), { recursive: true })
    writeFileSync(join(ws, 'legs', `pgshift-fleet-${target}`, `pgshift-fleet-${target}.json`), JSON.stringify(leg))
  }
  return ws
}

const report = (gh: FakeGithub, failed: boolean, token = 'ghs_commitcomment') =>
  runAction({
    workspace: workspace(failed),
    inputs: { mode: 'fleet-report', 'targets-file': 'pgshift.targets.yml', 'fleet-reports-dir': 'legs', comment: 'true', 'github-token': token },
    eventName: 'push',
    env: { GITHUB_API_URL: gh.url, GITHUB_SHA: SHA, GITHUB_WORKFLOW: 'Fleet deploy', GITHUB_JOB: 'report' }
  })

let gh: FakeGithub | undefined
const start = async (opts: FakeGithubOptions = {}) => (gh = await startFakeGithub(opts))
afterEach(async () => {
  await gh?.close()
  gh = undefined
})
const onCommit = (g: FakeGithub) => g.comments.filter((c) => c.commit === SHA)
const other = (id: number, body: string, user: FakeComment['user'] = { login: 'alice', type: 'User' }): FakeComment => ({ id, issue: 0, commit: SHA, body, user })

test('created by the first run, updated in place by a rerun: one comment, marker first, the latest report', async () => {
  // Three comments already on the commit and a page size of 2: ours must be looked for on every page.
  const g = await start({ pageSize: 2, comments: [other(1, 'LGTM'), other(2, 'deployed?'), other(3, 'yes')] })
  const first = await report(g, true)
  expect([first.code, first.outputs.status]).toEqual([1, 'failed'])
  expect(g.calls()).toEqual([`GET ${COMMENTS}`, `GET ${COMMENTS}`, `POST ${COMMENTS}`])
  const [ours] = onCommit(g).filter((c) => c.id >= 1000)
  expect(ours?.user).toEqual(ACTIONS_BOT)
  expect(ours?.body.split('\n')[0]).toBe(MARKER)
  expect(ours?.body).toContain('| ❌ `acme` | 1 | failed | `001_a` | 1 |')
  expect(ours?.body).toContain('- ❌ `acme`: migrations/002_b.sql:1:1 42P07 relation "b" already exists')
  expect(first.stdout).toContain(`commit comment created: https://github.com/acme/app/commit/${SHA}#commitcomment-${ours?.id}`)

  // The rerun after the fix: the same comment (on the second page of four), now green; nothing new is posted.
  g.requests.length = 0
  const rerun = await report(g, false)
  expect([rerun.code, rerun.outputs.status]).toEqual([0, 'success'])
  expect(g.calls()).toEqual([`GET ${COMMENTS}`, `GET ${COMMENTS}`, `PATCH /repos/acme/app/comments/${ours?.id}`])
  expect(onCommit(g).map((c) => c.id)).toEqual([1, 2, 3, ours?.id])
  expect(ours?.body.split('\n')[0]).toBe(MARKER)
  expect(ours?.body).toContain('✅ every target succeeded')
  expect(ours?.body).not.toContain('42P07')
  expect(rerun.stdout).toContain('commit comment updated:')
})

test("another author's comment with our marker, or ours with the marker below the first line, is never taken over", async () => {
  const g = await start({
    comments: [
      other(1, `${MARKER}\nplanted by someone who can comment`),
      other(2, `quoted:\n${MARKER}\nold report`, { ...ACTIONS_BOT }),
      other(3, `${commentMarker(`${KEY}-other`)}\nanother job's report`, { ...ACTIONS_BOT })
    ]
  })
  const r = await report(g, false)
  expect(r.code).toBe(0)
  expect(g.calls()).toEqual([`GET ${COMMENTS}`, `POST ${COMMENTS}`])
  expect(onCommit(g).slice(0, 3).map((c) => c.body)).toEqual([`${MARKER}\nplanted by someone who can comment`, `quoted:\n${MARKER}\nold report`, `${commentMarker(`${KEY}-other`)}\nanother job's report`])
  expect(onCommit(g)[3]?.body.split('\n')[0]).toBe(MARKER)
})

test('a personal token: GET /user names the login whose comment is updated', async () => {
  const g = await start({ userLogin: 'deploy-bot', comments: [other(1, `${MARKER}\nold`, { login: 'someone-else', type: 'User' }), other(2, `${MARKER}\nolder`, { login: 'Deploy-Bot', type: 'User' })] })
  const r = await report(g, false, 'ghp_personal')
  expect(r.code).toBe(0)
  expect(g.calls()).toEqual(['GET /user', `GET ${COMMENTS}`, 'PATCH /repos/acme/app/comments/2'])
  expect(onCommit(g).map((c) => c.body.split('\n')[1])).toEqual(['old', '## pgshift fleet apply: ✅ every target succeeded'])
})

test('a read-only token: a notice naming the permission, the step keeps its own result', async () => {
  const g = await start({ forbidWrites: true })
  const r = await report(g, false)
  expect([r.code, r.outputs.status]).toEqual([0, 'success'])
  expect(g.calls()).toEqual([`GET ${COMMENTS}`, `POST ${COMMENTS}`])
  const notice = r.annotations.find((a) => a.level === 'notice')
  expect(notice?.message).toMatch(/^pgshift posted no commit comment: GitHub answered 403 while commenting on commit abcdef0 \(Resource not accessible by integration.*\)\. The token may not write commit comments: give the job `permissions: contents: write`\./)
  expect(r.annotations.filter((a) => a.level === 'warning' || a.level === 'error')).toEqual([])
  // The token is only ever named to mask it.
  expect(r.stdout.split('\n').filter((l) => l.includes('ghs_commitcomment'))).toEqual(['::add-mask::ghs_commitcomment'])
})
