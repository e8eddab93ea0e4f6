// Statements that change the server rather than the database (issue 14 item 10):
// each read from the parse tree's node type, with a label plan prints and the lint
// quotes, and whether it can lock a role out.
import { serverWideChange, serverWideChanges, serverWideMessage } from '../../src/lint/server-wide.js'
import { ensureParser, parseStatementTree } from '../../src/source/parser.js'

beforeAll(async () => {
  await ensureParser()
})

const change = (sql: string) => serverWideChange(parseStatementTree(sql, 0))

test.each([
  ['CREATE ROLE app_reader NOLOGIN', 'CREATE ROLE app_reader', false, false],
  ['CREATE USER etl PASSWORD $$x$$', 'CREATE USER etl', false, false],
  ['ALTER ROLE migrator NOSUPERUSER', 'ALTER ROLE migrator NOSUPERUSER', true, false],
  ['ALTER ROLE CURRENT_USER NOLOGIN', 'ALTER ROLE CURRENT_USER NOLOGIN', true, false],
  ['ALTER ROLE app CREATEDB', 'ALTER ROLE app CREATEDB', false, false],
  ["ALTER USER app WITH PASSWORD 'secret'", 'ALTER ROLE app PASSWORD', true, false],
  ['ALTER ROLE app CONNECTION LIMIT 0', 'ALTER ROLE app CONNECTION LIMIT', true, false],
  ["ALTER ROLE analyst SET statement_timeout = '30s'", 'ALTER ROLE analyst SET statement_timeout', false, false],
  ["ALTER ROLE analyst IN DATABASE shop SET work_mem = '8MB'", 'ALTER ROLE analyst IN DATABASE shop SET work_mem', false, false],
  ['ALTER ROLE ALL RESET ALL', 'ALTER ROLE ALL RESET ALL', false, false],
  ['ALTER GROUP readers ADD USER ann', 'ALTER GROUP readers ADD USER ann', false, false],
  ['ALTER GROUP readers DROP USER ann', 'ALTER GROUP readers DROP USER ann', true, false],
  ['DROP ROLE IF EXISTS a, b', 'DROP ROLE a, b', true, false],
  ['GRANT app_reader TO analyst', 'GRANT app_reader TO analyst', false, false],
  ['REVOKE app_writer FROM migrator', 'REVOKE app_writer FROM migrator', true, false],
  ['ALTER ROLE old_name RENAME TO new_name', 'ALTER ROLE old_name RENAME TO new_name', true, false],
  ["ALTER SYSTEM SET work_mem = '64MB'", 'ALTER SYSTEM SET work_mem', false, false],
  ['ALTER SYSTEM RESET ALL', 'ALTER SYSTEM RESET ALL', false, false],
  ['ALTER DATABASE shop OWNER TO shop_owner', 'ALTER DATABASE shop OWNER TO shop_owner', true, true],
  ["ALTER DATABASE shop SET timezone = 'UTC'", 'ALTER DATABASE shop SET timezone', false, true],
  ['ALTER DATABASE shop CONNECTION LIMIT 5', 'ALTER DATABASE shop', false, true],
  ['ALTER DATABASE shop RENAME TO shop_old', 'ALTER DATABASE shop RENAME TO shop_old', true, true],
  ['CREATE DATABASE scratch', 'CREATE DATABASE scratch', false, false],
  ["CREATE TABLESPACE fast LOCATION '/mnt/fast'", 'CREATE TABLESPACE fast', false, false],
  ['DROP TABLESPACE fast', 'DROP TABLESPACE fast', false, false],
  ['ALTER TABLESPACE fast OWNER TO ops', 'ALTER TABLESPACE fast OWNER TO ops', false, false]
])('%s', (sql, what, lockout, database) => {
  expect(change(sql)).toEqual({ what, lockout, database })
})

test.each([
  'GRANT SELECT ON orders TO app_reader',
  'ALTER TABLE orders OWNER TO app_owner',
  'ALTER SCHEMA app OWNER TO app_owner',
  'ALTER TABLE orders RENAME TO purchases',
  'SET ROLE app_owner',
  "SET statement_timeout = '5s'",
  'ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO app_reader',
  "DO $$ BEGIN CREATE ROLE app_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
])('not the server: %s', (sql) => {
  expect(change(sql)).toBeUndefined()
})

test('the message says why, and names the lockout only where a role can lose its login or rights', () => {
  expect(serverWideMessage({ what: 'CREATE ROLE app_reader', lockout: false, database: false })).toBe(
    'CREATE ROLE app_reader changes the whole server, not this database: it outlives a dropped or restored database, every other database on the server (a staging copy, a PR check on the same server) sees it, and a down script of this database does not restore it'
  )
  expect(serverWideMessage({ what: 'ALTER ROLE migrator NOSUPERUSER', lockout: true, database: false })).toMatch(
    /; if it touches the role pgshift logs in as \(or one that role relies on\), the next run may not log in or may lack the rights it needs$/
  )
  expect(serverWideMessage({ what: 'ALTER DATABASE shop OWNER TO x', lockout: true, database: true })).toMatch(/^ALTER DATABASE shop OWNER TO x changes the database's own entry in the server's shared catalog \(pg_database\)/)
})

test('a DO block: its static statements, with their lines; not what EXECUTE builds, not another language', () => {
  const sql = [
    'DO $$',
    'BEGIN',
    "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN",
    '    CREATE ROLE anon NOLOGIN NOINHERIT;',
    '  END IF;',
    "  EXECUTE format('CREATE ROLE %I', 'built_at_run_time');",
    '  ALTER ROLE authenticator NOINHERIT;',
    'END',
    '$$'
  ].join('\n')
  expect(serverWideChanges({ ...parseStatementTree(sql, 0), sql })).toEqual([
    { what: 'CREATE ROLE anon (in a DO block)', lockout: false, database: false, lineOffset: 3 },
    { what: 'ALTER ROLE authenticator NOINHERIT (in a DO block)', lockout: true, database: false, lineOffset: 6 }
  ])
  const other = "DO LANGUAGE plperl $$ CREATE ROLE x $$"
  expect(serverWideChanges({ ...parseStatementTree(other, 0), sql: other })).toEqual([])
  const plain = 'DO $$ BEGIN PERFORM 1; END $$'
  expect(serverWideChanges({ ...parseStatementTree(plain, 0), sql: plain })).toEqual([])
})
