// Bad input end to end (T29, T37-T42, T46, T50): every refusal happens before the
// database is touched (not even the history table appears), and what is accepted
// lands exactly once with correct positions.
import { mkdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { runPgshift } from '../../src/engine/run.js'
import { parseSettings } from '../../src/settings.js'
import { adminUrl, freshDatabase, withClient, type TestDatabase } from '../support/db.js'
import { startCli } from '../support/faults.js'
import { makeWorkspace, recordingLogger } from '../support/workspace.js'

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

const settings = (ws: string, extra: Record<string, string> = {}) =>
  parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', ...extra }, ws)
const run = (ws: string, extra: Record<string, string> = {}) => runPgshift(settings(ws, extra), { logger: recordingLogger() })
const untouched = async () => expect(await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'pgshift'`)).toEqual([])

test('T37 BOM and CRLF: applied, an error is reported on its CRLF line, and the LF version of an applied file is no drift', async () => {
  const crlf = '\uFEFF-- é\r\nCREATE TABLE a (id int);\r\n\r\nINSERT INTO a VALUES (1);\r\n'
  const ws = makeWorkspace({ '001_a.sql': crlf, '002_b.sql': 'CREATE TABLE b (id int);\r\n\r\n\r\nSELECT 1/0;\r\n' })
  const first = await run(ws)
  expect(first.applied).toEqual(['001_a'])
  const failed = first.migrations.find((m) => m.identity === '002_b')
  expect(failed?.error?.sqlstate).toBe('22012')
  expect(failed?.error?.position?.line).toBe(4)
  const lf = makeWorkspace({ '001_a.sql': crlf.replace('\uFEFF', '').replace(/\r\n/g, '\n') })
  const again = await run(lf)
  expect(again.error).toBeUndefined()
  expect(again.status).toBe('nothing-to-do')
  expect(again.plan.drifted).toEqual([])
})

test('T38 an empty or comment-only file is refused the same way in apply and dry-run, before connecting', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n', '002_empty.sql': '-- TODO\n/* later */\n' })
  for (const mode of ['apply', 'dry-run']) {
    const r = await run(ws, { mode })
    expect(r.status).toBe('failed')
    expect(r.problems.map((p) => [p.code, p.file])).toEqual([['empty-migration', 'migrations/002_empty.sql']])
    expect(r.applied).toEqual([])
  }
  await untouched()
})

test('T39 psql meta-commands are refused with file:line before anything is sent; backslashes in strings and bodies are fine', async () => {
  const ok = "CREATE TABLE a (t text);\nINSERT INTO a VALUES (E'a\\\\b'), ('\\n');\nCREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT '\\i x' $$;\n-- \\set in a comment\n"
  const r = await run(makeWorkspace({ '001_ok.sql': ok, '002_meta.sql': 'CREATE TABLE b (id int);\n\\set ON_ERROR_STOP on\n' }))
  expect(r.problems.map((p) => [p.code, p.file, p.position?.line])).toEqual([['psql-meta-command', 'migrations/002_meta.sql', 2]])
  await untouched()
  const applied = await run(makeWorkspace({ '001_ok.sql': ok }))
  expect(applied.error).toBeUndefined()
  expect(applied.applied).toEqual(['001_ok'])
  expect((await db.query<{ f: string }>('SELECT f() AS f'))[0]?.f).toBe('\\i x')
})

test('T40 lexer edge cases: nested comments, semicolons in strings and nested dollar tags apply as written; an unterminated $tag$ is refused at its line', async () => {
  const tricky = [
    '/* outer /* inner; */ still a comment; */',
    "CREATE TABLE t (s text DEFAULT 'a;b', u text DEFAULT $q$;'$$;$q$);",
    'CREATE FUNCTION g() RETURNS text LANGUAGE plpgsql AS $fn$',
    'BEGIN',
    "  RETURN $x$ ; $$ ; $x$ || ';'; -- ; in a comment",
    'END',
    '$fn$;',
    "INSERT INTO t (s) VALUES ('it''s; fine');",
    'CREATE TABLE "semi;colon" (id int);',
    ''
  ].join('\n')
  const r = await run(makeWorkspace({ '001_tricky.sql': tricky }))
  expect(r.error).toBeUndefined()
  expect(r.applied).toEqual(['001_tricky'])
  expect((await db.query<{ g: string }>('SELECT g() AS g'))[0]?.g).toBe(' ; $$ ; ;')
  expect(await db.query('SELECT s, u FROM t')).toEqual([{ s: "it's; fine", u: ";'$$;" }])
  expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'semi;colon'`)).toHaveLength(1)

  const other = await freshDatabase()
  try {
    const bad = await runPgshift(
      parseSettings({ 'database-url': other.url, mode: 'apply', 'migrations-dir': 'migrations' }, makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n', '002_b.sql': 'SELECT 1;\n\nCREATE FUNCTION h() RETURNS int LANGUAGE sql AS $body$ SELECT 1;\n' })),
      { logger: recordingLogger() }
    )
    expect(bad.problems.map((p) => [p.file, p.position?.line])).toEqual([['migrations/002_b.sql', 3]])
    expect(await other.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'pgshift'`)).toEqual([])
  } finally {
    await other.drop()
  }
})

test('T41 2,000 small files apply in one run, each recorded once; a rerun applies nothing', async () => {
  const files: Record<string, string> = {}
  for (let i = 1; i <= 2000; i++) files[`${String(i).padStart(4, '0')}_s${i}.sql`] = `CREATE SEQUENCE s${i};\n`
  const ws = makeWorkspace(files)
  const r = await run(ws)
  expect(r.error).toBeUndefined()
  expect(r.applied).toHaveLength(2000)
  expect(await db.query('SELECT count(*)::int AS n, count(DISTINCT identity)::int AS d FROM pgshift.schema_history')).toEqual([{ n: 2000, d: 2000 }])
  expect((await run(ws)).status).toBe('nothing-to-do')
}, 120_000)

test('T42 a hostile history-schema is one quoted identifier: the schema is literally that name and nothing else runs', async () => {
  await db.query('CREATE TABLE x (id int)')
  const schema = 'a"b; drop table x'
  const r = await run(makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' }), { 'history-schema': schema })
  expect(r.error).toBeUndefined()
  expect(r.applied).toEqual(['001_a'])
  expect(await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema])).toHaveLength(1)
  expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'x'`)).toHaveLength(1)
})

test('T29 tampered history (an unknown version, a forged checksum): verify fails naming both', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n', '002_b.sql': 'CREATE TABLE b (id int);\n' })
  expect((await run(ws)).status).toBe('success')
  await db.query(`UPDATE pgshift.schema_history SET checksum = repeat('0', 64) WHERE identity = '002_b'`)
  await db.query(`INSERT INTO pgshift.schema_history SELECT (jsonb_populate_record(NULL::pgshift.schema_history,
                    to_jsonb(h) || jsonb_build_object('identity', '999_forged', 'version', '999', 'name', 'forged', 'checksum', repeat('1', 64)))).*
                  FROM pgshift.schema_history h LIMIT 1`)
  const v = await run(ws, { mode: 'verify' })
  expect(v.status).toBe('failed')
  const text = JSON.stringify(v)
  expect(text).toContain('999_forged')
  expect(v.plan.drifted.map((d) => (typeof d === 'string' ? d : (d as { identity: string }).identity))).toContain('002_b')
})

test('T46 a symlink to the process environment and a directory symlink loop: refused, no hang, no environment value in any output', async () => {
  const ws = makeWorkspace({ '001_a.sql': 'CREATE TABLE a (id int);\n' })
  symlinkSync('/proc/self/environ', join(ws, 'migrations', '002_env.sql'))
  mkdirSync(join(ws, 'migrations', 'down'))
  symlinkSync('..', join(ws, 'migrations', 'down', 'loop'))
  symlinkSync('.', join(ws, 'migrations', 'self'))
  const secret = 'env-secret-value-4f1c9a'
  const r = await startCli(ws, ['plan'], { DATABASE_URL: db.url, SOME_TOKEN: secret }).done
  expect(r.code).not.toBeNull()
  expect(r.stdout + r.stderr).toMatch(/002_env\.sql/)
  expect(r.stdout + r.stderr).not.toContain(secret)
  await untouched()
}, 60_000)

test('T50 least privilege: a non-superuser database owner applies; ALTER SYSTEM and CREATE ROLE fail with 42501 and leave nothing', async () => {
  const role = `owner_${db.name}`
  await withClient(adminUrl(), async (c) => {
    await c.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw' NOSUPERUSER NOCREATEROLE NOCREATEDB`)
    await c.query(`ALTER DATABASE ${db.name} OWNER TO ${role}`)
  })
  await db.query(`ALTER SCHEMA public OWNER TO ${role}`)
  try {
    const u = new URL(db.url)
    u.username = role
    u.password = 'pw'
    const s = (files: Record<string, string>) => parseSettings({ 'database-url': u.toString(), mode: 'apply', 'migrations-dir': 'migrations' }, makeWorkspace(files))
    const ok = await runPgshift(s({ '001_a.sql': 'CREATE TABLE a (id int);\n' }), { logger: recordingLogger() })
    expect(ok.error).toBeUndefined()
    expect(ok.applied).toEqual(['001_a'])
    // ALTER SYSTEM cannot run in a transaction: it is a file of its own (statement by statement).
    for (const body of ['ALTER SYSTEM SET work_mem = 1;\n', 'CREATE TABLE x (id int);\nCREATE ROLE intruder;\n']) {
      const r = await runPgshift(s({ '001_a.sql': 'CREATE TABLE a (id int);\n', '002_x.sql': body }), { logger: recordingLogger() })
      expect(r.status).toBe('failed')
      expect(r.migrations.find((m) => m.identity === '002_x')?.error?.sqlstate).toBe('42501')
      expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'x'`)).toEqual([])
      expect((await db.query<{ identity: string }>('SELECT identity FROM pgshift.schema_history')).map((x) => x.identity)).toEqual(['001_a'])
    }
  } finally {
    await db.drop()
    await withClient(adminUrl(), (c) => c.query(`DROP ROLE IF EXISTS ${role}`))
  }
})
