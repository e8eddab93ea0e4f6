// The real artifact: dist/index.js on Node 24, as GitHub runs it.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { NODE24, runAction } from '../support/action-runner.js'
import { makeWorkspace } from '../support/workspace.js'
import { execFileSync } from 'node:child_process'

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

const PR_EVENT = { pull_request: { number: 7, head: { sha: 'abc', repo: { full_name: 'acme/app' } }, base: { sha: 'def' } }, repository: { full_name: 'acme/app' } }

test('the e2e tier runs on Node 24', () => {
  expect(execFileSync(NODE24, ['--version']).toString().trim()).toMatch(/^v24\./)
})

test('plan then apply on a workspace: outputs, summary and exit codes', async () => {
  const ws = makeWorkspace({
    '20260101000000_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n',
    '20260102000000_posts.sql': 'CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users(id));\n'
  }, 'supabase/migrations')
  const plan = await runAction({ workspace: ws, eventName: 'pull_request', event: PR_EVENT, inputs: { 'database-url': db.url } })
  expect(plan.code).toBe(0)
  expect(plan.outputs.status).toBe('success')
  expect(JSON.parse(plan.outputs.pending ?? '')).toEqual(['20260101000000_users', '20260102000000_posts'])
  expect(JSON.parse(plan.outputs.applied ?? '')).toEqual([])
  expect(plan.summary).toContain('20260102000000_posts')

  const apply = await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode: 'apply' } })
  expect(apply.code).toBe(0)
  expect(apply.outputs.status).toBe('success')
  expect(JSON.parse(apply.outputs.applied ?? '')).toEqual(['20260101000000_users', '20260102000000_posts'])
  const report = JSON.parse(readFileSync(apply.outputs.report ?? '', 'utf8'))
  expect(report.migrations.map((m: { status: string }) => m.status)).toEqual(['applied', 'applied'])
  expect(apply.stdout).toContain('::group::[1/2] 20260101000000_users')
  const rows = await db.query<{ identity: string; actor: string; run_url: string }>('SELECT identity, actor, run_url FROM pgshift.schema_history ORDER BY 1')
  expect(rows).toEqual([
    { identity: '20260101000000_users', actor: 'octocat', run_url: 'https://github.com/acme/app/actions/runs/4242' },
    { identity: '20260102000000_posts', actor: 'octocat', run_url: 'https://github.com/acme/app/actions/runs/4242' }
  ])

  const again = await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode: 'apply' } })
  expect(again.code).toBe(0)
  expect(again.outputs.status).toBe('nothing-to-do')
})

test('a failing migration: exit 1, an annotation on file:line:col, SQLSTATE in the summary', async () => {
  const ws = makeWorkspace({
    '001_a.sql': 'CREATE TABLE a (id int);\n',
    '002_b.sql': 'CREATE TABLE b (id int);\n\nINSERT INTO b VALUES (1);\nINSERT INTO nowhere VALUES (1);\n'
  })
  const r = await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations' } })
  expect(r.code).toBe(1)
  expect(r.outputs.status).toBe('failed')
  expect(JSON.parse(r.outputs.applied ?? '')).toEqual(['001_a'])
  const err = r.annotations.find((a) => a.level === 'error' && a.props.file === 'migrations/002_b.sql')
  expect(err?.props).toMatchObject({ line: '4', col: '13' })
  expect(err?.message).toMatch(/relation "nowhere" does not exist \[42P01\]/)
  expect(r.summary).toContain('42P01')
  expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'b'`)).toHaveLength(0)
})

test('a syntax error in a down part: a warning annotation at file:line:col with the SQL around it, in plan, dry-run and apply; an up file\'s syntax error shows it too', async () => {
  const ws = makeWorkspace({
    '001_a.up.sql': 'CREATE TABLE a (id int);\n',
    '001_a.down.sql': 'DROP TABLE a;\nDROP TABLEX b;\n'
  })
  const excerpt = ['  1 | DROP TABLE a;', '> 2 | DROP TABLEX b;', '    |      ^'].join('\n')
  for (const mode of ['plan', 'dry-run', 'apply']) {
    const r = await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode, 'migrations-dir': 'migrations' } })
    expect(r.code).toBe(0)
    const warnings = r.annotations.filter((a) => a.level === 'warning' && a.props.file === 'migrations/001_a.down.sql')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.props).toMatchObject({ line: '2', col: '6' })
    expect(warnings[0]?.message).toMatch(/^in the down script of 001_a, at migrations\/001_a\.down\.sql:2:6: syntax error at or near "TABLEX"\. It does not block this /)
    expect(warnings[0]?.message).toContain(`\n${excerpt}`)
  }
  expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'a'`)).toHaveLength(1)

  // The up file's syntax error (an error annotation) carries the same kind of excerpt.
  const up = makeWorkspace({ '001_b.sql': 'CREATE TABLE b (\n  id int,,\n);\n' })
  const r = await runAction({ workspace: up, inputs: { 'database-url': db.url, mode: 'plan', 'migrations-dir': 'migrations' } })
  const err = r.annotations.find((a) => a.level === 'error' && a.props.file === 'migrations/001_b.sql')
  expect(err?.props).toMatchObject({ line: '2', col: '10' })
  expect(err?.message).toContain(['  1 | CREATE TABLE b (', '> 2 |   id int,,', '    |          ^', '  3 | );'].join('\n'))
})

test('one finding, one ::warning: a failed backup that backup-required: false lets pass, and a Supabase direct host, are annotated once and logged as plain text', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' })
  // backup-dir names a file, so the backup cannot make its folder.
  writeFileSync(join(ws, 'not-a-dir'), '')
  const backup = await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', backup: 'schema', 'backup-required': 'false', 'backup-dir': 'not-a-dir' } })
  expect(backup.code).toBe(0)
  const lines = backup.stdout.split('\n')
  expect(lines.filter((l) => l.startsWith('::warning') && /The backup failed and backup-required is false/.test(l))).toHaveLength(1)
  expect(lines.filter((l) => !l.startsWith('::') && /The backup failed and backup-required is false/.test(l))).toHaveLength(1)

  // Warned from the URL before connecting; the connection then fails (no such project), or is cut at 20 s: the lines were written before it.
  const supabase = await runAction({ workspace: ws, timeoutMs: 20_000, inputs: { 'database-url': 'postgres://postgres:pw@db.abcdefghijklmnopqrst.supabase.co:5432/postgres', 'connect-timeout': '0' } })
  const host = supabase.stdout.split('\n').filter((l) => /is a Supabase direct host/.test(l))
  expect(host.filter((l) => l.startsWith('::warning'))).toHaveLength(1)
  expect(host.filter((l) => !l.startsWith('::'))).toHaveLength(1)
}, 120_000)

test('invalid inputs fail the step with a message naming the input, before connecting', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'SELECT 1;\n' })
  const r = await runAction({ workspace: ws, inputs: { 'database-url': db.url, 'lock-timeout': 'soon', 'migrations-dir': 'migrations' } })
  expect(r.code).toBe(1)
  expect(r.stdout).toMatch(/::error::lock-timeout: 'soon' is not a duration/)
  expect(r.outputs.status).toBe('failed')
})

test('an empty database-url (a fork PR) is explained, and the password of a real URL never shows', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'SELECT 1;\n' })
  const r = await runAction({ workspace: ws, eventName: 'pull_request', event: PR_EVENT, inputs: { 'database-url': '', 'migrations-dir': 'migrations' } })
  expect(r.code).toBe(1)
  expect(r.stdout).toMatch(/fork/i)
  expect(r.outputs.status).toBe('failed')
})

test('lint findings become annotations on their exact line (bundled action)', async () => {
  const ws = makeWorkspace({ '001_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, customer int);\n' })
  expect((await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations' } })).code).toBe(0)
  const ws2 = makeWorkspace({
    '001_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, customer int);\n',
    '002_idx.sql': '-- index for the customer page\n\nCREATE INDEX orders_customer ON orders (customer);\n'
  })
  const r = await runAction({ workspace: ws2, inputs: { 'database-url': db.url, mode: 'plan', 'migrations-dir': 'migrations' } })
  expect(r.code).toBe(0)
  const lint = r.annotations.filter((a) => a.props.title === 'pgshift lint: require-concurrent-index')
  expect(lint).toHaveLength(1)
  expect(lint[0]).toMatchObject({ level: 'warning', props: { file: 'migrations/002_idx.sql', line: '3', col: '1' } })
  expect(r.summary).toMatch(/### Lint: 1 finding/)
  const blocked = await runAction({ workspace: ws2, inputs: { 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', lint: 'error' } })
  expect(blocked.code).toBe(1)
  expect(blocked.outputs.status).toBe('blocked')
  expect(blocked.annotations.some((a) => a.level === 'error' && a.props.title === 'pgshift lint: require-concurrent-index')).toBe(true)
})
