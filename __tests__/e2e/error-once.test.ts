// Issue 19 item 8: a run-level error (a failed backup, an empty database-url) is
// one `::error` in the log, with its next step; the step still fails. Before, the
// annotation was followed by core.setFailed's `::error::` of the same message.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAction } from '../support/action-runner.js'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { makeWorkspace } from '../support/workspace.js'

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

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
