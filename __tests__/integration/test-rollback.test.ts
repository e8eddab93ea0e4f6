// test-rollback: apply, down, up on an ephemeral database; any schema difference
// means a down script is not the inverse of its up.
import { cpSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runPgshift } from '../../src/engine/run.js'
import { parseSettings } from '../../src/settings.js'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { makeWorkspace, recordingLogger } from '../support/workspace.js'

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

const apply = (ws: string, dir: string) =>
  runPgshift(parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': dir, 'test-rollback': 'true' }, ws), { logger: recordingLogger() })

test('a down that forgets an index fails the run, naming the index', async () => {
  const ws = makeWorkspace({
    '001_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, email text);\n',
    '001_users.down.sql': 'DROP TABLE users;\n',
    '002_email_idx.sql': 'CREATE INDEX users_email ON users (email);\nALTER TABLE users ADD COLUMN name text;\n',
    '002_email_idx.down.sql': 'ALTER TABLE users DROP COLUMN name;\n'
  })
  // 001 is already deployed: the test covers this PR's migration only.
  await runPgshift(parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations' }, makeWorkspace({ '001_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, email text);\n' })), { logger: recordingLogger() })
  const r = await apply(ws, 'migrations')
  expect(r.applied).toEqual(['002_email_idx'])
  expect(r.status).toBe('failed')
  const diff = r.schemaDiff?.find((d) => /after down vs before up/.test(d.title))
  expect(diff?.differences).toEqual([{ object: 'index public.users_email', change: 'added' }])
  expect(r.checks?.find((c) => !c.ok)?.message).toMatch(/down is not the inverse of up \(002_email_idx\).*index public\.users_email added/)
  // Applying again then trips over the leftover index: reported as its own check.
  expect(r.checks?.filter((c) => !c.ok).map((c) => c.message)[1]).toMatch(/applying again after the down failed: relation "users_email" already exists/)
})

test('a migration without a down fails the rollback test, naming it', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' })
  const r = await apply(ws, 'migrations')
  expect(r.status).toBe('failed')
  expect(r.checks?.[0]).toMatchObject({ subject: '001_a', ok: false, message: expect.stringMatching(/no down script/) })
})

test('migrations-example/ passes: up, down, up leaves the same schema', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'pgshift-ex-'))
  cpSync('migrations-example', join(ws, 'migrations-example'), { recursive: true })
  const r = await apply(ws, 'migrations-example/supabase/migrations')
  expect(r.checks?.filter((c) => !c.ok)).toEqual([])
  expect(r.status).toBe('success')
  expect(r.applied).toHaveLength(8)
  expect(r.checks?.map((c) => c.ok)).toEqual([true, true])
  expect(r.nextStep).toMatch(/rollback test passed/)
})
