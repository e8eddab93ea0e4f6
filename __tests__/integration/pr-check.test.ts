// The PR check (issue 15) against embedded Postgres and real git repositories made
// in a temp dir: the base branch's migrations first, then the PR's own, judged alone.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { runPgshift } from '../../src/engine/run.js'
import type { RunReport } from '../../src/engine/report.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { parseSettings } from '../../src/settings.js'
import { freshDatabase, withClient, type TestDatabase } from '../support/db.js'
import { git, makePrRepo, shallowClone } from '../support/git-repo.js'
import { recordingLogger } from '../support/workspace.js'

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

/** main: `users` with rows and no down script, as every Supabase project has. */
const BASE = {
  'migrations/001_users.sql':
    "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);\nINSERT INTO users (email) SELECT 'u' || g || '@example.com' FROM generate_series(1, 500) g;\n"
}
/** The PR: an index on the existing table, with its down. */
const INDEX_PR = {
  'migrations/002_users_email_idx.sql': 'create index users_email_idx on users(email);\n',
  'migrations/002_users_email_idx.down.sql': 'drop index users_email_idx;\n'
}

function check(ws: string, inputs: Record<string, string> = {}, baseSha?: string): Promise<RunReport> {
  const settings = parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', 'test-rollback': 'true', ...inputs }, ws)
  return runPgshift(settings, { logger: recordingLogger(), pr: baseSha ? { baseSha } : undefined })
}

const historyRows = () => withClient(db.url, async (c) => (await c.query<{ identity: string }>('SELECT identity FROM pgshift.schema_history ORDER BY identity')).rows.map((r) => r.identity))
const hasHistoryTable = () => withClient(db.url, async (c) => (await c.query<{ t: string | null }>("SELECT to_regclass('pgshift.schema_history')::text AS t")).rows[0]?.t ?? null)

describe('history kept in a schema the application uses too', () => {
  test('history-schema: public: the schema diff and up-down-up see the app\'s tables, and leave out only pgshift\'s own', async () => {
    const repo = makePrRepo(BASE, { ...INDEX_PR, 'migrations/003_audit.sql': 'CREATE TABLE audit (id int);\n', 'migrations/003_audit.down.sql': 'DROP TABLE audit;\n' })
    const r = await check(repo.dir, { 'history-schema': 'public' }, repo.baseSha)
    expect(r.status).toBe('success')
    const objects = (r.schemaChanges ?? []).map((c) => `${c.change} ${c.object}`)
    expect(objects).toContain('added index public.users_email_idx')
    expect(objects).toContain('added table public.audit')
    expect(objects.join('\n')).not.toMatch(/schema_history/)
    expect(r.checks?.map((c) => c.message).join('\n')).toMatch(/identical/)
    expect(await withClient(db.url, async (c) => (await c.query("SELECT count(*)::int AS n FROM public.schema_history")).rows[0]?.n)).toBe(3)
  })

  test('a history schema the migrations also create objects in is diffed, not hidden', async () => {
    const repo = makePrRepo(BASE, { 'migrations/002_app.sql': 'CREATE TABLE pgshift.app_settings (k text PRIMARY KEY);\n', 'migrations/002_app.down.sql': 'DROP TABLE pgshift.app_settings;\n' })
    const r = await check(repo.dir, {}, repo.baseSha)
    expect(r.status).toBe('success')
    const objects = (r.schemaChanges ?? []).map((c) => `${c.change} ${c.object}`)
    expect(objects).toContain('added table pgshift.app_settings')
    expect(objects.join('\n')).not.toMatch(/schema_history/)
  })
})

describe('the index example', () => {
  test('base: auto with the event base SHA: lint fires, the rollback test passes without base downs, the diff holds only the index, locks name public.users', async () => {
    const repo = makePrRepo(BASE, INDEX_PR)
    const r = await check(repo.dir, {}, repo.baseSha)
    expect(r.status).toBe('success')
    expect(r.prCheck).toMatchObject({ base: repo.baseSha, database: 'ephemeral', prMigrations: ['002_users_email_idx'], basePhase: { total: 1, ran: 1, alreadyApplied: 0 }, rollback: 'passed' })
    expect(r.migrations.map((m) => [m.identity, m.origin, m.status])).toEqual([
      ['001_users', 'base', 'applied'],
      ['002_users_email_idx', 'pr', 'applied']
    ])
    // Lint: users exists in S0 (with its rows), so the plain CREATE INDEX is flagged.
    expect(r.lint?.map((f) => `${f.rule} ${f.file}:${f.line}`)).toEqual(['require-concurrent-index migrations/002_users_email_idx.sql:1'])
    // The rollback test covers the PR's migration only: 001 has no down and that is fine.
    expect(r.checks?.filter((c) => !c.ok)).toEqual([])
    expect(r.checks?.map((c) => c.message).join('\n')).toMatch(/identical \(002_users_email_idx\)/)
    expect(r.checks?.map((c) => c.message).join('\n')).not.toMatch(/001_users/)
    // S0 -> S1: only the index.
    expect(r.schemaChanges).toEqual([expect.objectContaining({ object: 'index public.users_email_idx', change: 'added' })])
    // Locks: the PR's, on public.users (which existed in S0); none read for the base phase.
    expect(r.migrations[1]?.locks).toEqual([expect.objectContaining({ relation: 'public.users', mode: 'SHARE' })])
    expect(r.migrations[0]?.locks).toBeUndefined()
    expect(await historyRows()).toEqual(['001_users', '002_users_email_idx'])
    const md = renderMarkdown(r)
    expect(md.split('\n')[0]).toBe('## pgshift PR check (ephemeral database): 1 migration in this PR ✅ apply ✅ rollback ⚠️ 1 lint warning')
    expect(md).toMatch(/\*\*Base phase:\*\* 1 migration of base [0-9a-f]{12} applied in/)
    expect(md).toMatch(/### Locks on existing tables[\s\S]*\*\*SHARE\*\* on `public\.users`/)
  })

  test('without a base (base: off) the same PR is blind: no lint, and the base migration fails the rollback test', async () => {
    const repo = makePrRepo(BASE, INDEX_PR)
    const r = await check(repo.dir, { base: 'off' }, repo.baseSha)
    expect(r.prCheck).toBeUndefined()
    expect(r.lint ?? []).toEqual([])
    expect(r.status).toBe('failed')
    expect(r.checks?.find((c) => !c.ok)?.message).toMatch(/no down script/)
  })

  test('an explicit base ref (--base main) works like the event SHA', async () => {
    const repo = makePrRepo(BASE, INDEX_PR)
    const r = await check(repo.dir, { base: 'main' })
    expect(r.status).toBe('success')
    expect(r.prCheck?.base).toBe(repo.baseSha)
    expect(r.prCheck?.prMigrations).toEqual(['002_users_email_idx'])
  })

  test('dry-run runs both phases inside the one rolled-back transaction and reports phase 2', async () => {
    const repo = makePrRepo(BASE, INDEX_PR)
    const r = await check(repo.dir, { mode: 'dry-run', 'test-rollback': 'false' }, repo.baseSha)
    expect(r.status).toBe('success')
    expect(r.migrations.map((m) => [m.identity, m.origin, m.status])).toEqual([
      ['001_users', 'base', 'previewed'],
      ['002_users_email_idx', 'pr', 'previewed']
    ])
    expect(r.lint?.map((f) => f.rule)).toEqual(['require-concurrent-index'])
    expect(r.schemaChanges).toEqual([expect.objectContaining({ object: 'index public.users_email_idx', change: 'added' })])
    // CREATE TABLE users (... PRIMARY KEY) took SHARE in the same transaction, so the index's SHARE cannot show: the report says so.
    expect(r.warnings.map((w) => w.message).join('\n')).toMatch(/Locks: the base phase ran in the same transaction/)
    expect(await hasHistoryTable()).toBeNull()
  })

  test('a PR migration without a down fails the rollback test with advice for its convention', async () => {
    const repo = makePrRepo(BASE, { 'migrations/002_users_email_idx.sql': 'create index users_email_idx on users(email);\n' })
    const r = await check(repo.dir, {}, repo.baseSha)
    expect(r.status).toBe('failed')
    expect(r.prCheck?.rollback).toBe('failed')
    expect(r.checks?.filter((c) => !c.ok).map((c) => [c.subject, c.message])).toEqual([['002_users_email_idx', expect.stringMatching(/no down script.*add migrations\/002_users_email_idx\.down\.sql/)]])
  })

  test('supabase/migrations: the advice names a folder the Supabase CLI does not apply', async () => {
    const repo = makePrRepo(
      { 'supabase/migrations/20240101000000_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n' },
      { 'supabase/migrations/20240201000000_email_idx.sql': 'create index users_email_idx on users(email);\n' }
    )
    const r = await check(repo.dir, { 'migrations-dir': 'supabase/migrations', history: 'native' }, repo.baseSha)
    expect(r.checks?.find((c) => !c.ok)?.message).toMatch(/add supabase\/migrations\/down\/20240201000000_email_idx\.sql \(the Supabase CLI applies every/)
  })
})

describe('what a PR gets wrong about history: an error with the file and the fix, nothing sent to the database', () => {
  const two = { ...BASE, 'migrations/003_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY);\n' }

  test('it edits a base migration: the file, a diff stat, allow-drift only for no-op edits', async () => {
    const repo = makePrRepo(two, { 'migrations/003_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, total int);\n' })
    const r = await check(repo.dir, {}, repo.baseSha)
    expect(r.status).toBe('failed')
    expect(r.problems).toEqual([
      expect.objectContaining({
        file: 'migrations/003_orders.sql',
        code: 'pr-edits-base-migration',
        message: expect.stringMatching(/edits 003_orders, a migration that already exists on the base branch \(1 line added, 1 removed\)/),
        hint: expect.stringMatching(/new migration; only if the edit changes nothing .* allow-drift: true/)
      })
    ])
    expect(await hasHistoryTable()).toBeNull()
    expect(renderMarkdown(r).split('\n')[0]).toBe('## pgshift PR check (ephemeral database): 0 migrations in this PR ❌ 1 history problem')
  })

  test('with allow-drift the edit is a warning and the base phase applies the base version', async () => {
    const repo = makePrRepo(two, { 'migrations/003_orders.sql': '-- orders\nCREATE TABLE orders (id bigint PRIMARY KEY);\n' })
    const r = await check(repo.dir, { 'allow-drift': 'true' }, repo.baseSha)
    expect(r.status).toBe('success')
    expect(r.warnings.map((w) => w.message).join('\n')).toMatch(/003_orders.*Accepted by allow-drift/)
    const checksum = await withClient(db.url, async (c) => (await c.query<{ checksum: string }>("SELECT checksum FROM pgshift.schema_history WHERE identity = '003_orders'")).rows[0]?.checksum)
    const { checksum: sha256 } = await import('../../src/source/checksum.js')
    expect(checksum).toBe(sha256(two['migrations/003_orders.sql']))
  })

  test('it deletes a base migration', async () => {
    const repo = makePrRepo(two, { 'migrations/003_orders.sql': null })
    const r = await check(repo.dir, {}, repo.baseSha)
    expect(r.status).toBe('failed')
    expect(r.problems).toEqual([expect.objectContaining({ file: 'migrations/003_orders.sql', code: 'pr-deletes-base-migration', hint: expect.stringMatching(/restore migrations\/003_orders\.sql/) })])
  })

  test('it renames a base migration', async () => {
    const repo = makePrRepo(two, { 'migrations/003_orders.sql': null, 'migrations/004_orders.sql': two['migrations/003_orders.sql'] })
    const r = await check(repo.dir, {}, repo.baseSha)
    expect(r.problems).toEqual([expect.objectContaining({ file: 'migrations/004_orders.sql', code: 'pr-renames-base-migration', hint: 'keep the name 003_orders.sql' })])
  })

  test('its version collides with a base version', async () => {
    const repo = makePrRepo(two, { 'migrations/003_payments.sql': 'CREATE TABLE payments (id bigint PRIMARY KEY);\n' })
    const r = await check(repo.dir, {}, repo.baseSha)
    expect(r.problems).toEqual([
      expect.objectContaining({ file: 'migrations/003_payments.sql', code: 'pr-version-collision', message: expect.stringMatching(/version 003, which migrations\/003_orders\.sql/), hint: expect.stringMatching(/e\.g\. rename it to 004_payments\.sql/) })
    ])
  })

  test('it sorts before the base newest: named, with a new name', async () => {
    const repo = makePrRepo(two, { 'migrations/002_payments.sql': 'CREATE TABLE payments (id bigint PRIMARY KEY);\n' })
    const r = await check(repo.dir, {}, repo.baseSha)
    expect(r.problems).toEqual([
      expect.objectContaining({ file: 'migrations/002_payments.sql', code: 'pr-migration-out-of-order', message: expect.stringMatching(/sorts before 003_orders, the newest migration of the base branch/), hint: 'rename it to sort after 003_orders, e.g. 004_payments.sql' })
    ])
    expect(await hasHistoryTable()).toBeNull()
  })
})

test('a PR that adds nothing under the migrations dir: the base phase runs, nothing of its own to check', async () => {
  const repo = makePrRepo(BASE, { 'README.md': 'changed\n' })
  const r = await check(repo.dir, {}, repo.baseSha)
  expect(r.status).toBe('success')
  expect(r.prCheck).toMatchObject({ prMigrations: [], basePhase: { ran: 1 } })
  expect(r.lint ?? []).toEqual([])
  expect(r.nextStep).toMatch(/PR adds no migration/)
  expect(renderMarkdown(r)).toMatch(/This PR adds no migration under the migrations directory/)
})

test('a kept database where the base is already applied: phase 1 is empty, the PR is previewed against the real tables', async () => {
  const repo = makePrRepo(BASE, INDEX_PR)
  // Deploy main first (the base commit's tree), as production or staging has it.
  git(repo.dir, 'checkout', '-q', 'main')
  const deployed = await check(repo.dir, { 'test-rollback': 'false', base: 'off' })
  expect(deployed.applied).toEqual(['001_users'])
  git(repo.dir, 'checkout', '-q', 'pr')
  const r = await check(repo.dir, { mode: 'dry-run', 'test-rollback': 'false' }, repo.baseSha)
  expect(r.status).toBe('success')
  expect(r.prCheck).toMatchObject({ database: 'kept', basePhase: { total: 1, ran: 0, alreadyApplied: 1 } })
  expect(r.migrations.map((m) => [m.identity, m.status])).toEqual([
    ['001_users', 'already-applied'],
    ['002_users_email_idx', 'previewed']
  ])
  expect(r.lint?.map((f) => f.rule)).toEqual(['require-concurrent-index'])
  expect(r.migrations[1]?.locks).toEqual([expect.objectContaining({ relation: 'public.users', mode: 'SHARE' })])
  expect(renderMarkdown(r).split('\n')[0]).toBe('## pgshift PR check (kept database): 1 migration in this PR ✅ dry-run ⚠️ 1 lint warning')
})

describe('a shallow checkout (depth 1, as actions/checkout makes)', () => {
  test('the base commit is fetched alone from origin, then the check runs as above', async () => {
    const repo = makePrRepo(BASE, INDEX_PR)
    const { clone } = shallowClone(repo)
    expect(() => git(clone, 'cat-file', '-e', `${repo.baseSha}^{commit}`)).toThrow()
    const r = await check(clone, {}, repo.baseSha)
    expect(r.status).toBe('success')
    expect(r.prCheck?.from).toMatch(/fetched with `git fetch --depth=1 origin [0-9a-f]{40}`/)
    expect(r.prCheck?.prMigrations).toEqual(['002_users_email_idx'])
    expect(r.lint?.map((f) => f.rule)).toEqual(['require-concurrent-index'])
    // Only the base commit came in: the clone is still shallow.
    expect(existsSync(join(clone, '.git', 'shallow'))).toBe(true)
  })

  test('when origin cannot serve it and there is no PR files API: the exact workflow fix, nothing sent', async () => {
    const repo = makePrRepo(BASE, INDEX_PR)
    const { clone } = shallowClone(repo)
    git(clone, 'remote', 'set-url', 'origin', 'file:///nonexistent/origin.git')
    const r = await check(clone, {}, repo.baseSha)
    expect(r.status).toBe('failed')
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'base-unavailable', message: expect.stringMatching(/git fetch --depth=1 origin/), hint: expect.stringMatching(/fetch-depth: 0.*pull-requests: read.*base: off/) })
    ])
    expect(await hasHistoryTable()).toBeNull()
  })

  test('the PR files API stands in when git cannot: the PR migrations still judged alone, and the report says so', async () => {
    const repo = makePrRepo(BASE, INDEX_PR)
    const { clone } = shallowClone(repo)
    git(clone, 'remote', 'set-url', 'origin', 'file:///nonexistent/origin.git')
    const settings = parseSettings({ 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations', 'test-rollback': 'true' }, clone)
    const r = await runPgshift(settings, {
      logger: recordingLogger(),
      pr: {
        baseSha: repo.baseSha,
        changedFiles: async () => [
          { path: 'migrations/002_users_email_idx.sql', status: 'added', additions: 1, deletions: 0 },
          { path: 'migrations/002_users_email_idx.down.sql', status: 'added', additions: 1, deletions: 0 }
        ]
      }
    })
    expect(r.status).toBe('success')
    expect(r.prCheck?.from).toMatch(/PR files API/)
    expect(r.warnings.map((w) => w.message).join('\n')).toMatch(/git could not provide the base commit .* PR files API/)
    expect(r.prCheck?.prMigrations).toEqual(['002_users_email_idx'])
    expect(r.lint?.map((f) => f.rule)).toEqual(['require-concurrent-index'])
  })
})
