// Every migration starts from a clean session (issue 13, T56): whatever identity or
// setting one file takes for its session, the next file, the history write and the
// durability commit run as the login user with the server's defaults.
import { runPgshift } from '../../src/engine/run.js'
import type { RunReport } from '../../src/engine/report.js'
import { parseSettings } from '../../src/settings.js'
import { adminUrl, freshDatabase, withClient, type TestDatabase } from '../support/db.js'
import { makeWorkspace, recordingLogger } from '../support/workspace.js'

let db: TestDatabase
const role = `r13_${process.pid}`
beforeAll(() => withClient(adminUrl(), (c) => c.query(`CREATE ROLE ${role} NOLOGIN`)))
afterAll(() => withClient(adminUrl(), (c) => c.query(`DROP ROLE IF EXISTS ${role}`)))
beforeEach(async () => {
  db = await freshDatabase()
  await db.query(`GRANT CREATE, USAGE ON SCHEMA public TO ${role}`)
  await db.query(`CREATE SCHEMA nowhere AUTHORIZATION ${role}`)
})
afterEach(() => db.drop())

const run = (ws: string): Promise<RunReport> =>
  runPgshift(parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', 'connect-timeout': '0' }, ws), { logger: recordingLogger() })

/** Each session-changing statement, then a file that records who and where it ran. */
const CHANGES: [string, string][] = [
  ['set_session_authorization', `SET SESSION AUTHORIZATION ${role};`],
  ['set_role', `SET ROLE ${role};`],
  ['set_config_search_path', `SELECT set_config('search_path', 'nowhere', false);`],
  ['set_search_path', 'SET search_path = nowhere;'],
  ['set_read_only', 'SET default_transaction_read_only = on;']
]

test.each([
  ['transactional', ''],
  ['statement by statement', '-- pgshift:no-transaction\n']
])('T56 %s: SET SESSION AUTHORIZATION, SET ROLE, set_config(..., false), SET search_path and read-only do not reach the next file or the history write', async (_, directive) => {
  const files: Record<string, string> = {}
  CHANGES.forEach(([name, sql], i) => {
    const n = String(2 * i + 1).padStart(3, '0')
    const m = String(2 * i + 2).padStart(3, '0')
    files[`${n}_${directive ? 'nt_' : ''}${name}.sql`] = `${directive}${sql}\n`
    files[`${m}_${directive ? 'nt_' : ''}after_${name}.sql`] = `CREATE TABLE ${directive ? 'nt_' : ''}after_${name} AS SELECT current_user::text AS u, session_user::text AS s, current_setting('search_path') AS p;\n`
  })
  const ws = makeWorkspace(files)
  const r = await run(ws)
  expect(r.error).toBeUndefined()
  expect(r.status).toBe('success')
  expect(r.applied).toHaveLength(10)
  for (const [name] of CHANGES) {
    const t = `${directive ? 'nt_' : ''}after_${name}`
    // Created in public (the default search_path), owned by and run as the login user.
    const rows = await db.query<{ owner: string; u: string; s: string; p: string }>(`SELECT tableowner AS owner, u, s, p FROM pg_tables, public.${t} WHERE schemaname = 'public' AND tablename = '${t}'`)
    expect({ t, ...rows[0] }).toEqual({ t, owner: 'postgres', u: 'postgres', s: 'postgres', p: '"$user", public' })
  }
  const history = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgshift.schema_history WHERE status = 'applied'`)
  expect(history[0]?.n).toBe(10)
})
