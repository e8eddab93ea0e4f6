// The PR check's split (issue 15), pure: the base input, the event's base commit,
// and the PR files API form of the base (the git form is covered by
// __tests__/integration/pr-check.test.ts against real repositories).
import { eventBaseSha } from '../../src/action/github-context.js'
import { splitPr, suggestName, type PrFileChange } from '../../src/engine/pr-split.js'
import { baseRef } from '../../src/engine/steps/load-base.js'
import { discover } from '../../src/source/discover.js'
import { parseSettings, SettingsError } from '../../src/settings.js'
import { makeWorkspace } from '../support/workspace.js'

const settings = (inputs: Record<string, string>) => parseSettings({ 'database-url': 'postgres://u:p@localhost/db', ...inputs }, '/tmp')

describe('the base input', () => {
  test('auto by default; off; a ref or SHA; a bad value names the input and the expected form', () => {
    expect(settings({}).base).toBe('auto')
    expect(settings({ base: 'off' }).base).toBe('off')
    expect(settings({ base: 'origin/main', mode: 'apply' }).base).toBe('origin/main')
    expect(settings({ base: 'a'.repeat(40), mode: 'dry-run' }).base).toBe('a'.repeat(40))
    expect(() => settings({ base: '--upload-pack=evil' })).toThrow(/base: '--upload-pack=evil' is not one of auto \| off \| a git ref or commit SHA/)
    expect(() => settings({ base: 'main branch' })).toThrow(SettingsError)
    expect(() => settings({ base: 'main', mode: 'verify' })).toThrow(/base: 'main' goes with mode apply, dry-run or plan/)
  })

  test('auto takes the event base SHA on pull_request and merge_group; other events and modes get none', () => {
    const pr = { pull_request: { number: 7, base: { sha: 'b'.repeat(40) } } }
    expect(eventBaseSha('pull_request', pr)).toBe('b'.repeat(40))
    expect(eventBaseSha('merge_group', { merge_group: { base_sha: 'c'.repeat(40) } })).toBe('c'.repeat(40))
    expect(eventBaseSha('push', pr)).toBeUndefined()
    expect(baseRef(settings({ mode: 'apply' }), { baseSha: 'abc' })).toBe('abc')
    expect(baseRef(settings({ mode: 'apply' }), undefined)).toBeUndefined()
    expect(baseRef(settings({ mode: 'apply', base: 'off' }), { baseSha: 'abc' })).toBeUndefined()
    expect(baseRef(settings({ mode: 'rollback' }), { baseSha: 'abc' })).toBeUndefined()
    expect(baseRef(settings({ mode: 'apply', base: 'origin/main' }), { baseSha: 'abc' })).toBe('origin/main')
  })
})

describe('the PR files API form of the base', () => {
  const head = async (files: Record<string, string>) => (await discover({ workspace: makeWorkspace(files), dir: 'migrations', convention: 'auto' })).migrations
  const api = (changed: PrFileChange[]) => ({ kind: 'api' as const, sha: 'b'.repeat(40), how: 'the PR files API', changed })
  const opts = { allowDrift: false, allowOutOfOrder: false }
  const files = { '001_users.sql': 'CREATE TABLE users (id int);\n', '002_orders.sql': 'CREATE TABLE orders (id int);\n', '003_idx.sql': 'CREATE INDEX i ON users (id);\n' }

  test('added files are the PR; the rest is the base phase', async () => {
    const r = splitPr(await head(files), api([{ path: 'migrations/003_idx.sql', status: 'added', additions: 1, deletions: 0 }]), opts)
    expect(r.problems).toEqual([])
    expect(r.split.base.map((m) => m.identity)).toEqual(['001_users', '002_orders'])
    expect(r.split.pr.map((m) => m.identity)).toEqual(['003_idx'])
    expect(r.split.newestBase).toBe('002_orders')
  })

  test('modified, removed and renamed base files are errors, with the API diff stat', async () => {
    const r = splitPr(
      await head(files),
      api([
        { path: 'migrations/002_orders.sql', status: 'modified', additions: 3, deletions: 1 },
        { path: 'migrations/000_old.sql', status: 'removed', additions: 0, deletions: 4 },
        { path: 'migrations/003_idx.sql', status: 'renamed', previousPath: 'migrations/000_idx.sql', additions: 0, deletions: 0 }
      ]),
      opts
    )
    expect(r.problems.map((p) => [p.code, p.file])).toEqual([
      ['pr-edits-base-migration', 'migrations/002_orders.sql'],
      ['pr-renames-base-migration', 'migrations/003_idx.sql'],
      ['pr-deletes-base-migration', 'migrations/000_old.sql']
    ])
    expect(r.problems[0]?.message).toMatch(/\(3 lines added, 1 removed\)/)
  })

  test('a PR migration before the base newest is a warning with allow-out-of-order', async () => {
    const spaced = { '001_users.sql': 'CREATE TABLE users (id int);\n', '005_idx.sql': 'CREATE INDEX i ON users (id);\n', '003_x.sql': 'SELECT 1;\n' }
    const r = splitPr(await head(spaced), api([{ path: 'migrations/003_x.sql', status: 'added', additions: 1, deletions: 0 }]), { ...opts, allowOutOfOrder: true })
    expect(r.problems).toEqual([])
    expect(r.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/sorts before 005_idx.*Accepted by allow-out-of-order/)])
  })
})

test('suggested names: the next number, or now as a timestamp of the same shape', () => {
  const m = (file: string, version: string) => ({ file, version }) as never
  expect(suggestName(m('migrations/002_x.sql', '002'), m('migrations/009_y.sql', '009'))).toBe('010_x.sql')
  expect(suggestName(m('s/20240101000000_x.sql', '20240101000000'), m('s/20250101000000_y.sql', '20250101000000'), new Date('2026-12-03T09:30:00Z'))).toBe('20261203093000_x.sql')
  expect(suggestName(m('s/20240101000000_x.sql', '20240101000000'), m('s/29990101000000_y.sql', '29990101000000'), new Date('2026-12-03T09:30:00Z'))).toBe('29990101000001_x.sql')
})
