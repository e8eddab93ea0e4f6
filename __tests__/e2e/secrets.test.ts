// The password must never reach stdout, stderr, the summary, the outputs or the
// JSON report, on any failing path. A hostile password exercises every encoding.
import { readFileSync } from 'node:fs'
import { adminUrl, freshDatabase, withClient, type TestDatabase } from '../support/db.js'
import { runAction, type ActionRun } from '../support/action-runner.js'
import { makeWorkspace } from '../support/workspace.js'

const PASSWORD = 'Pw!@#:/%?&=+ é'
const ENCODED = encodeURIComponent(PASSWORD)
const FORMS = [PASSWORD, ENCODED, Buffer.from(PASSWORD).toString('base64'), 'Pw!@#', '%?&=+ é']

let db: TestDatabase
let url: string
beforeAll(async () => {
  db = await freshDatabase()
  await withClient(adminUrl(), async (c) => {
    await c.query(`DROP ROLE IF EXISTS hostile`)
    await c.query(`CREATE ROLE hostile LOGIN PASSWORD ${c.escapeLiteral(PASSWORD)}`)
    await c.query(`GRANT ALL ON DATABASE ${db.name} TO hostile`)
  })
  await db.query('GRANT ALL ON SCHEMA public TO hostile')
  const u = new URL(db.url)
  url = `postgres://hostile:${ENCODED}@${u.host}${u.pathname}`
})
afterAll(async () => {
  await db.drop()
  await withClient(adminUrl(), (c) => c.query('DROP ROLE IF EXISTS hostile'))
})

/** `::add-mask::` lines are instructions the runner consumes and never shows; everything else is output. */
function everything(r: ActionRun): string {
  const report = r.outputs.report ? readFileSync(r.outputs.report, 'utf8') : ''
  const stdout = r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n')
  return [stdout, r.stderr, r.summary, JSON.stringify(r.outputs), report].join('\n')
}

/** Masking happens before anything else is printed. */
function masksFirst(r: ActionRun): boolean {
  const lines = r.stdout.split('\n').filter(Boolean)
  const firstOther = lines.findIndex((l) => !l.startsWith('::add-mask::'))
  const masks = lines.slice(0, firstOther === -1 ? lines.length : firstOther)
  // Workflow-command data escapes % (the runner unescapes it).
  const data = (v: string) => v.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
  return masks.includes(`::add-mask::${data(PASSWORD)}`) && masks.includes(`::add-mask::${data(ENCODED)}`)
}

const ws = (files: Record<string, string>) => makeWorkspace(files)
const OK = { '001_a.sql': 'CREATE TABLE IF NOT EXISTS a (id int);\n' }

const cases: [string, () => { files: Record<string, string>; inputs: Record<string, string> }][] = [
  ['success', () => ({ files: OK, inputs: { mode: 'apply' } })],
  ['syntax error in a file', () => ({ files: { '001_a.sql': 'CREATE TABL a (id int);\n' }, inputs: { mode: 'apply' } })],
  ['runtime error in a file', () => ({ files: { '001_a.sql': 'SELECT 1/0;\n' }, inputs: { mode: 'apply' } })],
  ['error message quoting the password', () => ({ files: { '001_a.sql': `SELECT ${'$q$'}${PASSWORD}${'$q$'}::int;\n` }, inputs: { mode: 'apply' } })],
  ['wrong password', () => ({ files: OK, inputs: { mode: 'plan', 'database-url': url.replace('hostile:', 'hostile:x') } })],
  ['missing database', () => ({ files: OK, inputs: { mode: 'plan', 'database-url': url.replace(/\/[^/]+$/, '/nope') } })],
  ['unreachable port', () => ({ files: OK, inputs: { mode: 'plan', 'connect-timeout': '0', 'database-url': url.replace(/:(\d+)\//, ':1/') } })],
  ['transaction pooler port', () => ({ files: OK, inputs: { mode: 'plan', 'database-url': url.replace(/:(\d+)\//, ':6543/') } })],
  ['unknown sslmode', () => ({ files: OK, inputs: { mode: 'plan', 'database-url': `${url}?sslmode=sometimes` } })],
  ['malformed URL', () => ({ files: OK, inputs: { mode: 'plan', 'database-url': `postgres//hostile:${PASSWORD}@host/db` } })],
  ['invalid input', () => ({ files: OK, inputs: { mode: 'plan', 'lock-wait': 'forever' } })],
  ['rollback refused (no down script)', () => ({ files: OK, inputs: { mode: 'rollback' } })],
  ['dry-run failing midway', () => ({ files: { '001_a.sql': 'CREATE TABLE IF NOT EXISTS a (id int);\nSELECT 1/0;\n' }, inputs: { mode: 'dry-run' } })],
  ['missing directory', () => ({ files: OK, inputs: { mode: 'plan', 'migrations-dir': 'nowhere' } })],
  ['permission denied', () => ({ files: { '001_a.sql': 'ALTER SYSTEM SET work_mem = 1;\n' }, inputs: { mode: 'apply', 'history-schema': 'pgshift_perm' } })]
]

test.each(cases)('no trace of the password: %s', async (_name, make) => {
  const { files, inputs } = make()
  const r = await runAction({ workspace: ws(files), inputs: { 'database-url': url, 'migrations-dir': 'migrations', ...inputs } })
  const all = everything(r)
  for (const form of FORMS) expect(all).not.toContain(form)
  expect(all.length).toBeGreaterThan(0)
  if (inputs['database-url'] === undefined) expect(masksFirst(r)).toBe(true)
})
