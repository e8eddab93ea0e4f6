// Advice for SQL errors whose cause lies outside the database being migrated.
import { runPgshift } from '../../src/engine/run.js'
import { parseSettings } from '../../src/settings.js'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { makeWorkspace, recordingLogger } from '../support/workspace.js'

let first: TestDatabase
let second: TestDatabase
const ROLE = `pgshift_advice_${process.pid}`
beforeEach(async () => {
  first = await freshDatabase()
  second = await freshDatabase()
})
afterEach(async () => {
  await first.drop()
  await second.drop()
  await first.query(`DROP ROLE IF EXISTS ${ROLE}`).catch(() => undefined)
})

test('"role already exists" says roles are cluster-wide: the same migrations on a second database of the server', async () => {
  const ws = makeWorkspace({ '001_role.sql': `CREATE ROLE ${ROLE} NOLOGIN;\n`, '002_t.sql': 'CREATE TABLE t (id int);\n' })
  const run = (url: string) => runPgshift(parseSettings({ 'database-url': url, mode: 'apply', 'migrations-dir': 'migrations' }, ws), { logger: recordingLogger() })
  expect((await run(first.url)).status).toBe('success')
  const r = await run(second.url)
  expect(r.status).toBe('failed')
  const error = r.migrations.find((m) => m.identity === '001_role')?.error
  expect(error?.sqlstate).toBe('42710')
  expect(error?.file).toBe('migrations/001_role.sql')
  expect(error?.next).toMatch(/^Roles belong to the whole server, not to one database: another database on the same server/)
  expect(error?.next).not.toMatch(/created by hand/)
  expect(r.applied).toEqual([])
})
