// Issue 14: each convention as its own tool reads it. Fixtures are written here in the
// conventions' own styles (golang-migrate pairs, goose and dbmate sections, Supabase
// directories); none is copied from a public repository.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { discover } from '../../src/source/discover.js'
import { settleDownProblems } from '../../src/engine/parse-needed.js'
import { newReport, runPgshift } from '../../src/engine/run.js'
import { engineSettings, parseSettings } from '../../src/settings.js'
import type { Convention, DiscoveryResult } from '../../src/source/types.js'
import { recordingLogger } from '../support/workspace.js'

const roots: string[] = []
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true })
})

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'pgshift-repos-'))
  roots.push(root)
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
  }
  return root
}

const ids = (r: DiscoveryResult) => r.migrations.map((m) => m.identity)
const codes = (r: DiscoveryResult) => r.problems.map((p) => [p.file, p.code])
const run = (ws: string, dir: string, convention: Convention | 'auto' = 'auto') => discover({ workspace: ws, dir, convention })

describe('1. golang-migrate pairs up and down by version', () => {
  test('30_add_x.up.sql and 30_drop_x.down.sql are one migration; titles may differ', async () => {
    const ws = workspace({
      'db/migrations/29_create_albums.up.sql': 'CREATE TABLE albums (id bigserial PRIMARY KEY);\n',
      'db/migrations/29_create_albums.down.sql': 'DROP TABLE albums;\n',
      'db/migrations/30_add_cover_metadata.up.sql': 'ALTER TABLE albums ADD COLUMN cover jsonb;\n',
      'db/migrations/30_drop_cover_metadata.down.sql': 'ALTER TABLE albums DROP COLUMN cover;\n'
    })
    const r = await run(ws, 'db/migrations')
    expect(r.convention).toBe('golang-migrate')
    expect(r.problems).toEqual([])
    expect(ids(r)).toEqual(['29_create_albums', '30_add_cover_metadata'])
    expect(r.migrations[1].down?.source.file).toBe('db/migrations/30_drop_cover_metadata.down.sql')
    expect(r.migrations[1].down?.statements[0].sql).toBe('ALTER TABLE albums DROP COLUMN cover')
  })

  test('a leading zero is the same version (golang-migrate reads an integer)', async () => {
    const ws = workspace({ 'm/007_a.up.sql': 'CREATE TABLE a (id int);\n', 'm/7_undo_a.down.sql': 'DROP TABLE a;\n' })
    const r = await run(ws, 'm', 'golang-migrate')
    expect(r.problems).toEqual([])
    expect(r.migrations[0].down?.source.file).toBe('m/7_undo_a.down.sql')
  })

  test('a down with no up of its version is an orphan whose hint names the .up.sql file golang-migrate reads', async () => {
    const ws = workspace({ 'm/1_a.up.sql': 'CREATE TABLE a (id int);\n', 'm/2_b.down.sql': 'DROP TABLE b;\n' })
    const r = await run(ws, 'm')
    expect(codes(r)).toEqual([['m/2_b.down.sql', 'orphan-down']])
    expect(r.problems[0].hint).toContain('add its up 2_b.up.sql or delete it')
  })

  test('numbered (pgshift’s own) still pairs by name: a down of another title is an orphan', async () => {
    const ws = workspace({ 'm/001_a.sql': 'CREATE TABLE a (id int);\n', 'm/001_b.down.sql': 'DROP TABLE a;\n' })
    const r = await run(ws, 'm', 'numbered')
    expect(codes(r)).toEqual([['m/001_b.down.sql', 'orphan-down']])
    expect(r.problems[0].hint).toContain('add its up 001_b.sql')
  })
})

describe('2. goose’s own semantics', () => {
  test('an Up section with no statements is a migration that does nothing, not a problem', async () => {
    const ws = workspace({
      'db/00001_init.sql': '-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\nDROP TABLE t;\n',
      'db/00002_placeholder.sql': '-- +goose Up\n-- +goose StatementBegin\n-- +goose StatementEnd\n\n-- +goose Down\n-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementEnd\n',
      'db/00003_nothing.sql': '-- +goose Up\n\n-- +goose Down\n'
    })
    const r = await run(ws, 'db')
    expect(r.convention).toBe('goose')
    expect(r.problems).toEqual([])
    expect(ids(r)).toEqual(['00001_init', '00002_placeholder', '00003_nothing'])
    expect(r.migrations[1].up.statements).toEqual([])
    expect(r.migrations[1].up.runMode).toBe('transaction')
    expect(r.migrations[2].up.statements).toEqual([])
  })

  test('a file with no markers and no SQL stays an empty-migration problem', async () => {
    const r = await run(workspace({ 'm/001_a.sql': '-- todo\n' }), 'm')
    expect(r.problems.map((p) => p.code)).toEqual(['empty-migration'])
  })

  test('a COMMIT (or END) closing an Up section with no BEGIN is dropped like a wrapper end', async () => {
    const up = '-- +goose Up\nCREATE TABLE events (id bigint);\nINSERT INTO events VALUES (1);\nCOMMIT;\n-- +goose Down\nDROP TABLE events;\n'
    const ws = workspace({ 'db/00001_events.sql': up, 'db/00002_more.sql': '-- +goose Up\nCREATE TABLE more (id int);\nEND;\n' })
    const r = await run(ws, 'db', 'goose')
    expect(r.problems).toEqual([])
    const m = r.migrations[0]
    expect(m.up.runMode).toBe('transaction')
    const commit = m.up.statements[2]
    expect(commit.transactionControl).toBe('commit')
    expect(commit.strippedWrapper).toBe(true)
    // The COMMIT is blanked in what is sent; positions stay those of the file.
    expect(m.up.sendText).not.toMatch(/COMMIT/)
    expect(m.up.sendText.length).toBe(m.up.source.text.length)
    expect(r.migrations[1].up.statements[1].strippedWrapper).toBe(true)
  })

  test('plain files too (psql applies them); a COMMIT followed by more statements stays refused', async () => {
    const ws = workspace({ 'm/001_a.sql': 'CREATE TABLE a (id int);\nCOMMIT;\n', 'm/002_b.sql': 'CREATE TABLE b (id int);\nCOMMIT;\nCREATE TABLE c (id int);\n' })
    const r = await run(ws, 'm')
    expect(codes(r)).toEqual([['m/002_b.sql', 'stray-transaction-control']])
    expect(r.migrations[0].up.statements[1].strippedWrapper).toBe(true)
  })

  test('a trailing COMMIT in a file that runs statement by statement stays refused', async () => {
    const ws = workspace({ 'm/001_a.sql': 'CREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;\n' })
    const r = await run(ws, 'm')
    expect(r.problems.map((p) => p.code)).toEqual(['stray-transaction-control'])
  })
})

describe('3. a broken down script never blocks the ups', () => {
  const files = {
    'db/migrations/20240101000000_a.sql': '-- migrate:up\nCREATE TABLE a (id int);\n\n-- migrate:down\nDROP TABLE a;\n',
    'db/migrations/20240102000000_b.sql': '-- migrate:up\nCREATE TABLE b (id int);\n\n-- migrate:down\nDROP TABLEE b;\n'
  }

  test('discovery tags a syntax error of a down section with its migration', async () => {
    const r = await run(workspace(files), '')
    expect(r.convention).toBe('dbmate')
    expect(r.problems).toHaveLength(1)
    expect(r.problems[0]).toMatchObject({ file: 'db/migrations/20240102000000_b.sql', code: 'syntax-error', position: { line: 5, col: 6 }, down: { migration: '20240102000000_b' } })
  })

  test('plan/dry-run/apply: a warning at file:line:col that says it is in the down part; rollback of that migration: an error', async () => {
    const r = await run(workspace(files), '')
    const s = parseSettings({ 'database-url': 'postgres://u@localhost/db', mode: 'apply' }, '/tmp')
    const report = newReport(engineSettings(s))
    report.warnings = r.warnings
    settleDownProblems(report, r, () => false)
    expect(r.problems).toEqual([])
    expect(report.warnings).toHaveLength(1)
    expect(report.warnings[0]).toMatchObject({ file: 'db/migrations/20240102000000_b.sql', position: { line: 5, col: 6 } })
    expect(report.warnings[0].message).toMatch(/^in the down script of 20240102000000_b, at db\/migrations\/20240102000000_b\.sql:5:6: syntax error at or near "TABLEE"\. It does not block this apply; a rollback that needs this down is refused/)
    // A rollback whose range holds that migration needs its down: the problem refuses again.
    settleDownProblems(report, r, (id) => id === '20240102000000_b')
    expect(r.problems.map((p) => p.code)).toEqual(['syntax-error'])
  })

  test('a separate down file (golang-migrate) is tagged too; its up is not', async () => {
    const ws = workspace({ 'm/1_a.up.sql': 'CREATE TABLE a (id int);\n', 'm/1_a.down.sql': 'DROP TABEL a;\n', 'm/2_b.up.sql': 'CREATE TABLE b (id int;\n' })
    const r = await run(ws, 'm')
    expect(r.problems.map((p) => [p.file, p.code, p.down?.migration])).toEqual([
      ['m/2_b.up.sql', 'syntax-error', undefined],
      ['m/1_a.down.sql', 'syntax-error', '1_a']
    ])
  })
})

describe('4. all source problems in one pass', () => {
  const files = {
    'm/001_users.sql': 'CREATE TABLE users (id int);\n',
    'm/001_users.down.sql': 'DROP TABLE users;\n',
    'm/002_posts.sql': 'CREATE TABEL posts (id int);\n',
    'm/003_tags.sql': 'CREATE TABLE tags (id int);\n',
    'm/003_tags.down.sql': 'DROP TABLE tags;\nDROP TABLE;\n',
    'm/004_gone.down.sql': 'DROP TABLE gone;\n',
    'm/005_a.sql': 'CREATE TABLE a (id int);\n',
    'm/005_A.sql': 'CREATE TABLE a2 (id int);\n'
  }

  test('discovery lists orphans, syntax errors of ups and downs and duplicates together', async () => {
    const r = await run(workspace(files), 'm')
    expect(codes(r).sort()).toEqual(
      [
        ['m/002_posts.sql', 'syntax-error'],
        ['m/003_tags.down.sql', 'syntax-error'],
        ['m/004_gone.down.sql', 'orphan-down'],
        ['m/005_a.sql', 'duplicate-identity']
      ].sort()
    )
  })

  test('the run refused before connecting names every one of them (syntax errors included), downs as warnings', async () => {
    const ws = workspace(files)
    // Nothing listens on port 1: the run must refuse before it tries to connect.
    const s = parseSettings({ 'database-url': 'postgres://u:secret@127.0.0.1:1/db', mode: 'apply', 'migrations-dir': 'm' }, ws)
    const report = await runPgshift(s, { logger: recordingLogger() })
    expect(report.status).toBe('failed')
    expect(report.target).toBe('(not connected)')
    expect(report.problems.map((p) => [p.file, p.code]).sort()).toEqual(
      [
        ['m/002_posts.sql', 'syntax-error'],
        ['m/004_gone.down.sql', 'orphan-down'],
        ['m/005_a.sql', 'duplicate-identity']
      ].sort()
    )
    expect(report.warnings.map((w) => w.file)).toContain('m/003_tags.down.sql')
    expect(report.nextStep).toMatch(/Fix the 3 problems above/)
  })
})

describe('5. duplicate versions, per convention', () => {
  test.each([
    ['golang-migrate', { 'm/2_a.up.sql': 'SELECT 1;\n', 'm/02_b.up.sql': 'SELECT 2;\n' }, /golang-migrate refuses/],
    ['goose', { 'm/00002_a.sql': '-- +goose Up\nSELECT 1;\n', 'm/2_b.sql': '-- +goose Up\nSELECT 2;\n' }, /goose refuses/],
    ['dbmate', { 'm/20240101000000_a.sql': '-- migrate:up\nSELECT 1;\n', 'm/20240101000000_b.sql': '-- migrate:up\nSELECT 2;\n' }, /dbmate records only the version/],
    ['flyway', { 'm/V2__a.sql': 'SELECT 1;\n', 'm/V2.0__b.sql': 'SELECT 2;\n' }, /Flyway versions must be unique/]
  ] as const)('%s refuses two files with one version, naming both', async (convention, files, why) => {
    const r = await run(workspace(files), 'm', convention)
    expect(r.problems.map((p) => p.code)).toEqual(['duplicate-version'])
    const names = Object.keys(files).sort()
    for (const n of names) expect(r.problems[0].message).toContain(n)
    expect(r.problems[0].message).toMatch(why)
  })

  test('supabase: two 14-digit files with one version are refused (the CLI’s table keys on the version)', async () => {
    const ws = workspace({ 'supabase/migrations/20240101000000_a.sql': 'SELECT 1;\n', 'supabase/migrations/20240101000000_b.sql': 'SELECT 2;\n' })
    const r = await run(ws, '')
    expect(r.convention).toBe('supabase')
    expect(r.problems).toEqual([
      expect.objectContaining({
        file: 'supabase/migrations/20240101000000_b.sql',
        code: 'duplicate-version',
        message: expect.stringMatching(/20240101000000_b\.sql and supabase\/migrations\/20240101000000_a\.sql share version 20240101000000; the Supabase CLI keys/)
      })
    ])
  })

  test('supabase: 20240101_ and 20240101000000_ are two versions to the CLI (digits as written)', async () => {
    const ws = workspace({ 'supabase/migrations/20240101000000_a.sql': 'SELECT 1;\n', 'supabase/migrations/20240101_b.sql': 'SELECT 2;\n' })
    const r = await run(ws, '')
    expect(r.problems).toEqual([])
  })

  test('numbered: both run in name order, with a warning naming both files', async () => {
    const r = await run(workspace({ 'm/002_b.sql': 'SELECT 2;\n', 'm/002_a.sql': 'SELECT 1;\n', 'm/001_x.sql': 'SELECT 0;\n' }), 'm')
    expect(r.problems).toEqual([])
    expect(ids(r)).toEqual(['001_x', '002_a', '002_b'])
    expect(r.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^m\/002_a\.sql and m\/002_b\.sql share version 002; pgshift records each by its full name and runs 002_a before 002_b/)])
  })
})

describe('10. advice about names', () => {
  test('a rollback file in supabase/migrations is paired, with a warning that supabase db push would apply it', async () => {
    const ws = workspace({
      'supabase/migrations/005_add_twin.sql': 'ALTER TABLE brands ADD COLUMN twin jsonb;\n',
      'supabase/migrations/005_add_twin_rollback.sql': 'ALTER TABLE brands DROP COLUMN twin;\n',
      'supabase/migrations/down/006_x.sql': 'SELECT 1;\n',
      'supabase/migrations/006_x.sql': 'SELECT 1;\n'
    })
    const r = await run(ws, '')
    expect(r.problems).toEqual([])
    expect(r.migrations[0].down?.source.file).toBe('supabase/migrations/005_add_twin_rollback.sql')
    expect(r.warnings).toEqual([
      {
        file: 'supabase/migrations/005_add_twin_rollback.sql',
        message: expect.stringMatching(/is a down script to pgshift \(_rollback\.sql\), but its name matches the Supabase CLI's migration pattern .*`supabase db push` would apply it as a migration/)
      }
    ])
  })

  test('dbmate’s 14-digit 10000000000000_ version is not "mixed numbered and dated"', async () => {
    const ws = workspace({
      'db/migrations/10000000000000_baseline.sql': '-- migrate:up\nCREATE TABLE base (id int);\n-- migrate:down\nDROP TABLE base;\n',
      'db/migrations/20240301093000_add_orders.sql': '-- migrate:up\nCREATE TABLE orders (id int);\n-- migrate:down\nDROP TABLE orders;\n'
    })
    const r = await run(ws, '')
    expect(r.convention).toBe('dbmate')
    expect(r.warnings).toEqual([])
    expect(ids(r)).toEqual(['10000000000000_baseline', '20240301093000_add_orders'])
    // A short number still is.
    const r2 = await run(workspace({ 'm/001_a.sql': 'SELECT 1;\n', 'm/20240301093000_b.sql': 'SELECT 2;\n' }), 'm')
    expect(r2.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/mixes numbered/)])
  })
})
