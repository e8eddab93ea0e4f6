// The PR report end to end: dist/index.js on Node 24, a real Postgres, and a
// local fake GitHub API (GITHUB_API_URL) that records every request the real
// octokit makes. Asserts the comment requests, the summary, the outputs and
// the exit code.
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { adminUrl, freshDatabase, withClient, type TestDatabase } from '../support/db.js'
import { runAction, type ActionRun } from '../support/action-runner.js'
import { ACTIONS_BOT, startFakeGithub, type FakeComment, type FakeGithub, type FakeGithubOptions } from '../support/fake-github.js'
import { makeWorkspace } from '../support/workspace.js'

const HEAD = 'feedfacefeedfacefeedfacefeedfacefeedface'
const MARKER = '<!-- pgshift:comment-key=Migrations/check -->'
const prEvent = (headRepo: string | null = 'acme/app') => ({
  action: 'synchronize',
  number: 7,
  pull_request: {
    number: 7,
    head: { sha: HEAD, ref: 'feature', repo: headRepo === null ? null : { full_name: headRepo } },
    base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: 'acme/app' } }
  },
  repository: { full_name: 'acme/app' }
})

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

async function fake(opts: FakeGithubOptions = {}): Promise<FakeGithub> {
  gh = await startFakeGithub(opts)
  return gh
}

interface PrRun {
  ws: string
  inputs?: Record<string, string>
  eventName?: string
  event?: unknown
  env?: Record<string, string>
}

function runPr(github: FakeGithub, { ws, inputs = {}, eventName = 'pull_request', event = prEvent(), env = {} }: PrRun): Promise<ActionRun> {
  return runAction({
    workspace: ws,
    eventName,
    event,
    inputs: { 'database-url': db.url, 'migrations-dir': 'migrations', 'github-token': 'ghs_fake', ...inputs },
    env: { GITHUB_API_URL: github.url, GITHUB_WORKFLOW: 'Migrations', GITHUB_JOB: 'check', ...env }
  })
}

const explain = (r: ActionRun) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`
const posts = (g: FakeGithub) => g.requests.filter((r) => r.method === 'POST')
const patches = (g: FakeGithub) => g.requests.filter((r) => r.method === 'PATCH')
const bodyOf = (r: { body?: unknown }) => String((r.body as { body?: unknown } | undefined)?.body ?? '')

test('the first run creates the comment; the second updates the same comment id, paging through the comments', async () => {
  const seeded: FakeComment[] = [
    { id: 11, issue: 7, body: 'LGTM', user: { login: 'alice', type: 'User' } },
    { id: 12, issue: 7, body: '<!-- other-tool:sticky -->\nanother tool', user: ACTIONS_BOT },
    // Someone pasting our marker: never taken over.
    { id: 13, issue: 7, body: `${MARKER}\nfake report: all good`, user: { login: 'mallory', type: 'User' } },
    { id: 14, issue: 8, body: `${MARKER}\nanother PR`, user: ACTIONS_BOT },
    { id: 15, issue: 7, body: 'one more', user: { login: 'bob', type: 'User' } },
    { id: 16, issue: 7, body: 'and another', user: { login: 'carol', type: 'User' } }
  ]
  const g = await fake({ comments: seeded, pageSize: 2 })
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' })

  const first = await runPr(g, { ws, inputs: { mode: 'apply' } })
  expect(first.code).toBe(0)
  // 5 comments on PR 7, 2 per page: three list calls (the third page from the Link header), then one create.
  expect(g.calls()).toEqual([
    'GET /repos/acme/app/issues/7/comments',
    'GET /repos/acme/app/issues/7/comments',
    'GET /repos/acme/app/issues/7/comments',
    'POST /repos/acme/app/issues/7/comments'
  ])
  expect(g.requests[0]?.path).toBe('/repos/acme/app/issues/7/comments?per_page=100')
  expect(g.requests[1]?.path).toMatch(/[?&]page=2\b/)
  expect(g.requests[0]?.headers.authorization).toBe('token ghs_fake')
  const created = g.comments.find((c) => c.issue === 7 && c.user.type === 'Bot' && c.body.startsWith(MARKER))
  expect(created).toBeDefined()
  const id = created!.id
  expect(created!.body.split('\n')[0]).toBe(MARKER)
  expect(created!.body).toMatch(/^## ✅ pgshift apply: 1 migration applied to /m)
  expect(created!.body).toContain('001_a')
  expect(created!.body).toContain(`**Commit:** \`${HEAD.slice(0, 12)}\``)
  expect(created!.body.length).toBeLessThanOrEqual(65536)
  expect(first.stdout).toContain('PR comment created: https://github.com/acme/app/pull/7#issuecomment-')

  // A second push: a new migration, the same comment.
  const ws2 = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n', '002_b.sql': 'CREATE TABLE b (id int);\n' })
  g.requests.length = 0
  const second = await runPr(g, { ws: ws2, inputs: { mode: 'apply' } })
  expect(second.code).toBe(0)
  expect(posts(g)).toHaveLength(0)
  expect(patches(g).map((r) => r.path)).toEqual([`/repos/acme/app/issues/comments/${id}`])
  const updated = g.comments.find((c) => c.id === id)!
  expect(updated.body).toContain('002_b')
  expect(updated.body.split('\n')[0]).toBe(MARKER)
  // Nobody else's comment was touched; one pgshift comment on the PR.
  expect(g.comments.filter((c) => c.issue === 7 && c.body.includes(MARKER) && c.user.type === 'Bot')).toHaveLength(1)
  expect(g.comments.find((c) => c.id === 13)?.body).toBe(`${MARKER}\nfake report: all good`)
  expect(g.comments.find((c) => c.id === 14)?.body).toBe(`${MARKER}\nanother PR`)
  expect(second.stdout).toContain(`PR comment updated: https://github.com/acme/app/pull/7#issuecomment-${id}`)

  // The outputs: drift, and a summary file holding the job summary.
  expect(JSON.parse(second.outputs.drift ?? '')).toEqual([])
  expect(second.outputs.summary).toMatch(/pgshift-4242-\d+-summary\.md$/)
  expect(readFileSync(second.outputs.summary!, 'utf8')).toBe(second.summary)
})

test('a 403 on the comment: a notice, the summary is written, and the exit code is the migrations\' own', async () => {
  const g = await fake({ forbidWrites: true })
  const ok = await runPr(g, { ws: makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id bigint PRIMARY KEY);\n' }), inputs: { mode: 'apply' } })
  expect(ok.code).toBe(0)
  expect(ok.outputs.status).toBe('success')
  expect(ok.summary).toMatch(/^## ✅ pgshift apply: /m)
  expect(g.calls()).toEqual(['GET /repos/acme/app/issues/7/comments', 'POST /repos/acme/app/issues/7/comments'])
  const notice = ok.annotations.find((a) => a.level === 'notice')
  expect(notice?.message).toMatch(/GitHub answered 403 while creating a comment on PR #7 \(Resource not accessible by integration/)
  expect(notice?.message).toContain('pull-requests: write')
  expect(ok.annotations.filter((a) => a.level === 'error' || a.level === 'warning')).toEqual([])

  // A failing migration still fails the step: for the migration, not the comment.
  const bad = await runPr(g, { ws: makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id bigint PRIMARY KEY);\n', '002_b.sql': 'SELECT 1/0;\n' }), inputs: { mode: 'apply' } })
  expect(bad.code).toBe(1)
  expect(bad.outputs.status).toBe('failed')
  expect(bad.summary).toContain('22012')
  expect(bad.annotations.filter((a) => a.level === 'error').map((a) => a.message).join('\n')).not.toMatch(/comment/)

  // Any other API failure (here: nothing listening, retried once) is a notice, not a failure.
  const closed = await startFakeGithub()
  await closed.close()
  const down = await runPr(g, { ws: makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id bigint PRIMARY KEY);\n' }), env: { GITHUB_API_URL: closed.url } })
  expect(down.code).toBe(0)
  expect(down.annotations.find((a) => a.level === 'notice')?.message).toMatch(/pgshift posted no PR comment: the request failed while listing the comments of PR #7/)
  expect(down.annotations.filter((a) => a.level === 'warning' || a.level === 'error')).toEqual([])
})

test('a fork PR makes no API call: a notice instead; an empty database-url there is explained', async () => {
  const g = await fake()
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' })
  const fork = await runPr(g, { ws, event: prEvent('mallory/app') })
  expect(fork.code).toBe(0)
  expect(g.requests).toEqual([])
  expect(fork.annotations.find((a) => a.level === 'notice')?.message).toMatch(/pull request from a fork \(mallory\/app\).*read-only token/)
  expect(fork.summary).toContain('pgshift plan')

  const noSecrets = await runPr(g, { ws, event: prEvent('mallory/app'), inputs: { 'database-url': '' } })
  expect(noSecrets.code).toBe(1)
  expect(g.requests).toEqual([])
  const error = noSecrets.annotations.find((a) => a.level === 'error' && /database URL is empty/.test(a.message))
  expect(error?.message).toContain('This is a fork PR: GitHub gives it no secrets')
  expect(error?.message).toContain('service container')
  expect(noSecrets.summary).toContain('This is a fork PR: GitHub gives it no secrets')

  // A PR whose fork was deleted (head.repo: null) counts as a fork.
  const gone = await runPr(g, { ws, event: prEvent(null) })
  expect(gone.code).toBe(0)
  expect(g.requests).toEqual([])
})

test('two comment keys make two comments; each key updates its own', async () => {
  const g = await fake()
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE IF NOT EXISTS a (id int);\n' })
  const pg16 = await runPr(g, { ws, inputs: { 'comment-key': 'pg 16' } })
  const pg17 = await runPr(g, { ws, inputs: { 'comment-key': 'pg 17' } })
  expect([pg16.code, pg17.code]).toEqual([0, 0])
  expect(posts(g)).toHaveLength(2)
  const mine = g.comments.filter((c) => c.user.type === 'Bot')
  expect(mine.map((c) => c.body.split('\n')[0])).toEqual(['<!-- pgshift:comment-key=pg 16 -->', '<!-- pgshift:comment-key=pg 17 -->'])
  await runPr(g, { ws, inputs: { 'comment-key': 'pg 16' } })
  expect(posts(g)).toHaveLength(2)
  expect(patches(g).map((r) => r.path)).toEqual([`/repos/acme/app/issues/comments/${mine[0]!.id}`])
  // The default key is the workflow plus the job.
  await runPr(g, { ws })
  expect(g.comments.filter((c) => c.user.type === 'Bot').map((c) => c.body.split('\n')[0])).toContain(MARKER)
})

test('a personal token: one GET /user, then only that login\'s comment is updated', async () => {
  const g = await fake({
    userLogin: 'deploy-bot-user',
    comments: [{ id: 21, issue: 7, body: `${MARKER}\nby the Actions bot`, user: ACTIONS_BOT }]
  })
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE IF NOT EXISTS a (id int);\n' })
  await runPr(g, { ws, inputs: { 'github-token': 'ghp_fake' } })
  expect(g.calls()).toEqual(['GET /user', 'GET /repos/acme/app/issues/7/comments', 'POST /repos/acme/app/issues/7/comments'])
  const id = g.comments.find((c) => c.user.login === 'deploy-bot-user')?.id
  g.requests.length = 0
  await runPr(g, { ws, inputs: { 'github-token': 'ghp_fake' } })
  expect(g.calls()).toEqual(['GET /user', 'GET /repos/acme/app/issues/7/comments', `PATCH /repos/acme/app/issues/comments/${id}`])
  expect(g.comments.find((c) => c.id === 21)?.body).toBe(`${MARKER}\nby the Actions bot`)
})

describe('untrusted triggers', () => {
  let server: Server
  let connections = 0
  let trapUrl = ''
  beforeAll(async () => {
    // A port that counts connections: a refused run must never open one.
    server = createServer((s) => {
      connections++
      s.destroy()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    trapUrl = `postgres://u:secret-pw@127.0.0.1:${port}/db?sslmode=disable`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  test('pull_request_target is refused (blocked, nothing connects) unless allow-untrusted: true', async () => {
    const g = await fake()
    const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' })
    const refused = await runPr(g, { ws, eventName: 'pull_request_target', inputs: { mode: 'apply', 'database-url': trapUrl, 'connect-timeout': '0' } })
    expect(refused.code).toBe(1)
    expect(connections).toBe(0)
    expect(refused.outputs.status).toBe('blocked')
    expect(refused.summary).toContain('⛔ pgshift')
    expect(refused.summary).toMatch(/triggered by pull\\?_request\\?_target/)
    expect(refused.summary).toContain('allow-untrusted: true')
    expect(refused.summary).toContain('001_a') // the files are listed, not run
    expect(refused.annotations.find((a) => a.level === 'error')?.message).toMatch(/pull_request_target/)
    // The refusal is posted on the (same-repository) PR.
    expect(posts(g)).toHaveLength(1)
    expect(bodyOf(posts(g)[0]!)).toContain('⛔ pgshift')

    const allowed = await runPr(g, { ws, eventName: 'pull_request_target', inputs: { mode: 'apply', 'allow-untrusted': 'true' } })
    expect(allowed.code).toBe(0)
    expect(allowed.outputs.status).toBe('success')
    expect(allowed.annotations.find((a) => a.level === 'warning')?.message).toMatch(/allow-untrusted: true: running on pull_request_target/)
    expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'a'`)).toHaveLength(1)
  })

  test('workflow_run after a pull request is refused; after a push to this repository it runs', async () => {
    const g = await fake()
    const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' })
    const afterPr = { workflow_run: { event: 'pull_request', head_sha: HEAD, pull_requests: [{ number: 7 }], head_repository: { full_name: 'mallory/app' }, repository: { full_name: 'acme/app' } } }
    const refused = await runPr(g, { ws, eventName: 'workflow_run', event: afterPr, inputs: { 'database-url': trapUrl, 'connect-timeout': '0' } })
    expect(refused.code).toBe(1)
    expect(refused.outputs.status).toBe('blocked')
    expect(connections).toBe(0)
    expect(g.requests).toEqual([]) // comment: auto is off on workflow_run

    const afterPush = { workflow_run: { event: 'push', head_sha: HEAD, pull_requests: [], head_repository: { full_name: 'acme/app' }, repository: { full_name: 'acme/app' } } }
    const ok = await runPr(g, { ws, eventName: 'workflow_run', event: afterPush, inputs: { mode: 'apply' } })
    expect(ok.code).toBe(0)
    expect(ok.outputs.status).toBe('success')
  })
})

describe('the hostile password', () => {
  const PASSWORD = 'Pw!@#:/%?&=+ é'
  const ENCODED = encodeURIComponent(PASSWORD)
  const FORMS = [PASSWORD, ENCODED, Buffer.from(PASSWORD).toString('base64'), 'Pw!@#', '%?&=+ é']
  const ROLE = 'hostile_pr_report'
  let url: string
  beforeEach(async () => {
    await withClient(adminUrl(), async (c) => {
      await c.query(`DROP ROLE IF EXISTS ${ROLE}`)
      await c.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD ${c.escapeLiteral(PASSWORD)}`)
      await c.query(`GRANT ALL ON DATABASE ${db.name} TO ${ROLE}`)
    })
    await db.query(`GRANT ALL ON SCHEMA public TO ${ROLE}`)
    const u = new URL(db.url)
    url = `postgres://${ROLE}:${ENCODED}@${u.host}${u.pathname}`
  })
  afterEach(async () => {
    await db.query(`DROP OWNED BY ${ROLE}`)
  })
  afterAll(async () => {
    await withClient(adminUrl(), (c) => c.query(`DROP ROLE IF EXISTS ${ROLE}`))
  })

  test.each([
    ['a success', { '001_a.sql': 'CREATE TABLE a (id int);\n' }],
    ['an error message quoting the password', { '001_a.sql': `SELECT ${'$q$'}${PASSWORD}${'$q$'}::int;\n` }],
    ['a wrong password', { '001_a.sql': 'CREATE TABLE a (id int);\n' }]
  ])('appears in no request, summary or output: %s', async (name, files) => {
    const g = await fake()
    const dbUrl = name === 'a wrong password' ? url.replace(`${ROLE}:`, `${ROLE}:x`) : url
    const r = await runPr(g, { ws: makeWorkspace(files), inputs: { mode: 'apply', 'database-url': dbUrl } })
    expect(posts(g)).toHaveLength(1)
    const requests = g.requests.map((q) => `${q.method} ${q.path}\n${JSON.stringify(q.headers)}\n${q.raw}`).join('\n')
    const stdout = r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n')
    const files2 = [r.outputs.report, r.outputs.summary].map((p) => (p ? readFileSync(p, 'utf8') : ''))
    const all = [requests, stdout, r.stderr, r.summary, JSON.stringify(r.outputs), ...files2].join('\n')
    for (const form of FORMS) expect(all).not.toContain(form)
    if (name === 'an error message quoting the password') expect(bodyOf(posts(g)[0]!)).toContain('22P02')
    // The token is masked in the log too, and never sent anywhere but the Authorization header.
    expect(r.stdout).toContain('::add-mask::ghs_fake')
    expect(g.requests.map((q) => q.raw).join('\n')).not.toContain('ghs_fake')
  })
})

/** The markdown outside fenced code blocks (inside a fence, text is shown verbatim and is inert). */
function outsideFences(md: string): string {
  const out: string[] = []
  let fence: string | undefined
  for (const line of md.split('\n')) {
    const m = /^(`{3,})/.exec(line)
    if (fence === undefined && m) fence = m[1]
    else if (fence !== undefined && line.trim() === fence) fence = undefined
    else if (fence === undefined) out.push(line)
  }
  return out.join('\n')
}

/** Cells of a GFM table row: split on pipes that are not backslash-escaped. */
const cells = (row: string) => row.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/).length

/** Lines of a log that the runner would read as commands we did not write. */
function foreignCommands(stdout: string): string[] {
  const lines = stdout.split(/\r\n|\r|\n/)
  const ours = /^::(add-mask|group|endgroup|error|warning|notice|debug)( [^:]*)?::/
  return [
    ...lines.filter((l) => /^\s*::error::x/.test(l) || /^\s*::warning::y/.test(l)),
    ...lines.filter((l) => /^\s*::/.test(l) && !ours.test(l)),
    ...lines.filter((l) => l.includes('##['))
  ]
}

test('injection fixtures render inert in the comment, the summary and the log', async () => {
  const g = await fake()
  // A server message and a statement with lines of their own that look like workflow commands, table rows and HTML.
  const nasty = "DO $$ BEGIN RAISE EXCEPTION 'bad\n::error::x\n| a | b |\n<script>alert(1)</script>\n`tick`' USING HINT = E'::warning::y\\r::error::x'; END $$;\n"
  const ws = makeWorkspace({
    '001_pipe|name.sql': '-- ::error::x\nCREATE TABLE a (id int);\n',
    '002_tick`s``.sql': 'CREATE TABLE b (id int);\n',
    '003_<script>alert(1).sql': 'CREATE TABLE c (id int);\n',
    '004_::error::x.sql': nasty,
    // A newline in a file name: it fits no naming scheme, so it becomes a warning that names it.
    '005_new\n::error::x.sql': 'SELECT 1;\n'
  })
  // Lint has its own injection tests; here the only table is the migration table.
  const r = await runPr(g, { ws, inputs: { mode: 'apply', lint: 'off' } })
  expect(r.code).toBe(1)
  expect(r.outputs.status).toBe('failed')
  expect(JSON.parse(r.outputs.applied ?? '')).toEqual(['001_pipe|name', '002_tick`s``', '003_<script>alert(1)'])
  const comment = bodyOf(posts(g)[0]!)
  expect(comment).toContain('::error::x') // the text is there, just inert
  expect(comment).toContain('005_new ::error::x.sql') // the newline folded into the line

  for (const md of [comment, r.summary]) {
    const prose = outsideFences(md)
    expect(prose).not.toMatch(/<script|<\/script/i)
    expect(prose).not.toMatch(/(^|[^\\])`tick`/) // no raw code span from the message
    expect(prose).not.toMatch(/^::error::x/m)
    // Every table row has as many cells as its header.
    const table = prose.split('\n').filter((l) => l.startsWith('| '))
    const width = cells(table[0]!)
    for (const row of table.slice(0, 6)) expect([row, cells(row)]).toEqual([row, width])
    // Only our own marker is an HTML comment.
    expect(prose.match(/<!--/g)?.length ?? 0).toBe(md === comment ? 1 : 0)
  }
  // The statement is shown verbatim inside a fence, where a line starting `::error::x` is code.
  expect(r.summary).toMatch(/^```sql\n[^`]*^::error::x$/m)
  // The log: no line the runner would read as a command except ours.
  expect(foreignCommands(r.stdout)).toEqual([])
  // The failed migration's annotation keeps the whole message, newlines included, as data.
  const err = r.annotations.find((a) => a.level === 'error' && a.props.file?.includes('004_'))
  expect(err?.props.file).toBe('migrations/004_::error::x.sql')
  expect(err?.message).toContain('bad\n::error::x')
  expect(r.annotations.find((a) => a.level === 'warning')?.props.file).toBe('migrations/005_new\n::error::x.sql')

  // Without GITHUB_STEP_SUMMARY the report goes to the log, fenced statement and all: still inert.
  const logged = await runPr(g, { ws, inputs: { mode: 'apply' }, env: { GITHUB_STEP_SUMMARY: '' } })
  expect(logged.code).toBe(1)
  expect(logged.stdout).toContain('## ❌ pgshift apply failed')
  expect(logged.stdout).toContain('::error::x') // the fenced line, made inert
  expect(foreignCommands(logged.stdout)).toEqual([])
  expect(explain(logged)).not.toMatch(/^::error::x/m)
})
