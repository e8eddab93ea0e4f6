// backup: auto, explained: schema on a kept database, off on an ephemeral one; an explicit level wins.
import { decideBackup, isLoopbackHost } from '../../src/backup/policy.js'
import { installAdvice, libpqEnv, parsePgDumpVersion } from '../../src/backup/pg-dump.js'
import { parseDatabaseUrl } from '../../src/db/url.js'
import { parseSettings, SettingsError } from '../../src/settings.js'

const s = (extra: Record<string, string> = {}) => parseSettings({ 'database-url': 'postgres://u:p@db.example.com:5432/app', mode: 'apply', 'migrations-dir': 'm', ...extra }, '/tmp')
const host = (h: string) => ({ host: h })

test('loopback hosts', () => {
  for (const h of ['localhost', 'LOCALHOST', 'app.localhost', '127.0.0.1', '127.1.2.3', '::1', '/var/run/postgresql']) expect([h, isLoopbackHost(h)]).toEqual([h, true])
  for (const h of ['db.example.com', '10.0.0.5', 'localhost.example.com', '128.0.0.1', 'postgres']) expect([h, isLoopbackHost(h)]).toEqual([h, false])
})

test('auto: schema on a kept database for apply and rollback, off on an ephemeral one', () => {
  expect(decideBackup(s(), host('db.example.com'), {})).toEqual({ level: 'schema', reason: 'auto: a kept database; set backup: full to include the data' })
  expect(decideBackup(s({ mode: 'rollback' }), host('db.example.com'), {}).level).toBe('schema')
  expect(decideBackup(s(), host('127.0.0.1'), {}).level).toBe('off')
  expect(decideBackup(s({ 'test-rollback': 'true' }), host('db.example.com'), {}).reason).toMatch(/test-rollback/)
  // A service container's label inside GitHub Actions; the same name elsewhere is a kept server.
  expect(decideBackup(s(), host('postgres'), { GITHUB_ACTIONS: 'true' })).toMatchObject({ level: 'off', reason: expect.stringMatching(/service container/) })
  expect(decideBackup(s(), host('postgres'), {}).level).toBe('schema')
})

test('an explicit level wins; modes that change nothing never back up', () => {
  expect(decideBackup(s({ backup: 'full' }), host('127.0.0.1'), {})).toEqual({ level: 'full', reason: 'backup input' })
  expect(decideBackup(s({ backup: 'off' }), host('db.example.com'), {}).level).toBe('off')
  for (const mode of ['plan', 'dry-run', 'verify']) expect(decideBackup(s({ mode, backup: 'full' }), host('db.example.com'), {}).level).toBe('off')
  expect(decideBackup(s({ mode: 'rollback', 'dry-run': 'true', backup: 'full' }), host('db.example.com'), {}).level).toBe('off')
})

test('backup inputs are validated by the shared schema', () => {
  expect(s()).toMatchObject({ backup: 'auto', backupRequired: true, backupDir: undefined })
  expect(() => s({ backup: 'yes' })).toThrow(SettingsError)
  expect(() => s({ backup: 'yes' })).toThrow("backup: 'yes' is not one of auto | off | schema | full")
  expect(() => s({ 'backup-required': 'maybe' })).toThrow("backup-required: 'maybe' is not a boolean")
})

test('pg_dump versions, the install advice, and a libpq environment that carries the password', () => {
  expect(parsePgDumpVersion('pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n')).toEqual({ version: '15.18', major: 15 })
  expect(parsePgDumpVersion('pg_dump (PostgreSQL) 17beta1')).toEqual({ version: '17', major: 17 })
  expect(installAdvice(17)).toContain('sudo apt-get install -y postgresql-client-17')
  const env = libpqEnv(parseDatabaseUrl('postgres://app:s3cr%40t@db.example.com:6000/prod?sslmode=require'), { PATH: '/bin', PGSERVICE: 'x', PGPASSWORD: 'old' })
  expect(env).toMatchObject({ PATH: '/bin', PGHOST: 'db.example.com', PGPORT: '6000', PGDATABASE: 'prod', PGUSER: 'app', PGPASSWORD: 's3cr@t', PGSSLMODE: 'require', PGPASSFILE: '/dev/null' })
  expect(env.PGSERVICE).toBeUndefined()
})
