// Issue 19 item 8: the smaller defects of the report, each with the text a
// reviewer read before the fix and what they read now.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { collectAnnotations } from '../../src/action/annotations.js'
import { findPgDump } from '../../src/backup/pg-dump.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { conventionNoteWords, renderText } from '../../src/report/text.js'
import { discover } from '../../src/source/discover.js'
import type { DiscoveryResult } from '../../src/source/types.js'
import { runReport } from '../support/reports.js'

const roots: string[] = []
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true })
})

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'pgshift-defects-'))
  roots.push(root)
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
  }
  return root
}

const LINK_BASE = 'https://github.com/acme/app/blob/0123456789abcdef0123456789abcdef01234567/'

/** The report of a run refused for what discovery found. */
function refused(found: DiscoveryResult) {
  return runReport({
    status: 'failed',
    target: '(not connected)',
    migrationsDir: found.dir,
    convention: found.convention,
    conventionNote: found.conventionNote,
    problems: found.problems,
    nextStep: 'Nothing was sent to the database. Fix the problem above, then rerun.'
  })
}

describe('a syntax error reads like a failure report: link, the SQL around it with a caret, which script', () => {
  test('in an up file', async () => {
    const ws = workspace({ 'migrations/001_a.sql': 'CREATE TABLE a (id int);\n', 'migrations/002_b.sql': 'CREATE TABLE b (\n  id int,\n  name text\n  other int\n);\n' })
    const found = await discover({ workspace: ws, dir: 'migrations', convention: 'auto' })
    expect(found.problems).toHaveLength(1)
    expect(found.problems[0]).toMatchObject({ code: 'syntax-error', file: 'migrations/002_b.sql', position: { line: 4, col: 3 }, script: 'up' })
    const excerpt = ['  2 |   id int,', '  3 |   name text', '> 4 |   other int', '    |   ^', '  5 | );'].join('\n')
    expect(found.problems[0]?.excerpt).toBe(excerpt)

    const md = renderMarkdown(refused(found), { linkBase: LINK_BASE })
    // Before: "- [`migrations/002_b.sql:4:3`](…#L4) **syntax-error**: syntax error at or near "other" Hint: …", and no SQL.
    expect(md).toContain(`- [\`migrations/002_b.sql:4:3\`](${LINK_BASE}migrations/002_b.sql#L4) **syntax-error** in the up script: syntax error at or near "other"`)
    expect(md).toContain(`\n\n  \`\`\`\n${excerpt.replace(/^/gm, '  ')}\n  \`\`\``)

    const text = renderText(refused(found))
    expect(text).toContain(`migrations/002_b.sql:4:3: error: syntax error at or near "other" [syntax-error] (in the up script)\n${excerpt.replace(/^/gm, '    ')}\n    hint:`)
  })

  test('in a dbmate down section and in a hook: the script is named, the caret under the column', async () => {
    const ws = workspace({
      'db/migrations/20240101000000_a.sql': '-- migrate:up\nCREATE TABLE a (id int);\n\n-- migrate:down\nDROP TABLE a a;\n',
      'db/migrations/afterMigrate.sql': 'SELECT 1;\nSELEC 2;\n'
    })
    const found = await discover({ workspace: ws, dir: 'db/migrations', convention: 'auto' })
    const down = found.problems.find((p) => p.file === 'db/migrations/20240101000000_a.sql')
    expect(down).toMatchObject({ code: 'syntax-error', script: 'down', position: { line: 5, col: 14 } })
    expect(down?.excerpt?.split('\n').slice(-2)).toEqual(['> 5 | DROP TABLE a a;', '    |              ^'])
    const hook = found.problems.find((p) => p.file === 'db/migrations/afterMigrate.sql')
    expect(hook).toMatchObject({ code: 'syntax-error', script: 'hook', position: { line: 2, col: 1 } })
    expect(hook?.excerpt).toBe(['  1 | SELECT 1;', '> 2 | SELEC 2;', '    | ^'].join('\n'))
    const md = renderMarkdown(refused(found))
    expect(md).toMatch(/\*\*syntax-error\*\* in the down script:/)
    expect(md).toMatch(/\*\*syntax-error\*\* in the hook:/)
  })

  test('a tab before the column stays a tab under it; a long line is cut around the column', async () => {
    const long = `SELECT ${'x, '.repeat(200)}FROM FROM t;\n`
    const ws = workspace({ 'migrations/001_tab.sql': 'SELECT\n\t1 +;\n', 'migrations/002_long.sql': long })
    const found = await discover({ workspace: ws, dir: 'migrations', convention: 'auto' })
    const tab = found.problems.find((p) => p.file === 'migrations/001_tab.sql')
    expect(tab?.excerpt?.split('\n').slice(-2)).toEqual(['> 2 | \t1 +;', '    | \t   ^'])
    const cut = found.problems.find((p) => p.file === 'migrations/002_long.sql')?.excerpt?.split('\n') ?? []
    expect(cut[0]).toMatch(/^> 1 \| ….*FROM FROM t;$/)
    expect(cut[0]!.length).toBeLessThan(180)
    // The caret sits under the FROM that follows the trailing comma.
    expect(cut[1]!.indexOf('^')).toBe(cut[0]!.indexOf('FROM FROM'))
  })
})

describe('a missing migrations directory is named, never linked (the link would 404)', () => {
  test('markdown and annotations', async () => {
    const ws = workspace({ 'README.md': 'hi\n' })
    const found = await discover({ workspace: ws, dir: 'db/migrations', convention: 'auto' })
    expect(found.problems.map((p) => p.code)).toEqual(['migrations-dir-not-found'])
    const report = refused(found)
    const md = renderMarkdown(report, { linkBase: LINK_BASE })
    // Before: "- [`db/migrations`](https://github.com/acme/app/blob/…/db/migrations) **migrations-dir-not-found**: …"
    expect(md).not.toContain(`${LINK_BASE}db/migrations`)
    expect(md).toContain('- `db/migrations` **migrations-dir-not-found**: the migrations directory db/migrations does not exist')
    const errors = collectAnnotations(report).errors
    expect(errors).toHaveLength(1)
    expect(errors[0]?.file).toBeUndefined()
  })
})

describe('an error whose next step is the report\'s Next says it once', () => {
  const next = 'Nothing was changed. Install pg_dump 17 or newer on the runner.'
  const report = runReport({ status: 'failed', error: { message: 'The backup needs pg_dump 17 or newer', next }, nextStep: next })

  test('markdown: Next, no "What to do" repeating it', () => {
    const md = renderMarkdown(report)
    // Before: "**What to do:** Nothing was changed. Install …" and then "**Next:** Nothing was changed. Install …".
    expect(md).not.toContain('**What to do:**')
    expect(md.split('Install pg\\_dump 17').length - 1 + md.split('Install pg_dump 17').length - 1).toBe(1)
    expect(md).toContain(`**Next:** ${next}`)
  })

  test('terminal text: one next line', () => {
    const text = renderText(report)
    expect(text.match(/next: Nothing was changed/g)).toHaveLength(1)
  })

  test('a different next step stays with its error', () => {
    const md = renderMarkdown({ ...report, nextStep: 'Rerun after the fix.' })
    expect(md).toContain(`**What to do:** ${next}`)
    expect(md).toContain('**Next:** Rerun after the fix.')
  })
})

describe('the convention line names the convention once', () => {
  test.each([
    ['dated', 'auto: detected dated (8 files named YYYYMMDD[hhmmss]_name.sql / YYYY-MM-DD_name.sql)', 'auto: 8 files named YYYYMMDD[hhmmss]_name.sql / YYYY-MM-DD_name.sql'],
    ['numbered', 'auto: detected numbered (2 files named 001_name.sql); order from migrations/pgshift.plan (2 listed)', 'auto: 2 files named 001_name.sql; order from migrations/pgshift.plan (2 listed)'],
    ['supabase', 'auto: detected supabase (directory supabase/migrations, 3 migration files)', 'auto: directory supabase/migrations, 3 migration files'],
    ['numbered', 'numbered (from the convention input; 2 migration files)', 'from the convention input; 2 migration files'],
    ['numbered', 'auto: no migration files found; assuming numbered (001_name.sql)', 'auto: no migration files found; assuming numbered (001_name.sql)']
  ])('%s: %s', (convention, note, words) => {
    expect(conventionNoteWords(convention, note)).toBe(words)
    const report = runReport({ convention, conventionNote: note })
    // Before (terminal): "migrations: migrations (dated, auto: detected dated (8 files named …))".
    expect(renderText(report)).toContain(`migrations: migrations (${convention}, ${words})`)
    expect(renderMarkdown(report)).toContain(`**Convention:** ${convention}: `)
  })
})

describe('pg_dump: one binary is listed once, whatever the paths to it', () => {
  test('PATH holding a link to the binary and the binary twice lists it once', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pgshift-pgdump-'))
    roots.push(root)
    const [real, linked, again] = ['real', 'linked', 'again'].map((d) => join(root, d))
    for (const d of [real, linked]) mkdirSync(d)
    writeFileSync(join(real, 'pg_dump'), '#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6"\n')
    chmodSync(join(real, 'pg_dump'), 0o755)
    symlinkSync(join(real, 'pg_dump'), join(linked, 'pg_dump'))
    // /bin -> usr/bin on Debian: a link to the directory.
    symlinkSync(real, again)
    const err = await findPgDump(99, { PATH: [linked, again, real].join(':') }).catch((e: Error) => e)
    expect(err).toBeInstanceOf(Error)
    // Before: "found only pg_dump 9.6 (…/linked/pg_dump), pg_dump 9.6 (…/again/pg_dump), pg_dump 9.6 (…/real/pg_dump)".
    expect((err as Error).message.match(/pg_dump 9\.6 /g)).toHaveLength(1)
    expect((err as Error).message).toContain(`pg_dump 9.6 (${join(linked, 'pg_dump')})`)
    // Debian's pg_wrapper (/usr/bin and /bin) and the client it runs are one version, listed once.
    const versions = [...(err as Error).message.matchAll(/pg_dump ([\d.]+) \(/g)].map((m) => m[1])
    expect(new Set(versions).size).toBe(versions.length)
  })
})

describe('a down script with a syntax error, demoted to a warning, shows its SQL too', () => {
  test('the warning carries the excerpt; markdown and text show it', () => {
    const excerpt = ['  4 | -- migrate:down', '> 5 | DROP TABLE a a;', '    |              ^'].join('\n')
    const report = runReport({
      warnings: [{ file: 'db/migrations/20240101000000_a.sql', position: { line: 5, col: 14 }, excerpt, message: 'in the down script of 20240101000000_a, at db/migrations/20240101000000_a.sql:5:14: syntax error at or near "a"' }]
    })
    expect(renderMarkdown(report)).toContain(`\n\n  \`\`\`\n${excerpt.replace(/^/gm, '  ')}\n  \`\`\``)
    expect(renderText(report)).toContain(`syntax error at or near "a"\n${excerpt.replace(/^/gm, '    ')}`)
  })
})

describe('a failed backup is told once in the report', () => {
  test('the Backup line points at the error instead of repeating it', () => {
    const message = 'pg_dump 17.2 failed: pg_dump: error: disk full'
    const report = runReport({
      status: 'failed',
      backup: { level: 'schema', reason: 'backup input', error: message },
      error: { message, next: 'Nothing was changed: the backup runs before the first migration.' },
      nextStep: 'Nothing was changed: the backup runs before the first migration.'
    })
    const md = renderMarkdown(report)
    // Before: "**ERROR:** pg_dump 17.2 failed: …" and "**Backup (schema) failed:** pg_dump 17.2 failed: …".
    expect(md.match(/disk full/g)).toHaveLength(1)
    expect(md).toContain('**Backup (schema) failed:** the error is under **Errors** above.')
    // Terminal text: before, "backup (schema) failed: pg_dump 17.2 failed: …" and "error: pg_dump 17.2 failed: …".
    const text = renderText(report)
    expect(text.match(/disk full/g)).toHaveLength(1)
    expect(text).toContain('backup (schema) failed: see the error below')
  })
})
