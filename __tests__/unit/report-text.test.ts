import type { MigrationResult, RunReport } from '../../src/engine/report.js'
import { blocksWords, compactLocks, formatDuration, formatLocation, lockModeWords, lockSentence, renderText, shortenStatement, twinNote } from '../../src/report/text.js'
import { migrationResult, runReport } from '../support/reports.js'

function migration(identity: string, over: Partial<MigrationResult> = {}): MigrationResult {
  return migrationResult(identity, { file: `migrations-example/${identity}.sql`, ...over })
}

function report(over: Partial<RunReport> = {}): RunReport {
  return runReport({
    migrationsDir: 'migrations-example',
    convention: 'supabase',
    conventionNote: 'auto: 8 files named YYYYMMDDhhmmss_name.sql',
    migrations: [
      migration('20260105090000_roles_and_auth', { status: 'already-applied', durationMs: undefined }),
      migration('20260105090100_brands_assets_jobs', { durationMs: 40 }),
      migration('20260105090600_telemetry_samples_index_concurrently', {
        durationMs: 2500,
        statements: 1,
        runMode: 'statements',
        nonTransactionalReasons: ['CREATE INDEX CONCURRENTLY']
      })
    ],
    nextStep: 'Nothing pending: a rerun applies nothing.',
    ...over
  })
}

function failed(): RunReport {
  return report({
    status: 'failed',
    migrations: [
      migration('20260105090000_roles_and_auth'),
      migration('20260105090200_conversations', {
        status: 'failed',
        durationMs: 5,
        error: {
          file: 'migrations-example/20260105090200_conversations.sql',
          position: { line: 12, col: 5 },
          sqlstate: '42P01',
          message: 'relation "public.users" does not exist',
          detail: 'first detail line\nsecond detail line',
          hint: 'Reference public.profiles instead.',
          where: 'PL/pgSQL function public.touch() line 3 at SQL statement',
          statement: 'INSERT INTO public.users (id)\nSELECT id FROM auth.users',
          next: 'Fix line 12 and rerun: it resumes at this file.'
        }
      }),
      migration('20260105090300_usage_metrics', { status: 'skipped', durationMs: undefined })
    ],
    nextStep: 'A rerun starts at 20260105090200_conversations.'
  })
}

describe('renderText', () => {
  test("one line per migration of this run, with status and elapsed time, aligned; the applied history in one line", () => {
    const lines = renderText(report()).split('\n')
    expect(lines[0]).toBe('pgshift apply: applied')
    expect(lines[1]).toBe(
      '  target: 127.0.0.1:5432/postgres  migrations: migrations-example (supabase, auto: 8 files named YYYYMMDDhhmmss_name.sql)'
    )
    expect(lines).toContain('  already applied: 1 migration, newest 20260105090000_roles_and_auth')
    expect(lines).toContain('  applied   20260105090100_brands_assets_jobs                     (40 ms)')
    expect(lines).toContain(
      '  applied   20260105090600_telemetry_samples_index_concurrently   (2.5 s, statement by statement: CREATE INDEX CONCURRENTLY)'
    )
  })

  test('errors compiler-style: file:line:col: error: message [SQLSTATE], then indented detail, hint, where, statement, next', () => {
    const text = renderText(failed())
    const at = text.indexOf('migrations-example/20260105090200_conversations.sql:12:5: error: relation "public.users" does not exist [42P01]\n')
    expect(at).toBeGreaterThan(0)
    expect(text.slice(at).split('\n').slice(1, 11)).toEqual([
      '    detail: first detail line',
      '            second detail line',
      '    hint: Reference public.profiles instead.',
      '    where: PL/pgSQL function public.touch() line 3 at SQL statement',
      '    statement:',
      '      INSERT INTO public.users (id)',
      '      SELECT id FROM auth.users',
      '    next: Fix line 12 and rerun: it resumes at this file.',
      '',
      'failed in 1.2 s: 1 applied, 1 failed, 1 skipped'
    ])
  })

  test('the last lines are the summary and the next step', () => {
    const lines = renderText(failed()).trimEnd().split('\n')
    expect(lines.slice(-2)).toEqual(['failed in 1.2 s: 1 applied, 1 failed, 1 skipped', 'next: A rerun starts at 20260105090200_conversations.'])
    expect(renderText(report()).endsWith('\nnext: Nothing pending: a rerun applies nothing.\n')).toBe(true)
  })

  test('refusals, problems, warnings and a run-level error', () => {
    const text = renderText(
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
      })
    )
    const lines = text.split('\n')
    expect(lines).toContain('refused: 002_x was edited after it was applied (set allow-drift: true to run anyway)')
    expect(lines).toContain('db/003_bad.sql:4:7: error: syntax error at or near "TABL" [syntax-error]')
    expect(lines).toContain('    hint: Did you mean TABLE?')
    expect(lines).toContain('error: could not take the lock within 60s')
    expect(lines).toContain('    next: Another run holds it; wait and rerun.')
    expect(lines).toContain('db/notes.sql: warning: fits no naming scheme; not run')
    expect(lines).toContain('  no migrations found in migrations-example')
    expect(lines).toContain('blocked in 1.2 s')
  })

  test('partial files say how far they got and what they left behind', () => {
    const text = renderText(
      report({
        status: 'failed',
        migrations: [
          migration('1_cic', {
            status: 'partial',
            statements: 3,
            statementsDone: 1,
            runMode: 'statements',
            leftovers: ['INVALID index public.idx_x'],
            error: { file: 'db/1_cic.sql', position: { line: 5, col: 1 }, sqlstate: '23505', message: 'could not create unique index "idx_x"', next: 'DROP INDEX CONCURRENTLY public.idx_x; then rerun.' }
          })
        ]
      })
    )
    expect(text).toContain('  partial   1_cic   (12 ms, statement by statement, 1/3 statements done)')
    expect(text).toContain('    done: 1 of 3 statements committed before the failure')
    expect(text).toContain('    left behind: INVALID index public.idx_x')
  })

  test('no color unless asked; color when asked', () => {
     
    expect(renderText(failed())).not.toMatch(/\u001b\[/)
    const colored = renderText(failed(), { color: true })
    expect(colored).toContain('\u001b[31m')
     
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(renderText(failed()))
  })

  test('untrusted text cannot drive the terminal or the Actions runner', () => {
    const r = failed()
    r.migrations[1].identity = '20260105090200_x\u001b[2J'
    const e = r.migrations[1].error as { message: string; detail: string; statement: string }
    e.message = 'bad\n::error file=a.sql::injected'
    e.detail = '::add-mask::x'
    e.statement = "SELECT 1;\n::set-output name=status::success\n##[error]legacy"
    const text = renderText(r)
     
    expect(text).not.toMatch(/\u001b/)
    expect(text).toContain('20260105090200_x\\x1b[2J')
    for (const line of text.split(/\r\n|\r|\n/)) {
      expect(line.trimStart().startsWith('::')).toBe(false)
      expect(line).not.toContain('##[')
    }
  })
})

describe('renderText: each mode', () => {
  test("the first and last lines say each mode's success in its own word", () => {
    const ends = (r: RunReport): [string, string] => {
      const lines = renderText(r).trimEnd().split('\n')
      return [lines[0], lines[lines.length - 2]]
    }
    expect(ends(report())).toEqual(['pgshift apply: applied', 'applied in 1.2 s: 2 applied, 1 already applied'])
    expect(ends(report({ mode: 'plan', migrations: [migration('1_a', { status: 'pending', durationMs: undefined })] }))).toEqual([
      'pgshift plan: ready to apply',
      'ready to apply in 1.2 s: 1 pending'
    ])
    expect(ends(report({ mode: 'verify', migrations: [] }))[0]).toBe('pgshift verify: verified')
    expect(ends(report({ mode: 'rollback', migrations: [migration('1_a', { status: 'rolled-back' })] }))).toEqual([
      'pgshift rollback: rolled back',
      'rolled back in 1.2 s: 1 rolled back'
    ])
    expect(ends(report({ mode: 'dry-run', preview: true, migrations: [migration('1_a', { status: 'previewed' })] }))).toEqual([
      'pgshift dry-run: previewed',
      'previewed in 1.2 s: 1 previewed'
    ])
    expect(ends(report({ mode: 'rollback', preview: true, migrations: [] }))[0]).toBe('pgshift rollback (dry-run): previewed')
    expect(ends(report({ mode: 'rollback', status: 'failed', migrations: [] }))[0]).toBe('pgshift rollback: failed')
  })

  test('dry-run: the banner, the locks in words and each statement under its migration, the not-dry-runnable files', () => {
    const text = renderText(
      report({
        mode: 'dry-run',
        preview: true,
        migrations: [
          migration('20260105090100_orders', {
            status: 'previewed',
            durationMs: 42,
            locks: [
              { relation: 'public.audit', mode: 'ROW EXCLUSIVE', blocks: 'blocks schema changes; reads and writes continue' },
              { relation: 'public.orders', mode: 'ACCESS EXCLUSIVE', blocks: 'blocks reads and writes' }
            ],
            statementTimings: [
              { line: 1, label: 'ALTER TABLE', ms: 12.3 },
              { line: 14, label: 'CREATE INDEX CONCURRENTLY', ms: 1500, twin: 'ran as CREATE INDEX' }
            ]
          }),
          migration('20260105090300_blocks', { status: 'pending', durationMs: undefined, notDryRunnable: 'its BEGIN ... COMMIT blocks commit on their own' })
        ],
        nextStep: 'Nothing was kept.'
      })
    )
    expect(text.split('\n')).toEqual([
      'pgshift dry-run: previewed',
      '  target: 127.0.0.1:5432/postgres  migrations: migrations-example (supabase, auto: 8 files named YYYYMMDDhhmmss_name.sql)',
      '  preview: everything was rolled back; nothing was kept',
      '',
      '  previewed   20260105090100_orders   (42 ms)',
      '      lock  ACCESS EXCLUSIVE on public.orders: blocks reads and writes',
      '      lock  ROW EXCLUSIVE on public.audit: blocks schema changes; reads and writes continue',
      '      line 1   12 ms  ALTER TABLE',
      '      line 14  1.5 s  CREATE INDEX CONCURRENTLY ran as CREATE INDEX',
      '  pending     20260105090300_blocks   (not dry-runnable)',
      '',
      'not dry-runnable (listed, not run):',
      '  migrations-example/20260105090300_blocks.sql: its BEGIN ... COMMIT blocks commit on their own',
      '',
      'previewed in 1.2 s: 1 previewed, 1 pending',
      'next: Nothing was kept.',
      ''
    ])
  })

  test('rollback: the rolled-back migrations newest first, and which ones have no down', () => {
    const text = renderText(
      report({
        mode: 'rollback',
        rolledBack: ['20260105090300_c', '20260105090200_b'],
        migrations: [
          migration('20260105090100_a', { status: 'already-applied', durationMs: undefined, hasDown: false }),
          migration('20260105090200_b', { status: 'rolled-back', durationMs: 8 }),
          migration('20260105090300_c', { status: 'rolled-back', durationMs: 15 })
        ],
        nextStep: 'A rerun of apply would apply them again.'
      })
    )
    expect(text.split('\n').slice(2)).toEqual([
      '',
      '  rolled-back   20260105090200_b   (8 ms)',
      '  rolled-back   20260105090300_c   (15 ms)',
      '  still applied: 1 migration, newest 20260105090100_a',
      '',
      'rolled back, newest first:',
      '  1. 20260105090300_c',
      '  2. 20260105090200_b',
      '',
      'rolled back in 1.2 s: 2 rolled back, 1 already applied',
      'next: A rerun of apply would apply them again.',
      ''
    ])
  })

  test('verify: every check, failures first; the schema differences as an indented list; check errors compiler-style', () => {
    const text = renderText(
      report({
        mode: 'verify',
        status: 'failed',
        migrations: [migration('20260105090100_a', { status: 'already-applied', durationMs: undefined })],
        checks: [
          { subject: 'history', ok: true, message: 'files match history' },
          {
            subject: '20260105090100_a',
            file: 'verify/a.sql',
            line: 3,
            ok: false,
            message: 'posts exists',
            error: { sqlstate: '42P01', message: 'relation "public.posts" does not exist', hint: 'Was it dropped by hand?', next: 'Compare the live schema.' }
          }
        ],
        schemaDiff: [
          {
            title: 'live vs expected',
            differences: [
              { object: 'index public.posts_user_idx', change: 'removed' },
              { object: 'column public.users.created_at', change: 'changed', detail: 'default: now() -> NULL' }
            ]
          },
          { title: 'up, down, up', differences: [] }
        ],
        nextStep: 'Fix the failing checks.'
      })
    )
    expect(text.split('\n').slice(3)).toEqual([
      '  already applied: 1 migration, newest 20260105090100_a',
      '',
      '2 checks: 1 failed, 1 passed',
      '  FAIL  20260105090100_a (verify/a.sql:3): posts exists',
      '  ok    history: files match history',
      '',
      'schema: live vs expected (2 differences)',
      '    removed  index public.posts_user_idx',
      '    changed  column public.users.created_at: default: now() -> NULL',
      '',
      'schema: up, down, up (no differences)',
      '',
      'verify/a.sql:3: error: relation "public.posts" does not exist [42P01]',
      '    hint: Was it dropped by hand?',
      '    next: Compare the live schema.',
      '',
      'failed in 1.2 s: 1 already applied',
      'next: Fix the failing checks.',
      ''
    ])
  })

  test('hostile lock relations, check messages, diff objects and timing labels cannot drive the terminal or the runner', () => {
    const text = renderText(
      report({
        mode: 'dry-run',
        preview: true,
        migrations: [
          migration('1_a', {
            status: 'previewed',
            locks: [{ relation: 'public.x\u001b[2J\n::error::lock', mode: 'ACCESS EXCLUSIVE', blocks: '##[error]blocks' }],
            statementTimings: [{ line: 1, label: 'CREATE\n::add-mask::x', ms: 1, twin: 'ran as\r::set-output name=a::b' }]
          })
        ],
        checks: [{ subject: 's\u202Eevil', ok: false, message: 'bad\n::error file=a.sql::injected' }],
        schemaDiff: [{ title: '::warning::t', differences: [{ object: 'table \u001b[31mx', change: 'added', detail: '\n::error::d' }] }]
      })
    )
    expect(text).not.toMatch(/\u001b|\u202E/)
    for (const line of text.split(/\r\n|\r|\n/)) {
      expect(line.trimStart().startsWith('::')).toBe(false)
      expect(line).not.toContain('##[')
    }
    expect(text).toContain('public.x\\x1b[2J')
    expect(text).toContain('s\\u{202e}evil')
  })
})

describe('text helpers', () => {
  test('formatDuration', () => {
    expect(formatDuration(undefined)).toBe('')
    expect(formatDuration(0)).toBe('0 ms')
    expect(formatDuration(12.4)).toBe('12 ms')
    expect(formatDuration(1234)).toBe('1.2 s')
    expect(formatDuration(125_000)).toBe('2 min 05 s')
  })

  test('formatLocation', () => {
    expect(formatLocation('a.sql', { line: 3, col: 7 })).toBe('a.sql:3:7')
    expect(formatLocation('a.sql', { line: 3, col: 0 })).toBe('a.sql:3')
    expect(formatLocation('a.sql')).toBe('a.sql')
    expect(formatLocation(undefined, { line: 1, col: 1 })).toBe('')
  })

  test('lock modes, what they block, and the compact form', () => {
    expect(lockModeWords('AccessExclusiveLock')).toBe('ACCESS EXCLUSIVE')
    expect(lockModeWords('ShareUpdateExclusiveLock')).toBe('SHARE UPDATE EXCLUSIVE')
    expect(lockModeWords('ACCESS SHARE')).toBe('ACCESS SHARE')
    expect(blocksWords('reads and writes')).toBe('blocks reads and writes')
    expect(blocksWords('blocks writes; reads continue')).toBe('blocks writes; reads continue')
    expect(blocksWords(' ')).toBe('')
    expect(lockSentence({ relation: 'public.orders', mode: 'AccessExclusiveLock', blocks: 'blocks reads and writes' })).toBe(
      'ACCESS EXCLUSIVE on public.orders: blocks reads and writes'
    )
    expect(lockSentence({ relation: 'public.orders', mode: 'SHARE', blocks: '' })).toBe('SHARE on public.orders')
    expect(
      compactLocks([
        { relation: 'public.a', mode: 'ROW EXCLUSIVE', blocks: '' },
        { relation: 'public.b', mode: 'ACCESS EXCLUSIVE', blocks: '' },
        { relation: 'public.a', mode: 'ACCESS EXCLUSIVE', blocks: '' },
        { relation: 'public.a', mode: 'ACCESS EXCLUSIVE', blocks: '' }
      ])
    ).toBe('ACCESS EXCLUSIVE: public.b, public.a; ROW EXCLUSIVE: public.a')
    expect(compactLocks([])).toBe('none')
  })

  test('twinNote', () => {
    expect(twinNote({ line: 1, label: 'CREATE INDEX CONCURRENTLY', ms: 1, twin: 'ran as CREATE INDEX' })).toBe('CREATE INDEX CONCURRENTLY ran as CREATE INDEX')
    expect(twinNote({ line: 1, label: 'VACUUM', ms: 0, twin: 'skipped: it cannot run in a transaction' })).toBe('VACUUM (skipped: it cannot run in a transaction)')
    expect(twinNote({ line: 1, label: 'CREATE TABLE', ms: 1 })).toBe('')
  })

  test('shortenStatement keeps 20 lines and says how many were left out', () => {
    const sql = Array.from({ length: 25 }, (_, i) => `l${i + 1}`).join('\n')
    expect(shortenStatement(sql).split('\n')).toEqual([...Array.from({ length: 20 }, (_, i) => `l${i + 1}`), '-- … 5 more lines'])
    expect(shortenStatement('x'.repeat(50), 20, 10)).toBe('xxxxxxxxxx\n-- … 40 more characters')
    expect(shortenStatement('\n  select 1  \n')).toBe('  select 1')
  })
})

describe('lint findings in the CLI text (issue 14 item 10)', () => {
  const finding = { rule: 'require-concurrent-index', severity: 'error' as const, identity: '002_idx', file: 'migrations/002_idx.sql', line: 3, col: 1, message: 'CREATE INDEX blocks writes', why: 'why', fix: 'fix' }
  test('on an apply that succeeded, an error-severity finding prints as a warning, not error:', () => {
    const text = renderText(runReport({ mode: 'apply', status: 'success', lint: [finding] }))
    expect(text).toContain('migrations/002_idx.sql:3:1: warning: CREATE INDEX blocks writes [require-concurrent-index]')
    expect(text).not.toMatch(/002_idx\.sql:3:1: error:/)
  })
  test('when the lint refused the run (lint: error), it stays an error', () => {
    const r = runReport({ mode: 'apply', status: 'blocked', lint: [finding] })
    r.plan.refusals = ['Lint found 1 unsafe change (lint: error): require-concurrent-index at migrations/002_idx.sql:3.']
    expect(renderText(r)).toContain('migrations/002_idx.sql:3:1: error: CREATE INDEX blocks writes [require-concurrent-index]')
  })
})
