// A dry-run that previews only part of the set says so (issue 14 item 9), through the
// bundled artifacts: the action's heading, ::warning and `not-previewed` output, and
// the CLI's first and last lines.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { NODE24, runAction } from '../support/action-runner.js'
import { makeWorkspace } from '../support/workspace.js'

const CLI = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist/cli/index.js')

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

const FILES = {
  '001_a.sql': 'CREATE TABLE a (id bigint PRIMARY KEY);\n',
  '002_b.sql': 'CREATE TABLE b (id bigint PRIMARY KEY);\n',
  '003_blocks.sql': '-- two batches, each committed on its own\nBEGIN;\nCREATE TABLE q (id bigint PRIMARY KEY);\nCOMMIT;\nBEGIN;\nINSERT INTO q VALUES (1);\nCOMMIT;\n',
  '004_c.sql': 'CREATE TABLE c (id bigint PRIMARY KEY);\n'
}

test('the bundled action: "previewed 2 of 4" in the heading, a ::warning at the BEGIN, the not-previewed output', async () => {
  const ws = makeWorkspace(FILES)
  const r = await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode: 'dry-run', 'migrations-dir': 'migrations' } })
  expect(r.code).toBe(0)
  expect(r.outputs.status).toBe('success')
  expect(r.summary.split('\n')[0]).toMatch(/⚠️ pgshift dry-run \(preview: nothing kept\): previewed 2 of 4 migrations \(2 not previewed\) on /)
  const warning = r.annotations.find((a) => a.level === 'warning' && a.props.title === 'pgshift' && a.props.file === 'migrations/003_blocks.sql')
  expect(warning?.props.line).toBe('2')
  expect(warning?.message).toMatch(/The preview stopped at `003_blocks` and previewed 2 of 4 migrations: its BEGIN \.\.\. COMMIT blocks commit on their own/)
  expect(JSON.parse(r.outputs['not-previewed'] ?? '')).toEqual([
    { identity: '003_blocks', file: 'migrations/003_blocks.sql', reason: expect.stringMatching(/^cannot be previewed: its BEGIN \.\.\. COMMIT blocks/) },
    { identity: '004_c', file: 'migrations/004_c.sql', reason: 'runs after 003_blocks, where the preview stopped' }
  ])
  // Nothing was kept.
  expect(await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'pgshift'`)).toHaveLength(0)

  // A preview of everything: the output is an empty list and no warning.
  const whole = makeWorkspace({ '001_a.sql': FILES['001_a.sql'] })
  const full = await runAction({ workspace: whole, inputs: { 'database-url': db.url, mode: 'dry-run', 'migrations-dir': 'migrations' } })
  expect(full.outputs['not-previewed']).toBe('[]')
  expect(full.annotations.filter((a) => a.level === 'warning' && a.props.title === 'pgshift')).toEqual([])
  expect(full.summary.split('\n')[0]).toMatch(/✅ pgshift dry-run \(preview: nothing kept\): 1 migration would apply/)
})

test('the bundled CLI: the first and last lines say "previewed 2 of 4", and the warning names the file', () => {
  const ws = makeWorkspace(FILES)
  const r = spawnSync(NODE24, [CLI, 'dry-run', '--database-url', db.url], { cwd: ws, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 60_000 })
  expect(r.status).toBe(0)
  const lines = r.stdout.split('\n')
  expect(lines[0]).toBe('pgshift dry-run: previewed 2 of 4')
  expect(lines.find((l) => l.startsWith('previewed 2 of 4 in '))).toMatch(/: 2 previewed, 1 skipped, 1 pending$/)
  expect(r.stdout).toMatch(/^migrations\/003_blocks\.sql: warning: The preview stopped at `003_blocks`/m)
})
