import type { MigrationResult, RunReport } from '../../src/engine/report.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { migrationResult, runReport } from '../support/reports.js'
import {
  codeOrText,
  escapeHtmlText,
  escapeInline,
  escapeTableCell,
  escapeWorkflowCommands,
  fencedBlock,
  inlineCode,
  sanitizeText
} from '../../src/report/escape.js'

// --- hand-built reports -------------------------------------------------------

function migration(identity: string, over: Partial<MigrationResult> = {}): MigrationResult {
  return migrationResult(identity, { file: `supabase/migrations/${identity}.sql`, ...over })
}

function report(over: Partial<RunReport> = {}): RunReport {
  return runReport({
    target: 'db.example.com:5432/postgres',
    migrationsDir: 'supabase/migrations',
    convention: 'supabase',
    conventionNote: 'auto: 3 files named YYYYMMDDhhmmss_name.sql',
    commit: '0123456789abcdef0123456789abcdef01234567',
    migrations: [
      migration('20260105090000_roles_and_auth', { status: 'already-applied', durationMs: undefined }),
      migration('20260105090100_brands_assets_jobs', { durationMs: 40, statements: 31 }),
      migration('20260105090600_telemetry_samples_index_concurrently', {
        durationMs: 2500,
        statements: 1,
        runMode: 'statements',
        nonTransactionalReasons: ['CREATE INDEX CONCURRENTLY']
      })
    ],
    applied: ['20260105090100_brands_assets_jobs', '20260105090600_telemetry_samples_index_concurrently'],
    nextStep: 'Nothing pending: a rerun applies nothing.',
    ...over
  })
}

function failedReport(): RunReport {
  return report({
    status: 'failed',
    migrations: [
      migration('20260105090000_roles_and_auth'),
      migration('20260105090200_conversations', {
        status: 'failed',
        durationMs: 5,
        error: {
          file: 'supabase/migrations/20260105090200_conversations.sql',
          position: { line: 12, col: 5 },
          sqlstate: '42P01',
          message: 'relation "public.users" does not exist',
          detail: 'The table was renamed in 20251201000000_profiles.',
          hint: 'Reference public.profiles instead.',
          where: 'PL/pgSQL function public.touch() line 3 at SQL statement',
          statement: 'INSERT INTO public.users (id)\nSELECT id FROM auth.users',
          next: 'Fix line 12 of supabase/migrations/20260105090200_conversations.sql and rerun: it resumes at this file.'
        }
      }),
      migration('20260105090300_usage_metrics', { status: 'skipped', durationMs: undefined })
    ],
    nextStep: 'A rerun starts at 20260105090200_conversations.'
  })
}

/** Splits a GFM table row into cells the way GFM does: on pipes not escaped by a backslash. */
function cells(row: string): string[] {
  const out: string[] = []
  let cur = ''
  for (let i = 0; i < row.length; i++) {
    const ch = row[i]
    if (ch === '\\' && i + 1 < row.length) {
      cur += ch + row[i + 1]
      i++
    } else if (ch === '|') {
      out.push(cur)
      cur = ''
    } else cur += ch
  }
  out.push(cur)
  return out.slice(1, -1).map((c) => c.trim())
}

function tableRows(md: string): string[][] {
  return md
    .split('\n')
    .filter((l) => l.startsWith('| '))
    .map(cells)
}

/** Fence lines in order: every opened fence must close with the same fence. */
function fencesBalanced(md: string): boolean {
  let open: string | undefined
  for (const line of md.split('\n')) {
    const m = /^(`{3,})(.*)$/.exec(line)
    if (!m) continue
    if (open === undefined) open = m[1]
    else if (m[1].length >= open.length && m[2].trim() === '') open = undefined
  }
  return open === undefined
}


// --- tests --------------------------------------------------------------------

describe('renderMarkdown', () => {
  test('header: the verdict in words (what ran where), then directory, convention, duration, commit', () => {
    const md = renderMarkdown(report({ database: { kind: 'kept' } }))
    const lines = md.split('\n')
    expect(lines[0]).toBe('## ✅ pgshift apply: 2 migrations applied to production (`db.example.com:5432/postgres`)')
    expect(md).toContain('**Migrations:** `supabase/migrations` (supabase) · **Took:** 1.2 s · **Commit:** `0123456789ab`')
    expect(md).toContain('**Convention:** supabase: auto: 3 files named YYYYMMDDhhmmss_name.sql')
    expect(md).toContain('### This run: 2 applied')
    expect(md).toContain('**Already applied before this run:** 1 migration, newest `20260105090000_roles_and_auth`.')
    expect(renderMarkdown(report({ status: 'failed', database: { kind: 'ephemeral' } })).split('\n')[0]).toBe(
      '## ❌ pgshift apply failed on the ephemeral database `db.example.com:5432/postgres`: 2 migrations applied before it'
    )
    expect(renderMarkdown(report({ mode: 'plan', status: 'blocked' })).split('\n')[0]).toBe('## ⛔ pgshift plan: refused (read-only, nothing ran) on `db.example.com:5432/postgres`')
  })

  test('a short table of this run\'s migrations: identity, result, time, down; no row for the applied history', () => {
    const r = report()
    r.migrations[2].hasDown = false
    const rows = tableRows(renderMarkdown(r))
    expect(rows[0]).toEqual(['Migration', 'Result', 'Time', 'Down'])
    expect(rows.slice(2)).toEqual([
      ['`20260105090100_brands_assets_jobs`', '✅ applied', '40 ms', '✓'],
      ['`20260105090600_telemetry_samples_index_concurrently`', '✅ applied', '2.5 s', '—']
    ])
    expect(renderMarkdown(r)).toContain('- `20260105090600_telemetry_samples_index_concurrently`: statement by statement: CREATE INDEX CONCURRENTLY')
  })

  test('notes go in a list under the table, only for rows with something to say', () => {
    const md = renderMarkdown(
      report({
        migrations: [
          migration('1_a', { retries: 2 }),
          migration('2_b', { status: 'partial', statements: 3, statementsDone: 1, runMode: 'transaction', leftovers: ['INVALID index public.idx_x'] }),
          migration('3_c')
        ]
      })
    )
    expect(tableRows(md)[3]?.[1]).toBe('⚠️ partial')
    expect(md).toContain('- `1_a`: 2 lock-timeout retries\n- `2_b`: 1 of 3 statements done; left behind: INVALID index public.idx_x')
    expect(md).not.toContain('`3_c`:')
  })

  test('errors: file:line:col linked into the repository, SQLSTATE, detail, hint, where, statement, next', () => {
    const md = renderMarkdown(failedReport(), { linkBase: 'https://github.com/o/r/blob/abc123' })
    expect(md).toContain('### Errors')
    expect(md).toContain(
      '#### 20260105090200_conversations failed at [`supabase/migrations/20260105090200_conversations.sql:12:5`](https://github.com/o/r/blob/abc123/supabase/migrations/20260105090200_conversations.sql#L12)'
    )
    expect(md).toContain('**ERROR 42P01:** relation "public.users" does not exist')
    expect(md).toContain('- **Detail:** The table was renamed in 20251201000000_profiles.')
    expect(md).toContain('- **Hint:** Reference public.profiles instead.')
    expect(md).toContain('- **Where:** PL/pgSQL function public.touch() line 3 at SQL statement')
    expect(md).toContain('```sql\nINSERT INTO public.users (id)\nSELECT id FROM auth.users\n```')
    expect(md).toMatch(/\*\*What to do:\*\* Fix line 12 of supabase\/migrations\/20260105090200_conversations\.sql and rerun/)
    expect(tableRows(md)[3][1]).toBe('❌ failed')
    // Without a link base: the location, not a link.
    const plain = renderMarkdown(failedReport())
    expect(plain).toContain('failed at `supabase/migrations/20260105090200_conversations.sql:12:5`\n')
    expect(plain).not.toContain('](')
  })

  test('the run-level error, refusals, problems and warnings each get a section', () => {
    const md = renderMarkdown(
      report({
        status: 'blocked',
        migrations: [],
        error: { message: 'could not take the lock within 60s', next: 'Another run holds it; wait and rerun.' },
        plan: {
          pending: [],
          applied: [],
          drifted: ['002_x'],
          missing: [],
          outOfOrder: [],
          changedRepeatables: [],
          partial: [],
          refusals: ['002_x was edited after it was applied (set allow-drift: true to run anyway)']
        },
        problems: [
          { file: 'db/003_bad.sql', position: { line: 4, col: 7 }, code: 'syntax-error', message: 'syntax error at or near "TABL"', hint: 'Did you mean TABLE?' }
        ],
        warnings: [{ file: 'db/notes.sql', message: 'fits no naming scheme; not run' }]
      }),
      { linkBase: 'https://github.com/o/r/blob/abc/' }
    )
    expect(md).toContain('No migrations found.')
    expect(md).toContain('### Refused\n\n- 002_x was edited after it was applied (set allow-drift: true to run anyway)')
    expect(md).toContain(
      '- [`db/003_bad.sql:4:7`](https://github.com/o/r/blob/abc/db/003_bad.sql#L4) **syntax-error**: syntax error at or near "TABL" Hint: Did you mean TABLE?'
    )
    expect(md).toContain('#### The run failed\n\n**ERROR:** could not take the lock within 60s')
    expect(md).toContain('**What to do:** Another run holds it; wait and rerun.')
    expect(md).toContain('### Warnings\n\n- `db/notes.sql`: fits no naming scheme; not run')
  })

  test('the next step closes the first screen, before any <details>', () => {
    const md = renderMarkdown(report())
    const next = md.indexOf('**Next:** Nothing pending: a rerun applies nothing.')
    expect(next).toBeGreaterThan(0)
    expect(md.indexOf('<details>')).toBeGreaterThan(next)
    expect(renderMarkdown(failedReport())).toContain('**Next:** A rerun starts at 20260105090200_conversations.')
  })

  test('a hostile file name cannot break the table, inject HTML or open a code span', () => {
    const evil = '20260105090000_x|y<img src=x onerror=alert(1)>`z`\\|w @octocat\n::error::boom'
    const md = renderMarkdown(
      report({
        migrations: [migration(evil, { status: 'failed', error: { file: `db/${evil}.sql`, position: { line: 1, col: 1 }, message: '<script>alert(1)</script>', next: 'fix it' } })]
      }),
      { linkBase: 'https://github.com/o/r/blob/abc/' }
    )
    const rows = tableRows(md)
    expect(rows).toHaveLength(3)
    for (const r of rows) expect(r).toHaveLength(4)
    expect(md).not.toMatch(/<img|<script/i)
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    // Backticks are escaped in the cell, so no code span opens there.
    expect(rows[2][0]).toContain('\\`z\\`')
    // No mention, and no line of the output starts a workflow command or a heading of its own.
    expect(md).not.toMatch(/@octocat/)
    expect(md.split('\n').some((l) => l.startsWith('::'))).toBe(false)
    // The link target is percent-encoded: no raw parenthesis or space closes it early.
    const link = /\]\((https:[^)]*#L1)\)/.exec(md)?.[1] ?? ''
    expect(link).toMatch(/^https:\/\/github\.com\/o\/r\/blob\/abc\/db\/20260105090000_x%7Cy%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E/)
  })

  test('SQL holding ``` cannot close the statement fence', () => {
    const statement = "SELECT 1;\n```\n## injected heading\n<img src=x>\n````\nSELECT '```' AS x"
    const r = failedReport()
    ;(r.migrations[1].error as { statement: string }).statement = statement
    const md = renderMarkdown(r)
    const start = md.indexOf('`````sql\n')
    expect(start).toBeGreaterThan(0)
    const end = md.indexOf('\n`````\n', start)
    expect(md.slice(start + '`````sql\n'.length, end)).toBe(statement)
    expect(fencesBalanced(md)).toBe(true)
  })

  test('a long statement is shortened to 20 lines', () => {
    const r = failedReport()
    ;(r.migrations[1].error as { statement: string }).statement = Array.from({ length: 50 }, (_, i) => `-- line ${i + 1}`).join('\n')
    const md = renderMarkdown(r)
    expect(md).toContain('-- line 20\n-- … 30 more lines\n```')
    expect(md).not.toContain('-- line 21')
  })

  test('a first deploy of 1,000 migrations: the table keeps 50 rows, the failed one first, and says how many were left out', () => {
    const many: MigrationResult[] = Array.from({ length: 3000 }, (_, i) =>
      migration(`${String(20250101000000 + i)}_migration_number_${i}`, { status: i < 2000 ? 'already-applied' : 'applied' })
    )
    many[2500] = migration('20260101000000_the_failing_one', {
      status: 'failed',
      error: { file: 'supabase/migrations/20260101000000_the_failing_one.sql', position: { line: 3, col: 1 }, sqlstate: '23505', message: 'duplicate key', statement: 'INSERT INTO t VALUES (1)', next: 'fix it' }
    })
    const r = report({ status: 'failed', migrations: many, nextStep: 'A rerun starts at 20260101000000_the_failing_one.' })
    const md = renderMarkdown(r)
    expect(Buffer.byteLength(md)).toBeLessThan(12_000)
    expect(tableRows(md)).toHaveLength(52)
    expect(md).toContain('_950 more migrations not shown here: see the job summary or the JSON report (the `report` output)._')
    expect(md).toContain('| `20260101000000_the_failing_one` | ❌ failed |')
    expect(md).toContain('**ERROR 23505:** duplicate key')
    expect(md).toContain('**Already applied before this run:** 2,000 migrations, newest `20250101001999_migration_number_1999`.')
    expect(fencesBalanced(md)).toBe(true)
    const small = renderMarkdown(r, { maxLength: 4_000, moreAt: 'the job summary' })
    expect(Buffer.byteLength(small)).toBeLessThanOrEqual(4_000)
    expect(small).toMatch(/not shown here: see the job summary\._/)
    expect(small).toContain('**Next:** A rerun starts at')
  })

  test('huge messages and lists shrink too, and a tiny limit still holds', () => {
    const r = failedReport()
    r.warnings = Array.from({ length: 500 }, (_, i) => ({ file: `db/w${i}.sql`, message: 'fits no naming scheme '.repeat(20) }))
    ;(r.migrations[1].error as { message: string }).message = 'x'.repeat(200_000)
    for (const max of [65_000, 8_000, 2_000, 600, 120]) {
      const md = renderMarkdown(r, { maxLength: max })
      expect(Buffer.byteLength(md)).toBeLessThanOrEqual(max)
      expect(fencesBalanced(md)).toBe(true)
    }
    const md = renderMarkdown(r, { maxLength: 8_000 })
    expect(md).toMatch(/warnings? not shown here: see the job summary/)
    expect(md).toContain('more characters)')
    expect(md).toContain('**Next:** A rerun starts at 20260105090200_conversations.')
  })

  test('multibyte text counts in bytes', () => {
    const r = report({
      migrations: Array.from({ length: 400 }, (_, i) => migration(`${i}_données_é€😀`, { note: 'ünïcödé '.repeat(10) }))
    })
    const md = renderMarkdown(r, { maxLength: 6_000 })
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(6_000)
    expect(md).toMatch(/more migrations? not shown here/)
  })

  test('a link base that is not http(s) is ignored', () => {
    const md = renderMarkdown(failedReport(), { linkBase: 'javascript:alert(1)//' })
    expect(md).not.toContain('javascript:')
    expect(md).not.toContain('](')
  })
})

// --- the modes: dry-run, rollback, verify ---------------------------------------

function dryRunReport(over: Partial<RunReport> = {}): RunReport {
  return report({
    mode: 'dry-run',
    preview: true,
    applied: [],
    migrations: [
      migration('20260105090000_roles_and_auth', { status: 'already-applied', durationMs: undefined }),
      migration('20260105090100_orders', {
        status: 'previewed',
        durationMs: 42,
        statements: 2,
        locks: [
          { relation: 'public.audit', mode: 'ROW EXCLUSIVE', blocks: 'blocks CREATE INDEX (non-concurrent) and schema changes; reads and writes continue' },
          { relation: 'public.orders', mode: 'AccessExclusiveLock', blocks: 'reads and writes' }
        ],
        statementTimings: [
          { line: 1, label: 'ALTER TABLE', ms: 12.3 },
          { line: 4, label: 'INSERT', ms: 29.5 }
        ]
      }),
      migration('20260105090200_orders_idx', {
        status: 'previewed',
        durationMs: 30,
        statements: 1,
        runMode: 'statements',
        nonTransactionalReasons: ['CREATE INDEX CONCURRENTLY'],
        locks: [],
        statementTimings: [{ line: 2, label: 'CREATE INDEX CONCURRENTLY', ms: 30, twin: 'ran as CREATE INDEX' }]
      }),
      migration('20260105090300_blocks', {
        status: 'pending',
        durationMs: undefined,
        hasDown: false,
        notDryRunnable: 'its BEGIN ... COMMIT blocks commit on their own'
      })
    ],
    nextStep: 'Nothing was kept. apply would run 3 migrations; 2 previewed cleanly.',
    ...over
  })
}

function rollbackReport(over: Partial<RunReport> = {}): RunReport {
  return report({
    mode: 'rollback',
    applied: [],
    rolledBack: ['20260105090300_c', '20260105090200_b'],
    pending: ['20260105090200_b', '20260105090300_c'],
    migrations: [
      migration('20260105090100_a', { status: 'already-applied', durationMs: undefined, hasDown: false }),
      migration('20260105090200_b', { status: 'rolled-back', durationMs: 8 }),
      migration('20260105090300_c', { status: 'rolled-back', durationMs: 15 })
    ],
    nextStep: 'Rolled back 2 migrations. A rerun of apply would apply them again: 20260105090200_b, 20260105090300_c.',
    ...over
  })
}

const VERIFY_FILE = 'supabase/migrations/verify/20260105090100_a.sql'

function verifyReport(over: Partial<RunReport> = {}): RunReport {
  return report({
    mode: 'verify',
    status: 'failed',
    applied: [],
    migrations: [migration('20260105090100_a', { status: 'already-applied', durationMs: undefined })],
    checks: [
      { subject: 'history', ok: true, message: 'files match history' },
      {
        subject: '20260105090100_a',
        file: VERIFY_FILE,
        line: 3,
        ok: false,
        message: 'posts exists',
        error: { file: VERIFY_FILE, position: { line: 3, col: 8 }, sqlstate: '42P01', message: 'relation "public.posts" does not exist', detail: 'at the verify query', hint: 'Was it dropped by hand?', next: 'Compare the live schema with the files.' }
      },
      { subject: '20260105090100_a', file: VERIFY_FILE, line: 8, ok: true, message: 'index public.posts_user_idx exists' },
      { subject: 'schema', ok: false, message: 'the live schema differs from the files' }
    ],
    schemaDiff: [
      {
        title: 'Live database vs the schema the files build',
        differences: [
          { object: 'index public.posts_user_idx', change: 'removed' },
          { object: 'column public.users.nickname', change: 'added' },
          { object: 'column public.users.created_at', change: 'changed', detail: 'default: now() -> NULL' }
        ]
      },
      { title: 'up, down, up', differences: [] }
    ],
    nextStep: 'Fix the failing checks, then rerun verify.',
    ...over
  })
}

/** The text of the section from `### heading` up to the next `### ` heading. */
function section(md: string, heading: string): string {
  const start = md.indexOf(`### ${heading}\n`)
  if (start < 0) return ''
  const end = md.indexOf('\n### ', start + 4)
  return md.slice(start, end < 0 ? undefined : end)
}

/** Every <details> opened is closed, never nested. */
function detailsBalanced(md: string): boolean {
  let open = 0
  for (const m of md.matchAll(/<(\/?)details>/g)) {
    open += m[1] ? -1 : 1
    if (open < 0 || open > 1) return false
  }
  return open === 0
}

describe('renderMarkdown: each mode', () => {
  test("the heading says each mode's result in words: what ran, where, and whether anything was kept", () => {
    const head = (r: RunReport): string => renderMarkdown(r).split('\n')[0]
    const at = '`db.example.com:5432/postgres`'
    expect(head(report())).toBe(`## ✅ pgshift apply: 2 migrations applied to ${at}`)
    expect(head(report({ mode: 'plan', migrations: [migration('1_a', { status: 'pending' })] }))).toBe(`## 📋 pgshift plan: 1 migration to apply to ${at} (read-only)`)
    expect(head(dryRunReport())).toBe(`## ✅ pgshift dry-run (preview: nothing kept): 2 migrations would apply to ${at}`)
    expect(head(rollbackReport())).toBe(`## ↩️ pgshift rollback: 2 migrations rolled back on ${at}`)
    expect(head(verifyReport({ status: 'success', checks: [], schemaDiff: [] }))).toBe(`## ✅ pgshift verify: ${at} matches the files (read-only)`)
    expect(head(rollbackReport({ preview: true }))).toBe(`## ↩️ pgshift rollback preview (nothing kept): 2 down scripts would run on ${at}`)
    expect(head(verifyReport())).toBe(`## ❌ pgshift verify: 2 checks failed, 2 schema objects differ on ${at} (read-only)`)
    expect(head(rollbackReport({ status: 'nothing-to-do' }))).toBe(`## ✅ pgshift rollback: nothing to roll back on ${at}`)
    expect(head(dryRunReport({ status: 'blocked' }))).toBe(`## ⛔ pgshift dry-run (preview: nothing kept): refused on ${at}`)
    expect(head(report({ target: '(not connected)', status: 'failed' }))).toBe('## ❌ pgshift apply failed on the database (not reached): 2 migrations applied before it')
  })

  test('dry-run: the preview banner, the locks on existing tables in words, the not-dry-runnable files below', () => {
    const md = renderMarkdown(dryRunReport())
    const blocks = md.split('\n\n')
    expect(blocks[2]).toBe('> **Preview: everything was rolled back; nothing was kept.**')
    expect(blocks[3]).toBe('### This preview ran: 2 previewed, 1 pending')
    const rows = tableRows(md)
    expect(rows[0]).toEqual(['Migration', 'Result', 'Time', 'Down'])
    expect(rows.slice(2, 5).map((r) => r[0])).toEqual(['`20260105090100_orders`', '`20260105090200_orders_idx`', '`20260105090300_blocks`'])
    expect(md).toContain('- `20260105090200_orders_idx`: statement by statement: CREATE INDEX CONCURRENTLY; CREATE INDEX CONCURRENTLY ran as CREATE INDEX')
    expect(md).toContain('<details><summary>Not dry-runnable: 1 file listed, not run</summary>\n\n- `supabase/migrations/20260105090300_blocks.sql`: its BEGIN ... COMMIT blocks commit on their own')
    // Strongest lock first; `blocks` reads as a sentence whether or not the engine wrote the verb.
    expect(section(md, 'Locks on existing tables (released by the preview)')).toContain(
      [
        '- `20260105090100_orders`',
        '  - **ACCESS EXCLUSIVE** on `public.orders`: blocks reads and writes',
        '  - **ROW EXCLUSIVE** on `public.audit`: blocks CREATE INDEX (non-concurrent) and schema changes; reads and writes continue'
      ].join('\n')
    )
    expect(md).not.toContain('20260105090200_orders_idx`\n  -')
    // pgshift's own history write is not the migration's lock.
    const own = dryRunReport()
    own.migrations[1].locks = [{ relation: 'supabase_migrations.schema_migrations', mode: 'RowExclusiveLock', blocks: 'x' }, { relation: 'pgshift.schema_migrations', mode: 'RowExclusiveLock', blocks: 'x' }]
    expect(renderMarkdown(own)).not.toContain('### Locks')
  })

  test('dry-run: the statement timings below the first screen: line (linked), statement, time, twin', () => {
    const md = renderMarkdown(dryRunReport(), { linkBase: 'https://github.com/o/r/blob/abc' })
    expect(md).toContain(
      [
        '<details><summary>Statement timings: 2 migrations</summary>',
        '',
        '**20260105090100_orders**: 2 statements, 42 ms',
        '',
        '| Line | Statement | Time |',
        '| --: | --- | --: |',
        '| [1](https://github.com/o/r/blob/abc/supabase/migrations/20260105090100_orders.sql#L1) | ALTER TABLE | 12 ms |',
        '| [4](https://github.com/o/r/blob/abc/supabase/migrations/20260105090100_orders.sql#L4) | INSERT | 30 ms |',
        '',
        '**20260105090200_orders_idx**: 1 statement, 30 ms, 1 twin',
        '',
        '| Line | Statement | Time | Note |',
        '| --: | --- | --: | --- |',
        '| [2](https://github.com/o/r/blob/abc/supabase/migrations/20260105090200_orders_idx.sql#L2) | CREATE INDEX CONCURRENTLY | 30 ms | ran as CREATE INDEX |',
        '',
        '</details>'
      ].join('\n')
    )
    expect(md.indexOf('<details><summary>Statement timings')).toBeGreaterThan(md.indexOf('**Next:**'))
    expect(detailsBalanced(md)).toBe(true)
    expect(renderMarkdown(dryRunReport())).toContain('| 1 | ALTER TABLE | 12 ms |')
  })

  test('rollback: the downs first, newest first; the history that stays is one line', () => {
    const md = renderMarkdown(rollbackReport())
    expect(section(md, 'Rolled back, newest first')).toContain('### Rolled back, newest first\n\n1. `20260105090300_c` (15 ms)\n2. `20260105090200_b` (8 ms)\n')
    expect(md).toContain('**Still applied:** 1 migration, newest `20260105090100_a`.')
    expect(tableRows(md)).toEqual([])
    expect(md).not.toContain('Preview')
    const preview = renderMarkdown(rollbackReport({ preview: true }))
    expect(preview).toContain('\n\n> **Preview: everything was rolled back; nothing was kept.**\n\n')
    expect(preview).toContain('### Down scripts this rollback would run, newest first')
    expect(preview).toContain('**Would stay applied:** 1 migration')
  })

  test('verify: the failing checks with file:line and their errors in full; the passing ones as a count', () => {
    const md = renderMarkdown(verifyReport(), { linkBase: 'https://github.com/o/r/blob/abc/' })
    const checks = section(md, 'Checks: 4 checks: 2 failed, 2 passed')
    const link = `[\`${VERIFY_FILE}:3\`](https://github.com/o/r/blob/abc/${VERIFY_FILE}#L3)`
    expect(checks).toContain(`- ❌ \`20260105090100_a\` (${link}): posts exists\n- ❌ \`schema\`: the live schema differs from the files\n\n✅ The other 2 checks passed.`)
    expect(checks).not.toContain('index public.posts_user_idx exists')
    expect(checks).toContain(
      [
        `#### Check 20260105090100_a failed at [\`${VERIFY_FILE}:3:8\`](https://github.com/o/r/blob/abc/${VERIFY_FILE}#L3)`,
        '**ERROR 42P01:** relation "public.posts" does not exist',
        '- **Detail:** at the verify query\n- **Hint:** Was it dropped by hand?',
        '**What to do:** Compare the live schema with the files.'
      ].join('\n\n')
    )
  })

  test('schema differences: a line per comparison on the first screen, one row per object below', () => {
    const md = renderMarkdown(verifyReport())
    expect(md).toContain('❌ **Live database vs the schema the files build:** 2 objects differ: `index public.posts_user_idx` dropped, `table public.users` changed')
    expect(md).toContain('✅ up, down, up: no differences.')
    expect(md).toContain(
      [
        '<details><summary>Live database vs the schema the files build: 2 objects (3 differences)</summary>',
        '',
        '| Object | Change | Detail |',
        '| --- | --- | --- |',
        '| index public.posts_user_idx | dropped |   |',
        '| table public.users | changed | 2 columns: +nickname, \\~created_at (default: now() -&gt; NULL) |',
        '',
        '</details>'
      ].join('\n')
    )
    expect(detailsBalanced(md)).toBe(true)
  })

  test('hostile lock relations, check messages and diff titles stay inert', () => {
    const evil = 'public."x|y<script>alert(1)</script>`z` @octocat\n::error::boom'
    const summaryBreak = 'evil</summary></details><img src=x onerror=alert(1)>'
    const r = dryRunReport()
    r.migrations[1].locks = [{ relation: evil, mode: 'ACCESS EXCLUSIVE', blocks: 'reads | writes <b>' }]
    r.migrations[1].identity = `20260105090100_${summaryBreak}`
    r.migrations[1].statementTimings = [{ line: 1, label: 'ALTER|TABLE', ms: 1, twin: '<i>twin</i> | x' }]
    r.checks = [{ subject: 'a|b', file: 'v/x.sql', line: 2, ok: false, message: 'm|n <script>x</script> `c` [l](javascript:alert(1)) @octocat' }]
    r.schemaDiff = [{ title: summaryBreak, differences: [{ object: 'table public."a|b"', change: 'changed', detail: '<script>|' }] }]
    const md = renderMarkdown(r)
    expect(md).not.toMatch(/<script|<img|<b>|<i>/i)
    expect(md).not.toMatch(/@octocat/)
    expect(md.split('\n').some((l) => l.trimStart().startsWith('::'))).toBe(false)
    // Every table keeps its shape.
    const shape = new Map<string, number>()
    for (const block of md.split('\n\n')) {
      const rows = tableRows(block)
      if (rows.length) shape.set(block.split('\n')[0], rows[0].length)
      for (const row of rows) expect(row).toHaveLength(rows[0].length)
    }
    expect(shape.size).toBeGreaterThanOrEqual(3)
    // The summary cannot be closed early: one <details> open at a time, each closed once.
    expect(detailsBalanced(md)).toBe(true)
    expect(md.match(/<details>/g)?.length).toBe(md.match(/<\/summary>/g)?.length)
    expect(md).toContain('**20260105090100_evil&lt;/summary&gt;&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt;**: 1 statement, 42 ms, 1 twin')
    expect(md).toContain('<details><summary>evil&lt;/summary&gt;&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt;: 1 object (1 difference)</summary>')
    // The lock list escapes markdown as well as HTML.
    expect(section(md, 'Locks on existing tables (released by the preview)')).toContain(
      '  - **ACCESS EXCLUSIVE** on public."x\\|y&lt;script&gt;alert(1)&lt;/script&gt;\\`z\\` @\u200Boctocat ::error::boom: blocks reads \\| writes &lt;b&gt;'
    )
    expect(md).toContain('m\\|n &lt;script&gt;x&lt;/script&gt; `c` \\[l\\](javascript:alert(1)) @\u200Boctocat')
  })
})

describe('renderMarkdown: size', () => {
  /** A dry-run with big timings, a 200-row schema diff, 300 passing and 2 failing checks. */
  function bigReport(): RunReport {
    const r = dryRunReport({ status: 'failed', nextStep: 'Fix the failing checks.' })
    r.migrations[1].statementTimings = Array.from({ length: 400 }, (_, i) => ({ line: i + 1, label: `CREATE TABLE public.t${i}`, ms: i }))
    r.schemaDiff = [{ title: 'expected vs live', differences: Array.from({ length: 200 }, (_, i) => ({ object: `index public.t_c${i}`, change: 'removed' as const })) }]
    r.checks = [
      ...Array.from({ length: 300 }, (_, i) => ({ subject: `m${i}`, file: `verify/m${i}.sql`, line: 1, ok: true, message: `check number ${i} holds` })),
      { subject: 'bad1', file: 'verify/bad1.sql', line: 4, ok: false, message: 'first failure', error: { sqlstate: '42P01', message: 'relation missing', next: 'fix it' } },
      { subject: 'bad2', ok: false, message: 'second failure' }
    ]
    return r
  }
  const check = (md: string, max: number): void => {
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(max)
    expect(fencesBalanced(md)).toBe(true)
    expect(detailsBalanced(md)).toBe(true)
    expect(md).toContain('**Next:** Fix the failing checks.')
  }

  test('lists and tables are capped: 50 statements, 50 objects, passing checks as a count', () => {
    const md = renderMarkdown(bigReport())
    expect(Buffer.byteLength(md)).toBeLessThan(16_000)
    expect(md).toContain('_350 more statements not shown here')
    expect(md).toContain('_150 more objects not shown here')
    expect(md).toContain('### Checks: 302 checks: 2 failed, 300 passed\n\n- ❌ `bad1` (`verify/bad1.sql:4`): first failure\n- ❌ `bad2`: second failure\n\n✅ The other 300 checks passed.')
    expect(md).toContain('**ERROR 42P01:** relation missing')
  })

  test('a limit drops the timings first, then cuts whole blocks', () => {
    const r = bigReport()
    const full = renderMarkdown(r)
    const noTimings = renderMarkdown(r, { maxLength: Buffer.byteLength(full) - 1 })
    check(noTimings, Buffer.byteLength(full) - 1)
    expect(noTimings).toContain('_Per-statement timings left out to stay under the size limit: see the job summary or the JSON report (the `report` output)._')
    for (const max of [8_000, 4_000, 2_000, 600, 150]) {
      const md = renderMarkdown(r, { maxLength: max })
      expect(Buffer.byteLength(md)).toBeLessThanOrEqual(max)
      expect(fencesBalanced(md)).toBe(true)
      expect(detailsBalanced(md)).toBe(true)
    }
  })
})

describe('escape helpers', () => {
  test('escapeTableCell escapes pipes, newlines, HTML, backticks and markdown', () => {
    expect(escapeTableCell('a|b')).toBe('a\\|b')
    expect(escapeTableCell('a\nb\r\nc')).toBe('a b c')
    expect(escapeTableCell('<b>&')).toBe('&lt;b&gt;&amp;')
    expect(escapeTableCell('`x`')).toBe('\\`x\\`')
    expect(escapeTableCell('*a* _b_ [c](d) ~e~')).toBe('\\*a\\* \\_b\\_ \\[c\\](d) \\~e\\~')
    expect(escapeTableCell('back\\|slash')).toBe('back\\\\\\|slash')
    expect(cells(`| ${escapeTableCell('x\\|y|z')} | 2 |`)).toHaveLength(2)
    expect(escapeTableCell('')).toBe(' ')
  })

  test('escapeInline neutralises block starts and mentions', () => {
    expect(escapeInline('# title')).toBe('\\# title')
    expect(escapeInline('- item')).toBe('\\- item')
    expect(escapeInline('1. item')).toBe('1\\. item')
    expect(escapeInline('> quote')).toBe('&gt; quote')
    expect(escapeInline('ping @octocat and @org/team')).toBe('ping @\u200Boctocat and @\u200Borg/team')
    expect(escapeInline('mail a@b.c')).toBe('mail a@\u200Bb.c')
  })

  test('codeOrText uses a code span only for plain text', () => {
    expect(codeOrText('supabase/migrations/001_a.sql:3:1')).toBe('`supabase/migrations/001_a.sql:3:1`')
    expect(codeOrText('db/données.sql')).toBe('`db/données.sql`')
    expect(codeOrText('a<b>|`c`')).toBe('a&lt;b&gt;\\|\\`c\\`')
  })

  test('inlineCode survives backticks', () => {
    expect(inlineCode('a.sql')).toBe('`a.sql`')
    expect(inlineCode('a`b')).toBe('``a`b``')
    expect(inlineCode('`x`')).toBe('`` `x` ``')
    expect(inlineCode('a\nb')).toBe('`a b`')
  })

  test('fencedBlock picks a fence longer than any backtick run inside', () => {
    expect(fencedBlock('select 1', 'sql')).toBe('```sql\nselect 1\n```')
    expect(fencedBlock('a\n```\nb', 'sql')).toBe('````sql\na\n```\nb\n````')
    expect(fencedBlock('x ``````` y')).toBe('````````\nx ``````` y\n````````')
  })

  test('escapeWorkflowCommands neutralises commands at line starts and the legacy ##[ form', () => {
    const out = escapeWorkflowCommands('ok\n::error file=x::boom\n  ::add-mask::s\r::set-output name=a::b\nmid ::x:: stays\nlog ##[error]x')
    for (const line of out.split(/\r\n|\r|\n/)) {
      expect(line.trimStart().startsWith('::')).toBe(false)
      expect(line).not.toContain('##[')
    }
    expect(out).toContain('mid ::x:: stays')
    expect(out.replace(/\u200B/g, '')).toBe('ok\n::error file=x::boom\n  ::add-mask::s\r::set-output name=a::b\nmid ::x:: stays\nlog ##[error]x')
    expect(escapeWorkflowCommands('\u0085::warning::x').startsWith('\u0085::')).toBe(false)
  })

  test('escapeHtmlText: one line of inert text for a <summary>, no backslashes to show', () => {
    expect(escapeHtmlText('a_b|c`d`')).toBe('a_b|c`d`')
    expect(escapeHtmlText('x</summary><script>"\'&\ny')).toBe('x&lt;/summary&gt;&lt;script&gt;&quot;&#39;&amp; y')
    expect(escapeHtmlText('@octocat \u202E')).toBe('@\u200Boctocat \\u{202e}')
  })

  test('sanitizeText makes control and bidi characters visible', () => {
    expect(sanitizeText('a\u001b[31mb')).toBe('a\\x1b[31mb')
    expect(sanitizeText('a\u202Eb\u0000')).toBe('a\\u{202e}b\\x00')
    expect(sanitizeText('l1\r\nl2\tx')).toBe('l1\nl2\tx')
  })
})
