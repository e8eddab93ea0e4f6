// Issue 14 on a real Postgres: what goose, psql and dbmate apply, pgshift applies,
// and a broken down script never blocks the ups (only the rollback that needs it).
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

const settings = (ws: string, extra: Record<string, string> = {}) =>
  parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', 'lock-timeout': '500ms', ...extra }, ws)
const run = (ws: string, extra: Record<string, string> = {}) => runPgshift(settings(ws, extra), { logger: recordingLogger() })
const history = async () => db.query<{ identity: string; status: string; statements: number }>('SELECT identity, status, statements FROM pgshift.schema_history ORDER BY identity')
const tables = async () => (await db.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)).map((r) => r.t)

test('goose: an empty Up section is recorded as applied; a trailing COMMIT commits with the history row', async () => {
  const ws = makeWorkspace({
    '00001_accounts.sql': '-- +goose Up\nCREATE TABLE accounts (id bigint PRIMARY KEY);\n-- +goose Down\nDROP TABLE accounts;\n',
    '00002_noop.sql': '-- +goose Up\n-- +goose StatementBegin\n-- +goose StatementEnd\n-- +goose Down\n',
    '00003_ledger.sql': '-- +goose Up\nCREATE TABLE ledger (id bigint);\nINSERT INTO ledger VALUES (1);\nCOMMIT;\n-- +goose Down\nDROP TABLE ledger;\n'
  })
  const first = await run(ws)
  expect(first.problems).toEqual([])
  expect(first.status).toBe('success')
  expect(first.applied).toEqual(['00001_accounts', '00002_noop', '00003_ledger'])
  expect(await history()).toEqual([
    { identity: '00001_accounts', status: 'applied', statements: 1 },
    { identity: '00002_noop', status: 'applied', statements: 0 },
    { identity: '00003_ledger', status: 'applied', statements: 2 }
  ])
  expect(await db.query('SELECT id FROM ledger')).toEqual([{ id: '1' }])
  const again = await run(ws)
  expect(again.status).toBe('nothing-to-do')
})

test('a failing statement before a trailing COMMIT leaves nothing behind (the COMMIT never ran)', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\nINSERT INTO a VALUES (1), (1);\nCREATE UNIQUE INDEX ON a (id);\nCOMMIT;\n' })
  const r = await run(ws)
  expect(r.status).toBe('failed')
  expect(await tables()).toEqual([])
})

test('a syntax error in a down section: plan, dry-run and apply warn and apply the ups; the rollback that needs it refuses', async () => {
  const ws = makeWorkspace({
    '20240101000000_a.sql': '-- migrate:up\nCREATE TABLE a (id int);\n\n-- migrate:down\nDROP TABLE a;\n',
    '20240102000000_b.sql': '-- migrate:up\nCREATE TABLE b (id int);\n\n-- migrate:down\nDROP TABEL b;\n'
  })
  for (const mode of ['plan', 'dry-run']) {
    const r = await run(ws, { mode })
    expect(r.problems).toEqual([])
    expect(r.status).toBe('success')
    expect(r.warnings).toEqual([expect.objectContaining({ file: 'migrations/20240102000000_b.sql', position: { line: 5, col: 6 }, message: expect.stringMatching(/^in the down script of 20240102000000_b/) })])
  }
  const applied = await run(ws)
  expect(applied.status).toBe('success')
  expect(applied.applied).toEqual(['20240101000000_a', '20240102000000_b'])
  expect(applied.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/does not block this apply/)])
  expect(await tables()).toEqual(['a', 'b'])

  const rollback = await run(ws, { mode: 'rollback', steps: '1' })
  expect(rollback.status).toBe('failed')
  expect(rollback.problems).toEqual([expect.objectContaining({ file: 'migrations/20240102000000_b.sql', code: 'syntax-error', position: { line: 5, col: 6 } })])
  expect(await tables()).toEqual(['a', 'b'])
})

test('a broken down refuses an apply with test-rollback (it runs that down)', async () => {
  const ws = makeWorkspace({ '1_a.up.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABEL a;\n' })
  const r = await run(ws, { 'test-rollback': 'true' })
  expect(r.status).toBe('failed')
  expect(r.problems.map((p) => p.code)).toEqual(['syntax-error'])
  expect(await tables()).toEqual([])
})
