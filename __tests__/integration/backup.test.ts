// Backups (issue 9): pg_dump before the first migration, safety copies of the
// rows a migration destroys. The machine's client is pg_dump 15, so the dumps
// run against the Postgres 15 server; the version refusal against the 17 one.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findPgDump } from '../../src/backup/pg-dump.js'
import { runPgshift } from '../../src/engine/run.js'
import { diffSnapshots, takeSnapshot } from '../../src/inspect/index.js'
import { renderText } from '../../src/report/text.js'
import { parseSettings } from '../../src/settings.js'
import { adminUrl, adminUrl15, freshDatabase, withClient, type TestDatabase } from '../support/db.js'
import { addFile, makeWorkspace, recordingLogger } from '../support/workspace.js'

let db: TestDatabase
const dbs: TestDatabase[] = []
async function database(admin = adminUrl15()): Promise<TestDatabase> {
  const d = await freshDatabase(admin)
  dbs.push(d)
  return d
}
beforeEach(async () => {
  db = await database()
})
afterEach(async () => {
  for (const d of dbs.splice(0)) await d.drop()
  delete process.env.PGSHIFT_PG_DUMP
})

const backupDir = () => mkdtempSync(join(tmpdir(), 'pgshift-backups-'))

function settings(ws: string, extra: Record<string, string> = {}, url = db.url) {
  return parseSettings({ 'database-url': url, mode: 'apply', 'migrations-dir': 'migrations', 'lock-timeout': '2s', ...extra }, ws)
}

const apply = (ws: string, extra: Record<string, string> = {}, url = db.url) => runPgshift(settings(ws, extra, url), { logger: recordingLogger() })

/** The 15 client the machine has (the tests' premise); PGSHIFT_PG_DUMP pins it. */
async function pgDump15(): Promise<string> {
  const b = await findPgDump(15, { PATH: process.env.PATH })
  expect(b.major).toBe(15)
  return b.path
}

const BASE = {
  '001_schema.sql': [
    'CREATE TYPE mood AS ENUM (\'ok\', \'meh\');',
    'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, mood mood DEFAULT \'ok\', created_at timestamptz NOT NULL DEFAULT now());',
    'CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE, body text CHECK (length(body) < 500));',
    'CREATE INDEX posts_user_idx ON posts (user_id);',
    'CREATE VIEW user_posts AS SELECT u.email, count(p.id) AS n FROM users u LEFT JOIN posts p ON p.user_id = u.id GROUP BY u.email;',
    'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.created_at := now(); RETURN NEW; END $$;',
    'CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();',
    'ALTER TABLE posts ENABLE ROW LEVEL SECURITY;',
    'CREATE POLICY own_posts ON posts USING (user_id = 1);',
    'INSERT INTO users (id, email) SELECT g, \'user\' || g || \'@example.com\' FROM generate_series(1, 1000) g;',
    'INSERT INTO posts (user_id, body) SELECT g, \'post \' || g FROM generate_series(1, 1000) g;',
    ''
  ].join('\n')
}

test('a schema backup restores with psql into an empty database and gives the same schema snapshot', async () => {
  process.env.PGSHIFT_PG_DUMP = await pgDump15()
  const ws = makeWorkspace(BASE)
  expect((await apply(ws, { backup: 'off' })).status).toBe('success')
  const before = await withClient(db.url, (c) => takeSnapshot(c))
  addFile(ws, '002_more.sql', 'CREATE TABLE tags (id int PRIMARY KEY);\n')
  const dir = backupDir()
  const report = await apply(ws, { backup: 'schema', 'backup-dir': dir })
  expect(report.status).toBe('success')
  expect(report.backup).toMatchObject({ level: 'schema', reason: 'backup input' })
  const file = report.backup?.file as string
  expect(file.startsWith(dir)).toBe(true)
  expect(report.backup?.bytes).toBeGreaterThan(1000)
  // Schema only: no row of users is in the dump.
  expect(readFileSync(file, 'utf8')).not.toContain('user1@example.com')

  const target = await database()
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', target.url, '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] })
  const restored = await withClient(target.url, (c) => takeSnapshot(c))
  expect(diffSnapshots(before, restored)).toEqual([])
  // The dump was taken before 002 ran: the restored schema has no tags.
  expect(Object.keys(restored.objects).some((k) => k.includes('tags'))).toBe(false)
  expect(await target.query('SELECT count(*)::int AS n FROM users')).toEqual([{ n: 0 }])
})

test('a full backup restores the rows too, with pg_restore', async () => {
  process.env.PGSHIFT_PG_DUMP = await pgDump15()
  const ws = makeWorkspace(BASE)
  expect((await apply(ws, { backup: 'off' })).status).toBe('success')
  addFile(ws, '002_wipe.sql', 'DELETE FROM posts;\nDELETE FROM users;\n')
  const report = await apply(ws, { backup: 'full', 'backup-dir': backupDir() })
  expect(report.status).toBe('success')
  expect(await db.query('SELECT count(*)::int AS n FROM users')).toEqual([{ n: 0 }])
  expect(report.backup?.file).toMatch(/database\.dump$/)

  const target = await database()
  execFileSync('pg_restore', ['--exit-on-error', '--no-owner', '-d', target.url, report.backup?.file as string], { stdio: ['ignore', 'ignore', 'pipe'] })
  expect(await target.query('SELECT count(*)::int AS n, min(email) AS first FROM users')).toEqual([{ n: 1000, first: 'user1000@example.com' }])
  expect(await target.query('SELECT count(*)::int AS n FROM posts')).toEqual([{ n: 1000 }])
  expect(await target.query('SELECT count(*)::int AS n FROM pgshift.schema_history')).toEqual([{ n: 1 }])
})

test('a migration that drops a column holding 1,000 rows leaves a CSV of those rows, taken before the column is gone', async () => {
  process.env.PGSHIFT_PG_DUMP = await pgDump15()
  const ws = makeWorkspace(BASE)
  expect((await apply(ws, { backup: 'off' })).status).toBe('success')
  addFile(ws, '002_drop_email.sql', '-- email moves to the auth service\nDROP VIEW user_posts;\nALTER TABLE users DROP COLUMN email;\n')
  const report = await apply(ws, { backup: 'schema', 'backup-dir': backupDir() })
  expect(report.error ?? report.migrations.find((m) => m.error)?.error).toBeUndefined()
  expect(report.status).toBe('success')
  expect(await db.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'email'`)).toEqual([])
  expect(report.safetyCopies).toHaveLength(1)
  const copy = report.safetyCopies?.[0]
  expect(copy).toMatchObject({ migration: '002_drop_email', what: 'column public.users.email', rows: 1000, statement: 'migrations/002_drop_email.sql:3 DROP COLUMN' })
  expect(copy?.file.startsWith(report.backup?.dir as string)).toBe(true)
  const lines = readFileSync(copy?.file as string, 'utf8').trim().split('\n')
  expect(lines[0]).toBe('id,email')
  expect(lines).toHaveLength(1001)
  expect(new Set(lines.slice(1))).toEqual(new Set(Array.from({ length: 1000 }, (_, i) => `${i + 1},user${i + 1}@example.com`)))
  expect(renderText(report)).toContain('safety copy: 1000 rows of column public.users.email (migrations/002_drop_email.sql:3 DROP COLUMN)')
})

test('DROP TABLE and TRUNCATE are copied whole; the down scripts of a rollback too', async () => {
  process.env.PGSHIFT_PG_DUMP = await pgDump15()
  const ws = makeWorkspace({ ...BASE, '001_schema.down.sql': 'DROP VIEW user_posts;\nDROP TABLE posts;\nDROP TABLE users;\nDROP FUNCTION touch();\nDROP TYPE mood;\n' })
  expect((await apply(ws, { backup: 'off' })).status).toBe('success')
  addFile(ws, '002_truncate.sql', 'TRUNCATE posts;\n')
  const up = await apply(ws, { backup: 'schema', 'backup-dir': backupDir() })
  expect(up.safetyCopies?.map((c) => [c.what, c.rows])).toEqual([['table public.posts', 1000]])

  addFile(ws, '002_truncate.down.sql', 'SELECT 1;\n')
  const back = await runPgshift(settings(ws, { mode: 'rollback', steps: '2', 'allow-data-loss': 'true', backup: 'schema', 'backup-dir': backupDir() }), { logger: recordingLogger() })
  expect(back.status).toBe('success')
  // posts is empty by then; users still holds its 1,000 rows.
  expect(back.safetyCopies?.map((c) => [c.migration, c.what, c.rows, c.statement])).toEqual([
    ['001_schema', 'table public.posts', 0, 'migrations/001_schema.down.sql:2 DROP TABLE'],
    ['001_schema', 'table public.users', 1000, 'migrations/001_schema.down.sql:3 DROP TABLE']
  ])
  expect(readFileSync(back.safetyCopies?.[1]?.file as string, 'utf8').split('\n')[0]).toBe('id,email,mood,created_at')
})

test('a pg_dump older than the server is refused with the version needed and how to get it; nothing changes', async () => {
  process.env.PGSHIFT_PG_DUMP = await pgDump15()
  const db17 = await database(adminUrl())
  const ws = makeWorkspace(BASE)
  const report = await apply(ws, { backup: 'schema', 'backup-dir': backupDir() }, db17.url)
  expect(report.status).toBe('failed')
  expect(report.error?.message).toMatch(/^The backup needs pg_dump 17 or newer, because the server runs PostgreSQL 17 .*found only pg_dump 15\.\d+/)
  expect(report.error?.next).toContain('sudo apt-get install -y postgresql-client-17')
  expect(report.migrations.map((m) => m.status)).toEqual(['pending'])
  expect(await db17.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'pgshift'`)).toEqual([{ n: 0 }])
  expect(await db17.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).toEqual([{ n: 0 }])
})

/** A pg_dump that fails after printing its environment's password, and records its arguments. */
function failingPgDump(): { bin: string; argsFile: string } {
  const d = mkdtempSync(join(tmpdir(), 'pgshift-fake-dump-'))
  const bin = join(d, 'pg_dump')
  const argsFile = join(d, 'args')
  writeFileSync(bin, `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) 99.1"; exit 0; fi\necho "$@" > ${argsFile}\necho "pg_dump: error: connection failed, password $PGPASSWORD" >&2\nexit 1\n`)
  chmodSync(bin, 0o755)
  return { bin, argsFile }
}

test('a failing backup stops the run before anything changes, and its stderr is redacted', async () => {
  const fake = failingPgDump()
  process.env.PGSHIFT_PG_DUMP = fake.bin
  // A password redact() does not treat as trivial (it leaves `postgres` alone).
  const user = `bk_${db.name}`
  const password = `Pw-${db.name}-x7`
  await db.query(`CREATE ROLE ${user} LOGIN SUPERUSER PASSWORD '${password}'`)
  const url = new URL(db.url)
  url.username = user
  url.password = password
  const ws = makeWorkspace(BASE)
  const report = await apply(ws, { backup: 'schema', 'backup-dir': backupDir() }, url.toString())
  expect(report.status).toBe('failed')
  expect(report.error?.message).toMatch(/^pg_dump 99\.1 failed: pg_dump: error: connection failed, password /)
  expect(JSON.stringify(report)).not.toContain(password)
  expect(readFileSync(fake.argsFile, 'utf8')).not.toContain(password)
  expect(report.error?.next).toMatch(/^Nothing was changed/)
  expect(await db.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'pgshift'`)).toEqual([{ n: 0 }])
  expect(await db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).toEqual([{ n: 0 }])

  // backup-required: false goes on, with a warning.
  const goOn = await apply(ws, { backup: 'schema', 'backup-required': 'false', 'backup-dir': backupDir() }, url.toString())
  expect(goOn.status).toBe('success')
  await db.query(`REASSIGN OWNED BY ${user} TO CURRENT_USER`)
  await db.query(`DROP OWNED BY ${user}`)
  await db.query(`DROP ROLE ${user}`)
  expect(goOn.warnings.map((w) => w.message).join('\n')).toContain('The backup failed and backup-required is false')
})

test('auto: no backup on a loopback database, and none in plan, dry-run or verify', async () => {
  const ws = makeWorkspace(BASE)
  const report = await apply(ws)
  expect(report.backup).toEqual({ level: 'off', reason: expect.stringMatching(/^auto: loopback host .* is an ephemeral database/) })
  for (const mode of ['plan', 'dry-run', 'verify']) {
    const dir = backupDir()
    const r = await runPgshift(settings(ws, { mode, backup: 'full', 'backup-dir': dir }), { logger: recordingLogger() })
    expect([mode, r.backup?.level ?? 'none']).toEqual([mode, 'none'])
    expect(readdirSync(dir)).toEqual([])
  }
})
