// Advice for SQL errors whose cause lies outside the database being migrated.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { runPgshift } from '../../src/engine/run.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { renderText } from '../../src/report/text.js'
import { parseSettings } from '../../src/settings.js'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { addFile, makeWorkspace, recordingLogger } from '../support/workspace.js'

let first: TestDatabase
let second: TestDatabase
const ROLE = `pgshift_advice_${process.pid}`
beforeEach(async () => {
  first = await freshDatabase()
  second = await freshDatabase()
})
afterEach(async () => {
  // Before the databases go: a role outlives them (the point of the first test), so drop it while a connection can.
  await first.query(`DROP ROLE IF EXISTS ${ROLE}`)
  await first.drop()
  await second.drop()
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

describe('a re-apply after a rollback whose down was incomplete', () => {
  const FILES = {
    '001_accounts.up.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY);\n',
    '001_accounts.down.sql': 'DROP TABLE accounts;\n',
    // The down forgets the audit table.
    '002_ledger.up.sql': 'CREATE TABLE ledger (id bigint PRIMARY KEY);\nCREATE TABLE ledger_audit (id bigint);\n',
    '002_ledger.down.sql': 'DROP TABLE ledger;\n'
  }
  const meta = { actor: 'octocat', runUrl: 'https://github.com/acme/app/actions/runs/42', commitSha: 'abc123' }
  const run = (ws: string, extra: Record<string, string> = {}, m = {}) =>
    runPgshift(parseSettings({ 'database-url': first.url, mode: 'apply', 'migrations-dir': 'migrations', ...extra }, ws), { logger: recordingLogger(), meta: m })

  test('the error names the down that left the object and history\'s record of the rollback', async () => {
    const ws = makeWorkspace(FILES)
    expect((await run(ws)).status).toBe('success')
    const back = await run(ws, { mode: 'rollback', steps: '1' }, meta)
    expect(back.status).toBe('success')
    expect(back.rolledBack).toEqual(['002_ledger'])

    // The record: written with the down, next to history, and not history.
    const log = await first.query<Record<string, string | null>>(
      'SELECT identity, version, script, down_script, actor, run_url, commit_sha, length(down_checksum) AS n FROM pgshift.schema_history_rollbacks'
    )
    expect(log).toEqual([
      { identity: '002_ledger', version: '002', script: 'migrations/002_ledger.up.sql', down_script: 'migrations/002_ledger.down.sql', actor: 'octocat', run_url: meta.runUrl, commit_sha: 'abc123', n: 64 }
    ])
    expect((await first.query<{ identity: string }>('SELECT identity FROM pgshift.schema_history')).map((r) => r.identity)).toEqual(['001_accounts'])

    // Plan and verify read history only: the rolled-back migration is pending, nothing is "missing".
    const plan = await run(ws, { mode: 'plan' })
    expect(plan.pending).toEqual(['002_ledger'])
    const verify = await run(ws, { mode: 'verify' })
    expect(verify.checks?.filter((c) => !c.ok).map((c) => c.subject)).toEqual(['002_ledger'])
    expect(JSON.stringify(verify.checks)).not.toMatch(/schema_history_rollbacks/)

    const again = await run(ws)
    expect(again.status).toBe('failed')
    const error = again.migrations.find((m) => m.identity === '002_ledger')?.error
    expect(error?.sqlstate).toBe('42P07')
    expect(error?.position?.line).toBe(2)
    expect(error?.next).toMatch(
      /^History records that 002_ledger was rolled back at \d{4}-\d\d-\d\dT[\d:.]+Z \(https:\/\/github\.com\/acme\/app\/actions\/runs\/42\) by migrations\/002_ledger\.down\.sql, and that down did not drop relation "ledger_audit", so it is incomplete \(recorded in "pgshift"\."schema_history_rollbacks"\)\. /
    )
    expect(error?.next).not.toMatch(/created by hand/)
    // The down file is the one that ran (its checksum is the one recorded): it still leaves the table.
    expect(error?.next).toContain('migrations/002_ledger.down.sql is unchanged since that rollback (its checksum is the one recorded), so it still does not drop relation "ledger_audit". Drop relation "ledger_audit" (or fix migrations/002_ledger.down.sql so that it drops it, and drop it once by hand), then rerun.')
    expect(again.nextStep).toContain('migrations/002_ledger.down.sql')
    // Nothing of the failed re-apply was kept, and the record stays.
    expect((await first.query('SELECT FROM pgshift.schema_history_rollbacks')).length).toBe(1)

    // Fixed as the advice says: the rerun applies.
    await first.query('DROP TABLE ledger_audit')
    expect((await run(ws)).applied).toEqual(['002_ledger'])
  })

  test('a down file edited since the rollback: the advice says its checksum changed, so the down that ran is not the one in the commit', async () => {
    const ws = makeWorkspace(FILES)
    expect((await run(ws)).status).toBe('success')
    expect((await run(ws, { mode: 'rollback', steps: '1' }, meta)).rolledBack).toEqual(['002_ledger'])
    // Fixed after the rollback that left the table: the next rollback drops it, but this re-apply still meets it.
    addFile(ws, '002_ledger.down.sql', 'DROP TABLE ledger_audit;\nDROP TABLE ledger;\n')
    const again = await run(ws)
    expect(again.status).toBe('failed')
    const next = again.migrations.find((m) => m.identity === '002_ledger')?.error?.next
    expect(next).toMatch(/^History records that 002_ledger was rolled back at .* by migrations\/002_ledger\.down\.sql, and that down did not drop relation "ledger_audit"/)
    expect(next).toContain(
      'migrations/002_ledger.down.sql has changed since that rollback (its checksum is not the one recorded): the down that ran is not the one in this commit, so check that this one drops relation "ledger_audit". Drop relation "ledger_audit" once by hand, then rerun.'
    )
    expect(next).not.toContain('is unchanged since that rollback')
    expect((await first.query('SELECT FROM pgshift.schema_history_rollbacks')).length).toBe(1)

    // The down file removed since: the advice says there is none in the commit.
    rmSync(join(ws, 'migrations', '002_ledger.down.sql'))
    const none = (await run(ws)).migrations.find((m) => m.identity === '002_ledger')?.error?.next
    expect(none).toContain('002_ledger has no down script in this commit any more')
  })

  test('without a recorded rollback the advice stays the generic one', async () => {
    await first.query('CREATE TABLE ledger_audit (id bigint)')
    const r = await run(makeWorkspace(FILES))
    expect(r.migrations.find((m) => m.identity === '002_ledger')?.error?.next).toMatch(/created by hand, or by another tool\?/)
  })

  test('a statement-by-statement down records itself with its history DELETE', async () => {
    const ws = makeWorkspace({ ...FILES, '003_idx.up.sql': 'CREATE INDEX ledger_id ON ledger (id);\n', '003_idx.down.sql': 'DROP INDEX CONCURRENTLY ledger_id;\n' })
    expect((await run(ws)).status).toBe('success')
    expect((await run(ws, { mode: 'rollback', steps: '1' })).rolledBack).toEqual(['003_idx'])
    expect(await first.query('SELECT identity, down_script FROM pgshift.schema_history_rollbacks')).toEqual([{ identity: '003_idx', down_script: 'migrations/003_idx.down.sql' }])
  })

  test('a failed down records nothing', async () => {
    const ws = makeWorkspace({ ...FILES, '002_ledger.down.sql': 'DROP TABLE ledger;\nDROP TABLE no_such_table;\n' })
    expect((await run(ws)).status).toBe('success')
    expect((await run(ws, { mode: 'rollback', steps: '1' })).status).toBe('failed')
    expect((await first.query('SELECT FROM pgshift.schema_history_rollbacks')).length).toBe(0)
    expect((await first.query('SELECT FROM pgshift.schema_history')).length).toBe(2)
  })
})

test('plan names the statements that change the whole server, and the lint warns on them', async () => {
  const ws = makeWorkspace({
    '001_roles.sql': `CREATE TABLE accounts (id bigint PRIMARY KEY);\n\nCREATE ROLE ${ROLE} NOLOGIN;\nGRANT SELECT ON accounts TO ${ROLE};\nALTER DATABASE ${first.name} SET statement_timeout = '30s';\nDO $$\nBEGIN\n  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${ROLE}_b') THEN CREATE ROLE ${ROLE}_b; END IF;\nEND $$;\n`,
    '002_t.sql': 'CREATE TABLE t (id bigint PRIMARY KEY);\n'
  })
  const r = await runPgshift(parseSettings({ 'database-url': first.url, mode: 'plan', 'migrations-dir': 'migrations' }, ws), { logger: recordingLogger() })
  expect(r.status).toBe('success')
  const roles = r.migrations.find((m) => m.identity === '001_roles')
  expect(roles?.serverWide).toEqual([`CREATE ROLE ${ROLE} (line 3)`, `ALTER DATABASE ${first.name} SET statement_timeout (line 5)`, `CREATE ROLE ${ROLE}_b (in a DO block) (line 8)`])
  expect(r.migrations.find((m) => m.identity === '002_t')?.serverWide).toBeUndefined()
  expect(renderText(r)).toContain(`changes the whole server: CREATE ROLE ${ROLE} (line 3), ALTER DATABASE ${first.name} SET statement_timeout (line 5)`)
  expect(renderMarkdown(r)).toContain(`changes the whole server: CREATE ROLE ${ROLE} (line 3)`)
  expect(r.lint?.filter((f) => f.rule === 'server-wide-change').map((f) => [f.line, f.severity])).toEqual([
    [3, 'warning'],
    [5, 'warning'],
    [6, 'warning']
  ])
  // plan is read-only: nothing was created, not even on the server.
  expect(await first.query(`SELECT FROM pg_roles WHERE rolname = '${ROLE}'`)).toEqual([])
})
