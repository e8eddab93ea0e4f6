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

const lastLine = (md: string): string => md.trimEnd().split('\n').pop() as string

// --- tests --------------------------------------------------------------------

describe('renderMarkdown', () => {
  test('header: mode, result, target, directory, convention, duration, commit', () => {
    const md = renderMarkdown(report())
    const lines = md.split('\n')
    expect(lines[0]).toBe('## pgshift apply: ✅ applied')
    expect(md).toContain('**Target:** `db.example.com:5432/postgres`')
    expect(md).toContain('**Migrations:** `supabase/migrations`')
    expect(md).toContain('**Convention:** supabase (auto: 3 files named YYYYMMDDhhmmss_name.sql)')
    expect(md).toContain('**Duration:** 1.2 s')
    expect(md).toContain('**Commit:** `0123456789ab`')
    expect(md).toContain('3 migrations: 2 applied, 1 already applied.')
    expect(renderMarkdown(report({ status: 'failed' })).split('\n')[0]).toBe('## pgshift apply: ❌ failed')
    expect(renderMarkdown(report({ mode: 'plan', status: 'blocked' })).split('\n')[0]).toBe('## pgshift plan: ⛔ blocked')
  })

  test('a plain table: identity, status, duration, statements, how it runs, whether a down exists', () => {
    const r = report()
    r.migrations[2].hasDown = false
    const rows = tableRows(renderMarkdown(r))
    expect(rows[0]).toEqual(['Migration', 'Status', 'Duration', 'Statements', 'Runs', 'Down'])
    expect(rows.slice(2)).toEqual([
      ['20260105090000_roles_and_auth', 'already applied', '', '3', 'transaction', '✓'],
      ['20260105090100_brands_assets_jobs', '✅ applied', '40 ms', '31', 'transaction', '✓'],
      [
        '20260105090600_telemetry_samples_index_concurrently',
        '✅ applied',
        '2.5 s',
        '1',
        'statement by statement (CREATE INDEX CONCURRENTLY)',
        '—'
      ]
    ])
  })

  test('a notes column appears only when a row has something to say', () => {
    const md = renderMarkdown(
      report({
        migrations: [
          migration('1_a', { retries: 2 }),
          migration('2_b', {
            status: 'partial',
            statements: 3,
            statementsDone: 1,
            runMode: 'statements',
            leftovers: ['INVALID index public.idx_x']
          })
        ]
      })
    )
    const rows = tableRows(md)
    expect(rows[0]).toEqual(['Migration', 'Status', 'Duration', 'Statements', 'Runs', 'Down', 'Notes'])
    expect(rows[2][6]).toBe('2 lock-timeout retries')
    expect(rows[3][1]).toBe('⚠️ partial')
    expect(rows[3][6]).toBe('1 of 3 statements done; left behind: INVALID index public.idx_x')
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

  test('the last line is the next step', () => {
    expect(lastLine(renderMarkdown(report()))).toBe('**Next:** Nothing pending: a rerun applies nothing.')
    expect(lastLine(renderMarkdown(failedReport()))).toBe('**Next:** A rerun starts at 20260105090200_conversations.')
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
    for (const r of rows) expect(r).toHaveLength(6)
    expect(md).not.toMatch(/<img|<script/i)
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    // Backticks are escaped in the cell, so no code span opens there.
    expect(rows[2][0]).toContain('\\`z\\`')
    // No mention, and no line of the output starts a workflow command or a heading of its own.
    expect(md).not.toMatch(/@octocat/)
    expect(md.split('\n').some((l) => l.startsWith('::'))).toBe(false)
    // The link target is percent-encoded: no raw parenthesis or space closes it early.
    const link = /\]\((https:[^)]*)\)/.exec(md)?.[1] ?? ''
    expect(link).toMatch(/^https:\/\/github\.com\/o\/r\/blob\/abc\/db\/20260105090000_x%7Cy%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E/)
    expect(link).toMatch(/#L1$/)
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

  test('truncation keeps the output under maxLength, keeps the failed row, and says how much was left out', () => {
    const many: MigrationResult[] = Array.from({ length: 3000 }, (_, i) =>
      migration(`${String(20250101000000 + i)}_migration_number_${i}`, { status: i < 2000 ? 'already-applied' : 'applied' })
    )
    many[2500] = migration('20260101000000_the_failing_one', {
      status: 'failed',
      error: { file: 'supabase/migrations/20260101000000_the_failing_one.sql', position: { line: 3, col: 1 }, sqlstate: '23505', message: 'duplicate key', statement: 'INSERT INTO t VALUES (1)', next: 'fix it' }
    })
    const r = report({ status: 'failed', migrations: many, nextStep: 'A rerun starts at 20260101000000_the_failing_one.' })

    const full = renderMarkdown(r)
    expect(full.length).toBeGreaterThan(65_000)
    expect(tableRows(full)).toHaveLength(3002)

    const md = renderMarkdown(r, { maxLength: 65_000 })
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(65_000)
    const shown = tableRows(md).length - 2
    expect(shown).toBeGreaterThan(100)
    expect(shown).toBeLessThan(3000)
    expect(md).toContain(
      `_${(3000 - shown).toLocaleString('en-US')} migrations of 3,000 left out of this table to stay under the size limit: see the job summary or the JSON report (the \`report\` output)._`
    )
    // The failed row survives; applied rows are kept before already-applied ones.
    expect(md).toContain('| 20260101000000_the_failing_one | ❌ failed |')
    expect(md).toContain('**ERROR 23505:** duplicate key')
    expect(md).toContain('| 20250101002000_migration_number_2000 | ✅ applied |')
    expect(md).not.toContain('already applied |')
    expect(fencesBalanced(md)).toBe(true)
    expect(lastLine(md)).toBe('**Next:** A rerun starts at 20260101000000_the_failing_one.')

    // A custom pointer, as the PR comment will use.
    const comment = renderMarkdown(r, { maxLength: 20_000, moreAt: 'the job summary' })
    expect(Buffer.byteLength(comment)).toBeLessThanOrEqual(20_000)
    expect(comment).toMatch(/left out of this table to stay under the size limit: see the job summary\._/)
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
    expect(lastLine(md)).toBe('**Next:** A rerun starts at 20260105090200_conversations.')
  })

  test('multibyte text counts in bytes', () => {
    const r = report({
      migrations: Array.from({ length: 400 }, (_, i) => migration(`${i}_données_é€😀`, { note: 'ünïcödé '.repeat(10) }))
    })
    const md = renderMarkdown(r, { maxLength: 20_000 })
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(20_000)
    expect(md).toContain('left out of this table')
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
  test("the header says each mode's success in its own word", () => {
    const head = (r: RunReport): string => renderMarkdown(r).split('\n')[0]
    expect(head(report())).toBe('## pgshift apply: ✅ applied')
    expect(head(report({ mode: 'plan' }))).toBe('## pgshift plan: ✅ ready to apply')
    expect(head(dryRunReport())).toBe('## pgshift dry-run: ✅ previewed')
    expect(head(rollbackReport())).toBe('## pgshift rollback: ✅ rolled back')
    expect(head(verifyReport({ status: 'success' }))).toBe('## pgshift verify: ✅ verified')
    expect(head(rollbackReport({ preview: true, rolledBack: undefined }))).toBe('## pgshift rollback (dry-run): ✅ previewed')
    // Other results read the same in every mode.
    expect(head(verifyReport())).toBe('## pgshift verify: ❌ failed')
    expect(head(rollbackReport({ status: 'nothing-to-do' }))).toBe('## pgshift rollback: ✅ nothing to do')
    expect(head(dryRunReport({ status: 'blocked' }))).toBe('## pgshift dry-run: ⛔ blocked')
  })

  test('dry-run: the preview banner, a Locks column, the not-dry-runnable files, the locks in words', () => {
    const md = renderMarkdown(dryRunReport())
    const blocks = md.split('\n\n')
    expect(blocks[2]).toBe('> **Preview: everything was rolled back; nothing was kept.**')
    expect(blocks[3]).toBe('4 migrations: 2 previewed, 1 pending, 1 already applied.')
    const rows = tableRows(section(md, 'Migrations'))
    expect(rows[0]).toEqual(['Migration', 'Status', 'Duration', 'Statements', 'Runs', 'Locks', 'Down', 'Notes'])
    expect(rows.slice(2)).toEqual([
      ['20260105090000_roles_and_auth', 'already applied', '', '3', 'transaction', '', '✓', ''],
      ['20260105090100_orders', '✅ previewed', '42 ms', '2', 'transaction', 'ACCESS EXCLUSIVE: public.orders; ROW EXCLUSIVE: public.audit', '✓', ''],
      [
        '20260105090200_orders_idx',
        '✅ previewed',
        '30 ms',
        '1',
        'statement by statement (CREATE INDEX CONCURRENTLY)',
        'none',
        '✓',
        'CREATE INDEX CONCURRENTLY ran as CREATE INDEX'
      ],
      ['20260105090300_blocks', 'pending', '', '3', 'transaction', '', '—', 'not dry-runnable']
    ])
    expect(section(md, 'Not dry-runnable (listed, not run)')).toBe(
      '### Not dry-runnable (listed, not run)\n\n- `supabase/migrations/20260105090300_blocks.sql`: its BEGIN ... COMMIT blocks commit on their own\n'
    )
    // Strongest lock first; `blocks` reads as a sentence whether or not the engine wrote the verb.
    expect(section(md, 'Locks taken (released by the rollback)')).toBe(
      [
        '### Locks taken (released by the rollback)',
        '',
        '- `20260105090100_orders`',
        '  - **ACCESS EXCLUSIVE** on `public.orders`: blocks reads and writes',
        '  - **ROW EXCLUSIVE** on `public.audit`: blocks CREATE INDEX (non-concurrent) and schema changes; reads and writes continue',
        ''
      ].join('\n')
    )
    expect(md).not.toContain('20260105090200_orders_idx`\n  -')
    expect(lastLine(md)).toBe('**Next:** Nothing was kept. apply would run 3 migrations; 2 previewed cleanly.')
  })

  test('dry-run: a collapsible <details> per migration with each statement: line, statement, time, twin', () => {
    const md = renderMarkdown(dryRunReport(), { linkBase: 'https://github.com/o/r/blob/abc' })
    const timings = section(md, 'Statement timings')
    expect(timings).toBe(
      [
        '### Statement timings',
        '',
        '<details><summary>20260105090100_orders: 2 statements, 42 ms</summary>',
        '',
        '| Line | Statement | Time |',
        '| --: | --- | --: |',
        '| [1](https://github.com/o/r/blob/abc/supabase/migrations/20260105090100_orders.sql#L1) | ALTER TABLE | 12 ms |',
        '| [4](https://github.com/o/r/blob/abc/supabase/migrations/20260105090100_orders.sql#L4) | INSERT | 30 ms |',
        '',
        '</details>',
        '',
        '<details><summary>20260105090200_orders_idx: 1 statement, 30 ms, 1 twin</summary>',
        '',
        '| Line | Statement | Time | Note |',
        '| --: | --- | --: | --- |',
        '| [2](https://github.com/o/r/blob/abc/supabase/migrations/20260105090200_orders_idx.sql#L2) | CREATE INDEX CONCURRENTLY | 30 ms | ran as CREATE INDEX |',
        '',
        '</details>',
        '',
        '**Next:** Nothing was kept. apply would run 3 migrations; 2 previewed cleanly.',
        ''
      ].join('\n')
    )
    expect(detailsBalanced(md)).toBe(true)
    // No link base: plain line numbers.
    expect(renderMarkdown(dryRunReport())).toContain('| 1 | ALTER TABLE | 12 ms |')
  })

  test('rollback: the rolled-back migrations newest first, their status, and the Down column', () => {
    const md = renderMarkdown(rollbackReport())
    expect(md).toContain('3 migrations: 2 rolled back, 1 already applied.')
    expect(section(md, 'Rolled back, newest first')).toBe('### Rolled back, newest first\n\n1. `20260105090300_c` (15 ms)\n2. `20260105090200_b` (8 ms)\n')
    expect(md.indexOf('### Rolled back')).toBeLessThan(md.indexOf('### Migrations'))
    const rows = tableRows(md)
    expect(rows[0]).toEqual(['Migration', 'Status', 'Duration', 'Statements', 'Runs', 'Down'])
    expect(rows.slice(2)).toEqual([
      ['20260105090100_a', 'already applied', '', '3', 'transaction', '—'],
      ['20260105090200_b', '↩️ rolled back', '8 ms', '3', 'transaction', '✓'],
      ['20260105090300_c', '↩️ rolled back', '15 ms', '3', 'transaction', '✓']
    ])
    expect(md).not.toContain('Preview')
    // A previewed rollback carries the banner.
    const preview = renderMarkdown(rollbackReport({ preview: true, rolledBack: undefined }))
    expect(preview).toContain('\n\n> **Preview: everything was rolled back; nothing was kept.**\n\n')
    expect(preview).not.toContain('### Rolled back')
  })

  test('verify: every check, failures first, with file:line and the errors in full', () => {
    const md = renderMarkdown(verifyReport(), { linkBase: 'https://github.com/o/r/blob/abc/' })
    const checks = section(md, 'Checks')
    expect(checks.split('\n\n')[1]).toBe('4 checks: 2 failed, 2 passed.')
    const link = `[\`${VERIFY_FILE}:3\`](https://github.com/o/r/blob/abc/${VERIFY_FILE}#L3)`
    expect(tableRows(checks)).toEqual([
      ['Result', 'Subject', 'Where', 'Check'],
      ['---', '---', '---', '---'],
      ['❌ failed', '20260105090100_a', link, 'posts exists'],
      ['❌ failed', 'schema', '', 'the live schema differs from the files'],
      ['✅ passed', 'history', '', 'files match history'],
      ['✅ passed', '20260105090100_a', `[\`${VERIFY_FILE}:8\`](https://github.com/o/r/blob/abc/${VERIFY_FILE}#L8)`, 'index public.posts_user_idx exists']
    ])
    expect(checks).toContain(
      [
        `#### Check 20260105090100_a failed at [\`${VERIFY_FILE}:3:8\`](https://github.com/o/r/blob/abc/${VERIFY_FILE}#L3)`,
        '**ERROR 42P01:** relation "public.posts" does not exist',
        '- **Detail:** at the verify query\n- **Hint:** Was it dropped by hand?',
        '**What to do:** Compare the live schema with the files.'
      ].join('\n\n')
    )
    expect(md.indexOf('### Checks')).toBeLessThan(md.indexOf('### Migrations'))
  })

  test('schema differences: a collapsible table per comparison, object | change | detail', () => {
    const md = renderMarkdown(verifyReport())
    expect(section(md, 'Schema differences')).toBe(
      [
        '### Schema differences',
        '',
        '<details><summary>Live database vs the schema the files build (3 differences)</summary>',
        '',
        '| Object | Change | Detail |',
        '| --- | --- | --- |',
        '| index public.posts_user_idx | removed |   |',
        '| column public.users.nickname | added |   |',
        '| column public.users.created_at | changed | default: now() -&gt; NULL |',
        '',
        '</details>',
        '',
        '✅ up, down, up: no differences.',
        ''
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
    expect(shape.size).toBe(4)
    // The summary cannot be closed early: one <details> open at a time, each closed once.
    expect(detailsBalanced(md)).toBe(true)
    expect(md.match(/<\/summary>/g)).toHaveLength(3)
    expect(md).toContain('<details><summary>20260105090100_evil&lt;/summary&gt;&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt;: 1 statement, 42 ms, 1 twin</summary>')
    expect(md).toContain('<details><summary>evil&lt;/summary&gt;&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt; (1 difference)</summary>')
    // The lock list escapes markdown as well as HTML.
    expect(section(md, 'Locks taken (released by the rollback)')).toContain(
      '  - **ACCESS EXCLUSIVE** on public."x\\|y&lt;script&gt;alert(1)&lt;/script&gt;\\`z\\` @\u200Boctocat ::error::boom: blocks reads \\| writes &lt;b&gt;'
    )
    expect(tableRows(section(md, 'Checks'))[2][3]).toBe('m\\|n &lt;script&gt;x&lt;/script&gt; \\`c\\` \\[l\\](javascript:alert(1)) @\u200Boctocat')
  })
})

describe('renderMarkdown: truncation with the new sections', () => {
  /** A dry-run with big timings, a 200-row schema diff, 300 passing and 2 failing checks. */
  function bigReport(): RunReport {
    const r = dryRunReport({ status: 'failed', nextStep: 'Fix the failing checks.' })
    r.migrations[1].statementTimings = Array.from({ length: 400 }, (_, i) => ({ line: i + 1, label: `CREATE TABLE public.t${i}`, ms: i }))
    r.schemaDiff = [
      { title: 'expected vs live', differences: Array.from({ length: 200 }, (_, i) => ({ object: `column public.t.c${i}`, change: 'removed' as const })) }
    ]
    r.checks = [
      ...Array.from({ length: 300 }, (_, i) => ({ subject: `m${i}`, file: `verify/m${i}.sql`, line: 1, ok: true, message: `check number ${i} holds` })),
      { subject: 'bad1', file: 'verify/bad1.sql', line: 4, ok: false, message: 'first failure', error: { sqlstate: '42P01', message: 'relation missing', next: 'fix it' } },
      { subject: 'bad2', ok: false, message: 'second failure' }
    ]
    return r
  }
  const diffRows = (md: string): number => tableRows(md).filter((row) => row[0].startsWith('column public.t.')).length
  const passing = (md: string): number => tableRows(md).filter((row) => row[0] === '✅ passed').length
  const check = (md: string, max: number): void => {
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(max)
    expect(fencesBalanced(md)).toBe(true)
    expect(detailsBalanced(md)).toBe(true)
    expect(lastLine(md)).toBe('**Next:** Fix the failing checks.')
  }

  test('whole sections go first, least important first: timings, then diff rows beyond 20, then passing checks', () => {
    const r = bigReport()
    const full = renderMarkdown(r)
    expect(full).toContain('<details><summary>20260105090100_orders: 400 statements, 42 ms</summary>')
    expect(diffRows(full)).toBe(200)
    expect(passing(full)).toBe(300)

    // 1. One byte less: the timings go, everything else stays.
    const noTimings = renderMarkdown(r, { maxLength: Buffer.byteLength(full) - 1 })
    check(noTimings, Buffer.byteLength(full) - 1)
    expect(noTimings).not.toContain('### Statement timings')
    expect(noTimings).toContain('_Per-statement timings left out to stay under the size limit: see the job summary or the JSON report (the `report` output)._')
    expect(diffRows(noTimings)).toBe(200)
    expect(passing(noTimings)).toBe(300)
    expect(noTimings).toContain('  - **ACCESS EXCLUSIVE** on `public.orders`: blocks reads and writes')

    // 2. Then the diff keeps its first 20 rows.
    const max2 = Buffer.byteLength(noTimings) - 1
    const fewerDiffs = renderMarkdown(r, { maxLength: max2 })
    check(fewerDiffs, max2)
    expect(diffRows(fewerDiffs)).toBe(20)
    expect(fewerDiffs).toContain('<details><summary>expected vs live (200 differences)</summary>')
    expect(fewerDiffs).toContain('_and 180 more differences not shown here: see the job summary or the JSON report (the `report` output)._\n\n</details>')
    expect(passing(fewerDiffs)).toBe(300)

    // 3. Then the passing checks; the failing ones and their errors stay.
    const max3 = Buffer.byteLength(fewerDiffs) - 1
    const failuresOnly = renderMarkdown(r, { maxLength: max3 })
    check(failuresOnly, max3)
    expect(passing(failuresOnly)).toBe(0)
    expect(diffRows(failuresOnly)).toBe(20)
    expect(tableRows(section(failuresOnly, 'Checks')).slice(2).map((row) => row[1])).toEqual(['bad1', 'bad2'])
    expect(failuresOnly).toContain('302 checks: 2 failed, 300 passed.')
    expect(failuresOnly).toContain('_300 passing checks left out to stay under the size limit: see the job summary or the JSON report (the `report` output)._')
    expect(failuresOnly).toContain('**ERROR 42P01:** relation missing')
    // The migration table is untouched so far.
    expect(tableRows(section(failuresOnly, 'Migrations'))).toHaveLength(6)
  })

  test('smaller limits still hold, cutting whole blocks', () => {
    const r = bigReport()
    for (const max of [20_000, 8_000, 4_000, 2_000, 600, 150]) {
      const md = renderMarkdown(r, { maxLength: max })
      expect(Buffer.byteLength(md)).toBeLessThanOrEqual(max)
      expect(fencesBalanced(md)).toBe(true)
      expect(detailsBalanced(md)).toBe(true)
    }
    const md = renderMarkdown(r, { maxLength: 8_000, moreAt: 'the job summary' })
    expect(md).toContain('| ❌ failed | bad1 |')
    expect(md).toMatch(/differences? not shown here: see the job summary\._/)
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
