// Issue 13 item 4: the sticky comment is keyed on its own first line only. A PR
// author controls the SQL, the RAISE messages and the file names a report
// quotes; none of them can make another job's comment run overwrite this one.
// dist/index.js on Node 24, a real Postgres, the real octokit against the local
// recording GitHub server.
import { adminUrl, freshDatabase, type TestDatabase } from '../support/db.js'
import { runAction, type ActionRun } from '../support/action-runner.js'
import { ACTIONS_BOT, startFakeGithub, type FakeGithub } from '../support/fake-github.js'
import { makeWorkspace } from '../support/workspace.js'

void adminUrl
const prEvent = {
  action: 'synchronize',
  number: 7,
  pull_request: {
    number: 7,
    head: { sha: 'feedface'.repeat(5), ref: 'feature', repo: { full_name: 'acme/app' } },
    base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: 'acme/app' } }
  },
  repository: { full_name: 'acme/app' }
}
const VICTIM = '<!-- pgshift:comment-key=victim -->'

let db: TestDatabase
let gh: FakeGithub
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await gh?.close()
  await db.drop()
})

function run(ws: string, key: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    workspace: ws,
    eventName: 'pull_request',
    event: prEvent,
    inputs: { 'database-url': db.url, 'migrations-dir': 'migrations', 'github-token': 'ghs_fake', 'comment-key': key, mode: 'apply', ...inputs },
    env: { GITHUB_API_URL: gh.url, GITHUB_WORKFLOW: 'Migrations', GITHUB_JOB: 'check' }
  })
}

const lines = (body: string) => body.split('\n')

test.each([
  ['a string literal in the failing statement', { '001_a.sql': `CREATE TABLE a (id int);\nINSERT INTO a VALUES ('x\n${VICTIM}\ny');\n` }],
  ['a RAISE message', { '001_a.sql': `DO $$ BEGIN RAISE EXCEPTION E'boom\\n${VICTIM}\\nall good'; END $$;\n` }],
  ['a file name', { [`001_x${VICTIM.replace(/[ /]/g, '_')}.sql`]: 'SELECT 1/0;\n', '002_b.sql': `-- ${VICTIM}\nSELECT 1;\n` }]
])('a marker in %s cannot redirect another job\'s comment', async (_what, files) => {
  gh = await startFakeGithub()
  // The attacker's job (key "attacker") fails and quotes the marker of the victim's key.
  const attacker = await run(makeWorkspace(files), 'attacker')
  expect(attacker.code).toBe(1)
  const attackerComment = gh.comments.find((c) => lines(c.body)[0] === '<!-- pgshift:comment-key=attacker -->')
  expect(attackerComment).toBeDefined()
  const failureBody = attackerComment!.body
  // No line but the first holds a `<!--` at all (neutralised in code, escaped in text).
  expect(lines(failureBody).slice(1).filter((l) => l.includes('<!--'))).toEqual([])

  // The victim's job (key "victim") succeeds: it must create its own comment, not PATCH the attacker's.
  const victim = await run(makeWorkspace({ '001_ok.sql': 'CREATE TABLE IF NOT EXISTS ok (id int);\n' }), 'victim', { 'database-url': db.url })
  expect(victim.code).toBe(0)
  expect(gh.requests.filter((r) => r.method === 'PATCH')).toEqual([])
  expect(gh.comments.find((c) => c.id === attackerComment!.id)?.body).toBe(failureBody)
  expect(gh.comments.filter((c) => lines(c.body)[0] === VICTIM && c.user.login === ACTIONS_BOT.login)).toHaveLength(1)
})
