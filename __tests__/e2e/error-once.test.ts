// Issue 19 item 8: a run-level error (a failed backup, an empty database-url) is
// one `::error` in the log, with its next step; the step still fails. Before, the
// annotation was followed by core.setFailed's `::error::` of the same message.
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NODE24, runAction } from '../support/action-runner.js'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { makeWorkspace } from '../support/workspace.js'

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

const CLI = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist/cli/index.js')

const errorLines = (stdout: string) => stdout.split('\n').filter((l) => /^::error[ :]/.test(l))

test('a failed backup is one ::error, with its next step; the step fails', async () => {
  const d = mkdtempSync(join(tmpdir(), 'pgshift-fake-pgdump-'))
  const bin = join(d, 'pg_dump')
  writeFileSync(bin, '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) 99.1"; exit 0; fi\necho "pg_dump: error: disk full" >&2\nexit 1\n')
  chmodSync(bin, 0o755)
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' })
  const r = await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', backup: 'schema' }, env: { PGSHIFT_PG_DUMP: bin } })
  expect(r.code).toBe(1)
  expect(r.outputs.status).toBe('failed')
  const errors = errorLines(r.stdout)
  // Before: two lines, `::error title=pgshift::pg_dump 99.1 failed: …%0ANothing was changed…` and `::error::pg_dump 99.1 failed: …`.
  expect(errors).toHaveLength(1)
  expect(r.annotations.filter((a) => a.level === 'error')).toEqual([
    expect.objectContaining({ props: { title: 'pgshift' }, message: expect.stringMatching(/^pg_dump 99\.1 failed: pg_dump: error: disk full\nNothing was changed/) })
  ])
  expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'a'`)).toHaveLength(0)
})

test('an empty database-url is one ::error; the step fails', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'SELECT 1;\n' })
  const r = await runAction({ workspace: ws, inputs: { 'database-url': '', 'migrations-dir': 'migrations' } })
  expect(r.code).toBe(1)
  expect(r.outputs.status).toBe('failed')
  // Before: the annotation and core.setFailed's copy of its first line.
  expect(errorLines(r.stdout)).toHaveLength(1)
  expect(r.annotations.find((a) => a.level === 'error')?.message).toMatch(/database-url/)
})

test('a failed migration keeps its annotation and the step failure line naming the run', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n', '002_b.sql': 'SELECT * FROM nowhere;\n' })
  const r = await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations' } })
  expect(r.code).toBe(1)
  const errors = r.annotations.filter((a) => a.level === 'error')
  expect(errors.map((a) => a.props.title ?? '')).toEqual(['pgshift: 002_b failed', ''])
  expect(errors[1]?.message).toMatch(/^pgshift apply failed: /)
})

// Every workflow command the run writes, in order (group markers aside).
const commandLines = (stdout: string) => stdout.split('\n').filter((l) => /^::(error|warning|notice)[ :]/.test(l))

test('verify: each failed check is one ::error (at its file when it has one), logged as a failure in words, never as a warning; the CLI says the same', async () => {
  // Each verify builds the files' schema on an empty database of its own.
  const expected = await freshDatabase()
  const expectedForCli = await freshDatabase()
  try {
    const ws = makeWorkspace({
      '001_a.sql': 'CREATE TABLE a (id int);\n',
      '001_a.verify.sql': 'SELECT false AS a_has_rows;\n',
      '002_b.sql': 'CREATE TABLE b (id int);\n',
      '004_d.sql': 'SELECT 4;\n'
    })
    const apply = await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations' } })
    expect(apply.code).toBe(0)
    // After the deploy: 002 edited (drift), 004 deleted (missing), 003 added (pending), a table made by hand (a schema difference).
    writeFileSync(join(ws, 'migrations/002_b.sql'), 'CREATE TABLE b (id int); -- edited\n')
    rmSync(join(ws, 'migrations/004_d.sql'))
    writeFileSync(join(ws, 'migrations/003_c.sql'), 'SELECT 3;\n')
    await db.query('CREATE TABLE by_hand (id int)')
    const inputs = { 'database-url': db.url, mode: 'verify', 'migrations-dir': 'migrations', 'expected-database-url': expected.url }

    const r = await runAction({ workspace: ws, inputs })
    expect(r.code).toBe(1)
    expect(r.outputs.status).toBe('failed')
    const report = JSON.parse(readFileSync(r.outputs.report as string, 'utf8')) as { checks: { subject: string; ok: boolean; message: string }[] }
    const failed = report.checks.filter((c) => !c.ok)
    expect(failed.map((c) => c.subject)).toEqual(['002_b', '003_c', '004_d', '001_a', 'schema', 'schema'])
    const drift = failed[0]!.message
    // One command per failed check, and nothing else: no ::warning log line, no refusal, drift or schema-differences
    // line, no step failure repeating them. Those with a file first; a missing file's check names none (the
    // annotation would link to a path that is not in the commit).
    expect(commandLines(r.stdout)).toEqual([
      `::error title=pgshift%3A verify 002_b failed,file=migrations/002_b.sql::${drift}`,
      '::error title=pgshift%3A verify 003_c failed,file=migrations/003_c.sql::pending: not applied yet',
      expect.stringMatching(/^::error title=pgshift%3A verify 001_a failed,file=migrations\/001_a\.verify\.sql,line=1::/),
      expect.stringMatching(/^::error title=pgshift%3A verify 004_d failed::missing: recorded in history \(applied at .+\) from migrations\/004_d\.sql, but no file has this name$/),
      '::error title=pgshift%3A verify schema failed::column public.by_hand.id: in the live database, but the files do not create it',
      '::error title=pgshift%3A verify schema failed::table public.by_hand: in the live database, but the files do not create it'
    ])
    // The log says each as a failure, in plain text.
    const log = r.stdout.split('\n').filter((l) => !l.startsWith('::'))
    expect(log).toContain(`002_b: FAILED - ${drift}`)
    expect(log).toContain('003_c: FAILED - pending: not applied yet')
    expect(log.some((l) => /^\[1\/1\] 001_a: FAILED in \d+ ms - migrations\/001_a\.verify\.sql:1: /.test(l))).toBe(true)
    expect(log.some((l) => /^004_d: FAILED - missing: /.test(l))).toBe(true)
    expect(log).toContain('schema: FAILED - table public.by_hand: in the live database, but the files do not create it')
    expect(r.stdout).not.toMatch(/warning/i)

    const cli = spawnSync(NODE24, [CLI, 'verify', '--migrations-dir', 'migrations', '--expected-database-url', expectedForCli.url], {
      cwd: ws,
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url },
      encoding: 'utf8',
      timeout: 60_000
    })
    expect(cli.status).toBe(1)
    expect(cli.stderr).not.toMatch(/warning/i)
    expect(cli.stdout).not.toMatch(/warning/i)
    const stderr = cli.stderr.split('\n')
    expect(stderr).toContain(`002_b: FAILED - ${drift}`)
    expect(stderr).toContain('003_c: FAILED - pending: not applied yet')
    expect(stderr).toContain('schema: FAILED - table public.by_hand: in the live database, but the files do not create it')
  } finally {
    await expected.drop()
    await expectedForCli.drop()
  }
}, 120_000)

test('apply: a drifted file accepted by allow-drift and an out-of-order file accepted by allow-out-of-order are warnings, never an ::error, on a green run', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id bigint PRIMARY KEY);\n', '003_c.sql': 'CREATE TABLE c (id bigint PRIMARY KEY);\n' })
  const inputs = { 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations' }
  expect((await runAction({ workspace: ws, inputs })).code).toBe(0)
  // After the deploy: 001 edited (drift), 002 added before the newest applied (out of order), 004 added (pending).
  writeFileSync(join(ws, 'migrations/001_a.sql'), 'CREATE TABLE a (id bigint PRIMARY KEY); -- edited\n')
  writeFileSync(join(ws, 'migrations/002_b.sql'), 'CREATE TABLE b (id bigint PRIMARY KEY);\n')
  writeFileSync(join(ws, 'migrations/004_d.sql'), 'CREATE TABLE d (id bigint PRIMARY KEY);\n')

  const r = await runAction({ workspace: ws, inputs: { ...inputs, 'allow-drift': 'true', 'allow-out-of-order': 'true' } })
  expect(r.code).toBe(0)
  expect(r.outputs.status).toBe('success')
  expect(await db.query(`SELECT table_name FROM information_schema.tables WHERE table_name IN ('b', 'd') ORDER BY 1`)).toEqual([{ table_name: 'b' }, { table_name: 'd' }])
  // Before: `::error title=pgshift%3A drifted,file=migrations/001_a.sql,line=1::001_a is drifted (…)` on a run that succeeded.
  expect(commandLines(r.stdout)).toEqual([
    expect.stringMatching(/^::warning title=pgshift%3A drifted%2C accepted by allow-drift,file=migrations\/001_a\.sql,line=1::001_a: checksum in history \w{12}…, file now \w{12}…; accepted by allow-drift, not run again$/),
    '::warning title=pgshift%3A out of order%2C accepted by allow-out-of-order,file=migrations/002_b.sql,line=1::002_b: sorts before 003_c, the newest applied migration; accepted by allow-out-of-order'
  ])
  // The job summary says accepted, never refused.
  expect(r.summary).not.toMatch(/refused/i)
  expect(r.summary).toMatch(/accepted by allow-drift/)
  expect(r.summary).toMatch(/accepted by allow-out-of-order/)
}, 120_000)
