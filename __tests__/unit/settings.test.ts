import { mkdtempSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseDuration, parseSettings, SettingsError } from '../../src/settings.js'

const ws = mkdtempSync(join(tmpdir(), 'pgshift-settings-'))
const base = { 'database-url': 'postgres://u:p@h/db' }

test('durations accept 5s, 500ms, 2m and bare milliseconds', () => {
  expect(parseDuration('5s')).toBe(5000)
  expect(parseDuration('500ms')).toBe(500)
  expect(parseDuration('2m')).toBe(120000)
  expect(parseDuration('250')).toBe(250)
  expect(parseDuration('5 minutes')).toBeUndefined()
})

test('defaults match action.yml', () => {
  const s = parseSettings(base, ws)
  expect(s).toMatchObject({ mode: 'plan', convention: 'auto', historySchema: 'pgshift', lockTimeoutMs: 5000, lockRetries: 3, statementTimeoutMs: 0, lockWaitMs: 60000, connectTimeoutMs: 30000, allowDrift: false })
  expect(Object.isFrozen(s)).toBe(true)
})

test('errors name the input, the bad value and the expected form, all at once', () => {
  let err: SettingsError | undefined
  try {
    parseSettings({ ...base, mode: 'deploy', 'lock-timeout': 'soon', 'allow-drift': 'maybe', 'lock-retries': '-1' }, ws)
  } catch (e) {
    err = e as SettingsError
  }
  expect(err).toBeInstanceOf(SettingsError)
  expect(err?.problems).toEqual([
    "mode: 'deploy' is not one of plan | dry-run | apply | verify | rollback | fleet-plan | fleet-report",
    "lock-timeout: 'soon' is not a duration; expected a number with a unit, e.g. 5s, 500ms or 2m",
    "lock-retries: '-1' is not a whole number from 0 to 100",
    "allow-drift: 'maybe' is not a boolean; expected true or false"
  ])
})

test('rollback targets: steps (default 1) or to-version, never both', () => {
  expect(parseSettings({ ...base, mode: 'rollback' }, ws)).toMatchObject({ steps: 1, toVersion: undefined })
  expect(parseSettings({ ...base, mode: 'rollback', steps: '3' }, ws).steps).toBe(3)
  expect(parseSettings({ ...base, mode: 'rollback', 'to-version': '004' }, ws).toVersion).toBe('004')
  expect(() => parseSettings({ ...base, mode: 'rollback', steps: '0' }, ws)).toThrow(/steps: '0' is not a whole number of migrations/)
  expect(() => parseSettings({ ...base, mode: 'rollback', steps: '2', 'to-version': '004' }, ws)).toThrow(/give one rollback target, not both/)
})

test('dry-run: true goes with rollback and test-rollback: true with apply', () => {
  expect(parseSettings({ ...base, mode: 'rollback', 'dry-run': 'true' }, ws).dryRun).toBe(true)
  expect(() => parseSettings({ ...base, mode: 'apply', 'dry-run': 'true' }, ws)).toThrow(/for an apply preview use mode: dry-run/)
  expect(parseSettings({ ...base, mode: 'apply', 'test-rollback': 'yes' }, ws).testRollback).toBe(true)
  expect(() => parseSettings({ ...base, mode: 'plan', 'test-rollback': 'true' }, ws)).toThrow(/test-rollback: 'true' goes with mode: apply/)
})

test('the default directory is the first of supabase/migrations, migrations, db/migrations that exists', () => {
  const w = mkdtempSync(join(tmpdir(), 'pgshift-dirs-'))
  mkdirSync(join(w, 'db/migrations'), { recursive: true })
  expect(parseSettings(base, w).migrationsDir).toBe('db/migrations')
  mkdirSync(join(w, 'supabase/migrations'), { recursive: true })
  expect(parseSettings(base, w).migrationsDir).toBe('supabase/migrations')
})

test('the database URL is never echoed in an error', () => {
  expect(() => parseSettings({ 'database-url': 'postgres://u:secret@h/db', mode: 'x' }, ws)).toThrow(/^(?!.*secret)/s)
})

test('prelude-dirs: an ordered list, one per line or comma-separated; paths stay inside the workspace', () => {
  expect(parseSettings(base, ws).preludeDirs).toEqual([])
  expect(parseSettings({ ...base, 'prelude-dirs': 'supabase/initdb\nsupabase/seed/\n' }, ws).preludeDirs).toEqual(['supabase/initdb', 'supabase/seed'])
  expect(parseSettings({ ...base, 'prelude-dirs': 'seed, initdb' }, ws).preludeDirs).toEqual(['seed', 'initdb'])
  expect(() => parseSettings({ ...base, 'prelude-dirs': 'initdb\n../elsewhere' }, ws)).toThrow(/prelude-dirs: '..\/elsewhere' is not a directory inside the workspace; expected relative paths/)
  expect(() => parseSettings({ ...base, 'prelude-dirs': '/etc' }, ws)).toThrow(/prelude-dirs: '\/etc' is not a directory inside the workspace/)
  expect(() => parseSettings({ ...base, 'prelude-dirs': 'seed, seed' }, ws)).toThrow(/prelude-dirs: 'seed, seed' names a directory twice/)
})
