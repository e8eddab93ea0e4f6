// GitHub cancels a job with SIGINT: the running statement must stop on the
// server, the migration roll back, and the step end promptly.
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { runAction } from '../support/action-runner.js'
import { makeWorkspace } from '../support/workspace.js'

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

async function waitFor(check: () => Promise<boolean>, ms = 15000): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('condition not met in time')
}

test('SIGINT cancels the running statement on the server and rolls the migration back', async () => {
  const ws = makeWorkspace({ '001_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(60);\n' })
  const started = Date.now()
  let sent = false
  const run = runAction({
    workspace: ws,
    inputs: { 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations' },
    onSpawn: (child) => {
      void waitFor(async () => (await db.query(`SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND application_name = 'pgshift' AND state = 'active' AND pid <> pg_backend_pid()`)).length > 0).then(() => {
        sent = true
        child.kill('SIGINT')
      })
    }
  })
  const r = await run
  expect(sent).toBe(true)
  expect(r.code).toBe(1)
  expect(Date.now() - started).toBeLessThan(20000)
  expect(r.outputs.status).toBe('failed')
  expect(r.summary).toMatch(/57014|cancel/i)
  expect(await db.query(`SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND state = 'active' AND pid <> pg_backend_pid()`)).toHaveLength(0)
  expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'slow'`)).toHaveLength(0)
  expect(await db.query(`SELECT 1 FROM pgshift.schema_history`)).toHaveLength(0)
})
