// Progress and backups as GitHub runs them (dist/index.js on Node 24) and as the
// CLI prints them: one log group per migration titled `[k/N] identity`, the hooks
// in their own groups, the backup-path output; one CLI line per migration.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { adminUrl15, freshDatabase, type TestDatabase } from '../support/db.js'
import { NODE24, runAction } from '../support/action-runner.js'
import { makeWorkspace } from '../support/workspace.js'

let db: TestDatabase
beforeEach(async () => {
  // Postgres 15: the machine's pg_dump is 15.
  db = await freshDatabase(adminUrl15())
})
afterEach(async () => {
  await db.drop()
})

const FILES = {
  '001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nINSERT INTO users SELECT g, g::text FROM generate_series(1, 10) g;\n',
  '002_posts.sql': 'CREATE TABLE posts (id bigint PRIMARY KEY);\n',
  '003_drop_email.sql': 'ALTER TABLE users DROP COLUMN email;\n',
  'afterMigrate.sql': 'ANALYZE users;\n'
}

test('the action logs each migration in its own group, the hook in another, and outputs the backup folder', async () => {
  const ws = makeWorkspace(FILES)
  const r = await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', backup: 'schema' } })
  expect(r.code).toBe(0)
  const groups = r.stdout.split('\n').filter((l) => l.startsWith('::group::') || l.startsWith('::endgroup::'))
  expect(groups).toEqual([
    '::group::[1/3] 001_users',
    '::endgroup::',
    '::group::[2/3] 002_posts',
    '::endgroup::',
    '::group::[3/3] 003_drop_email',
    '::endgroup::',
    '::group::hook migrations/afterMigrate.sql',
    '::endgroup::'
  ])
  // Inside each group, its progress line.
  const first = r.stdout.slice(r.stdout.indexOf('::group::[1/3]'), r.stdout.indexOf('::group::[2/3]'))
  expect(first).toMatch(/applied in \d+ ms \(elapsed \d+\.\d s\)/)
  const dir = r.outputs['backup-path'] as string
  expect(dir).toBeTruthy()
  expect(readdirSync(dir).sort()).toEqual(['003_drop_email-line1-public.users.email.csv', 'schema.sql'])
  expect(r.summary).toContain('**Safety copy:** 10 rows of column public.users.email, destroyed by migrations/003_drop_email.sql:1 DROP COLUMN')
})

test('the CLI prints one progress line per migration with the elapsed time', () => {
  const ws = makeWorkspace(FILES)
  const cli = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist/cli/index.js')
  const backups = join(ws, 'backups')
  const r = spawnSync(NODE24, [cli, 'apply', '--migrations-dir', 'migrations', '--backup', 'schema', '--backup-dir', backups], {
    cwd: ws,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url },
    encoding: 'utf8',
    timeout: 60_000
  })
  expect(r.status).toBe(0)
  const lines = r.stderr.split('\n').filter((l) => /^\[\d\/3\]/.test(l))
  expect(lines).toHaveLength(3)
  lines.forEach((l, i) => expect(l).toMatch(new RegExp(`^\\[${i + 1}/3\\] \\S+ applied in \\d+ ms \\(elapsed \\d+\\.\\d s\\)$`)))
  expect(existsSync(backups)).toBe(true)
  expect(r.stdout).toMatch(/backup \(schema\): .*schema\.sql/)
})
