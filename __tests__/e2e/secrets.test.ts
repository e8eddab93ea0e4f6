// The password must never reach stdout, stderr, the summary, the outputs or the
// JSON report, on any failing path. A hostile password exercises every encoding.
import { readFileSync } from 'node:fs'
import { adminUrl, freshDatabase, withClient, type TestDatabase } from '../support/db.js'
import { runAction, type ActionRun } from '../support/action-runner.js'
import { makeWorkspace, recordingLogger } from '../support/workspace.js'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js'
import { lockKey } from '../../src/db/lock.js'
import { runPgshift } from '../../src/engine/run.js'
import { parseSettings } from '../../src/settings.js'
import pg from 'pg'

const PASSWORD = 'Pw!@#:/%?&=+ é'
const ENCODED = encodeURIComponent(PASSWORD)
const FORMS = [PASSWORD, ENCODED, Buffer.from(PASSWORD).toString('base64'), 'Pw!@#', '%?&=+ é']

let db: TestDatabase
let url: string
let blackhole: TcpProxy
beforeAll(async () => {
  blackhole = await startTcpProxy()
  blackhole.blackhole()
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
  await blackhole.close()
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

interface Case {
  files: Record<string, string>
  inputs: Record<string, string>
  /** Runs before the action (e.g. a lock holder); returns the clean-up. */
  setup?: () => Promise<() => Promise<void>>
}
const noop = async () => {}
/** Applies `files` in-process under `schema` first, so that the case starts from applied history. */
const appliedFirst = (files: Record<string, string>, schema: string) => async () => {
  await runPgshift(parseSettings({ 'database-url': url, mode: 'apply', 'migrations-dir': 'migrations', 'history-schema': schema }, ws(files)), { logger: recordingLogger() })
  return noop
}

const cases: [string, () => Case][] = [
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
  ['permission denied', () => ({ files: { '001_a.sql': 'ALTER SYSTEM SET work_mem = 1;\n' }, inputs: { mode: 'apply', 'history-schema': 'pgshift_perm' } })],
  ['statement-timeout exceeded', () => ({ files: { '001_a.sql': 'SELECT pg_sleep(2);\n' }, inputs: { mode: 'apply', 'statement-timeout': '200ms', 'history-schema': 'h_stmt' } })],
  ['non-transactional file failing', () => ({ files: { '001_a.sql': 'CREATE INDEX CONCURRENTLY i ON nowhere (x);\n' }, inputs: { mode: 'apply', 'history-schema': 'h_cic' } })],
  ['stray COMMIT refused', () => ({ files: { '001_a.sql': 'SELECT 1;\nCOMMIT;\n' }, inputs: { mode: 'apply' } })],
  ['psql meta-command refused', () => ({ files: { '001_a.sql': `\\connect ${url}\nSELECT 1;\n` }, inputs: { mode: 'apply' } })],
  ['invalid UTF-8 file', () => ({ files: { '001_a.sql': Buffer.concat([Buffer.from(`SELECT '${PASSWORD}`), Buffer.from([0xff]), Buffer.from("';\n")]) as unknown as string }, inputs: { mode: 'apply' } })],
  ['empty migration', () => ({ files: { '001_a.sql': `-- ${PASSWORD}\n` }, inputs: { mode: 'apply' } })],
  ['unterminated dollar quote', () => ({ files: { '001_a.sql': `SELECT $x$${PASSWORD};\n` }, inputs: { mode: 'apply' } })],
  ['COPY FROM stdin refused', () => ({ files: { '001_a.sql': `COPY a FROM stdin;\n${PASSWORD}\n\\.\n` }, inputs: { mode: 'apply' } })],
  ['sslmode=require against a server without TLS', () => ({ files: OK, inputs: { mode: 'plan', 'database-url': `${url}?sslmode=require` } })],
  ['verify-full with a missing root certificate file', () => ({ files: OK, inputs: { mode: 'plan', 'database-url': `${url}?sslmode=verify-full&sslrootcert=/nonexistent/${ENCODED}.crt` } })],
  ['unknown host', () => ({ files: OK, inputs: { mode: 'plan', 'connect-timeout': '0', 'database-url': url.replace(/@[^/]+\//, '@no-such-host.invalid:5432/') } })],
  ['a server that never answers', () => ({ files: OK, inputs: { mode: 'plan', 'connect-timeout': '0', 'database-url': `${blackhole.url(url)}?connect_timeout=1` } })],
  ['error detail and hint quoting the password', () => ({ files: { '001_a.sql': `DO $x$ BEGIN RAISE EXCEPTION 'boom' USING DETAIL = ${"'"}${PASSWORD}${"'"}, HINT = ${"'"}${ENCODED}${"'"}; END $x$;\n` }, inputs: { mode: 'apply', 'history-schema': 'h_raise' } })],
  ['error quoting the URL-encoded password', () => ({ files: { '001_a.sql': `SELECT '${ENCODED}'::int;\n` }, inputs: { mode: 'apply', 'history-schema': 'h_enc' } })],
  ['a notice quoting the password on success', () => ({ files: { '001_a.sql': `DO $x$ BEGIN RAISE NOTICE '%', ${"'"}${PASSWORD}${"'"}; RAISE WARNING 'w %', ${"'"}${ENCODED}${"'"}; END $x$;\n` }, inputs: { mode: 'apply', 'history-schema': 'h_notice' } })],
  ['lock held by another session (blocked)', () => ({
    files: OK,
    inputs: { mode: 'apply', 'lock-wait': '300ms', 'history-schema': 'h_lock' },
    setup: async () => {
      const holder = new pg.Client({ connectionString: url, application_name: 'holder' })
      await holder.connect()
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [lockKey('h_lock')])
      return async () => void (await holder.end())
    }
  })],
  ['drift refused (an applied file edited)', () => ({ files: { '001_a.sql': 'CREATE TABLE IF NOT EXISTS a (id int, b int);\n' }, inputs: { mode: 'apply', 'history-schema': 'h_drift' }, setup: appliedFirst(OK, 'h_drift') })],
  ['verify failing (a pending file)', () => ({ files: { ...OK, '002_b.sql': 'SELECT 1;\n' }, inputs: { mode: 'verify', 'history-schema': 'h_verify' }, setup: appliedFirst(OK, 'h_verify') })],
  ['test-rollback failing (no down)', () => ({ files: { '001_t.sql': 'CREATE TABLE IF NOT EXISTS t_rb (id int);\n' }, inputs: { mode: 'apply', 'test-rollback': 'true', 'history-schema': 'h_rb' } })],
  ['history schema not writable', () => ({ files: OK, inputs: { mode: 'apply', 'history-schema': 'pg_toast' } })]
]

test('the sweep covers at least 30 error paths', () => {
  expect(cases.length).toBeGreaterThanOrEqual(30)
})

test.each(cases)('no trace of the password: %s', async (_name, make) => {
  const { files, inputs, setup } = make()
  const cleanup = setup ? await setup() : noop
  const r = await runAction({ workspace: ws(files), inputs: { 'database-url': url, 'migrations-dir': 'migrations', ...inputs } }).finally(cleanup)
  const all = everything(r)
  for (const form of FORMS) expect(all).not.toContain(form)
  expect(all.length).toBeGreaterThan(0)
  if (inputs['database-url'] === undefined) expect(masksFirst(r)).toBe(true)
})
