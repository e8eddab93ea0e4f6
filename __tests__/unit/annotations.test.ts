import { capAnnotations, collectAnnotations, MAX_ANNOTATIONS, type Annotation } from '../../src/action/annotations.js'
import type { MigrationResult, RunReport } from '../../src/engine/report.js'
import { migrationResult, runReport } from '../support/reports.js'

function migration(identity: string, over: Partial<MigrationResult> = {}): MigrationResult {
  return migrationResult(identity, { file: `db/${identity}.sql`, durationMs: undefined, statements: 1, ...over })
}

function report(over: Partial<RunReport> = {}): RunReport {
  return runReport({ status: 'failed', migrationsDir: 'db', durationMs: 10, nextStep: 'next', ...over })
}

/** Everything a report can annotate, once each (an apply's checks come from test-rollback). */
function everything(): RunReport {
  return report({
    mode: 'apply',
    migrations: [
      migration('001_ok'),
      migration('002_drifted', { status: 'drifted', note: 'edited after it was applied' }),
      migration('003_failed', {
        status: 'failed',
        error: { file: 'db/003_failed.sql', position: { line: 7, col: 3 }, sqlstate: '42P01', message: 'relation "x" does not exist', detail: 'd', hint: 'h', next: 'fix line 7' }
      })
    ],
    checks: [
      { subject: '001_ok', file: 'db/verify/001_ok.sql', line: 2, ok: true, message: 'table exists' },
      { subject: '001_ok', file: 'db/verify/001_ok.sql', line: 5, ok: false, message: 'index public.i exists' },
      { subject: 'history', ok: false, message: 'history has 004_gone, no file' },
      {
        subject: '002_drifted',
        file: 'db/verify/002_drifted.sql',
        line: 1,
        ok: false,
        message: 'policy check',
        error: { file: 'db/verify/002_drifted.sql', position: { line: 3, col: 9 }, sqlstate: '42704', message: 'policy "p" does not exist', next: 'recreate it' }
      }
    ],
    problems: [{ file: 'db/005_bad.sql', position: { line: 4, col: 7 }, code: 'syntax-error', message: 'syntax error at or near "TABL"', hint: 'Did you mean TABLE?' }],
    schemaDiff: [
      { title: 'live vs expected', differences: [{ object: 'index public.i', change: 'removed' }, { object: 'column public.t.c', change: 'added' }] },
      { title: 'up, down, up', differences: [{ object: 'table public.t', change: 'changed', detail: 'owner' }] },
      { title: 'empty', differences: [] }
    ],
    error: { message: 'verify failed', next: 'fix the checks' },
    warnings: [{ file: 'db/notes.sql', message: 'fits no naming scheme' }]
  })
}

const where = (a: Annotation): string => [a.file ?? '-', a.line ?? '-', a.col ?? '-'].join(':')

describe('collectAnnotations', () => {
  test('errors in order: failed migrations, failing checks with a file, problems, drift, one schema-diff line, the run error', () => {
    const { errors, warnings } = collectAnnotations(everything())
    expect(errors.map((a) => [a.title, where(a)])).toEqual([
      ['pgshift: 003_failed failed', 'db/003_failed.sql:7:3'],
      ['pgshift: verify 001_ok failed', 'db/verify/001_ok.sql:5:-'],
      ['pgshift: verify 002_drifted failed', 'db/verify/002_drifted.sql:3:9'],
      ['pgshift: syntax-error', 'db/005_bad.sql:4:7'],
      ['pgshift: drifted', 'db/002_drifted.sql:1:-'],
      ['pgshift: schema differences', '-:-:-'],
      ['pgshift', '-:-:-']
    ])
    expect(errors[0].message).toBe('relation "x" does not exist [42P01]\nDETAIL: d\nHINT: h\nfix line 7')
    expect(errors[1].message).toBe('index public.i exists')
    expect(errors[2].message).toBe('policy check\npolicy "p" does not exist [42704]\nrecreate it')
    // One line for every difference of every comparison: the summary lists them.
    expect(errors[5].message).toBe('3 schema differences, see the summary')
    expect(warnings).toEqual([{ title: 'pgshift', message: 'fits no naming scheme', file: 'db/notes.sql' }])
  })

  test('passing checks, checks without a file and empty diffs make no annotation', () => {
    const { errors } = collectAnnotations(
      report({
        checks: [
          { subject: 'a', file: 'v/a.sql', line: 1, ok: true, message: 'ok' },
          { subject: 'history', ok: false, message: 'no file to point at' }
        ],
        schemaDiff: [{ title: 'live vs expected', differences: [] }]
      })
    )
    expect(errors).toEqual([])
    const one = collectAnnotations(report({ schemaDiff: [{ title: 't', differences: [{ object: 'index public.i', change: 'removed' }] }] }))
    expect(one.errors.map((a) => a.message)).toEqual(['1 schema difference, see the summary'])
  })

  test("verify: each failed check once, those with a file first; no refusal, drift or schema-differences line repeats one; a missing file's check names no file", () => {
    const r = everything()
    r.mode = 'verify'
    r.error = undefined
    r.problems = []
    r.plan.refusals = ['Applied migrations were edited since they ran: 002_drifted.']
    r.migrations.push(migration('004_gone', { status: 'missing', file: 'db/004_gone.sql' }))
    r.checks = [
      ...(r.checks ?? []),
      { subject: '002_drifted', file: 'db/002_drifted.sql', ok: false, message: 'drift: the file was edited after it was applied' },
      { subject: '004_gone', file: 'db/004_gone.sql', ok: false, message: 'missing: recorded in history from db/004_gone.sql' },
      { subject: 'schema', ok: false, message: 'index public.i: the files create it, but the live database does not have it' }
    ]
    const { errors } = collectAnnotations(r)
    expect(errors.map((a) => [a.title, where(a)])).toEqual([
      ['pgshift: 003_failed failed', 'db/003_failed.sql:7:3'],
      ['pgshift: verify 001_ok failed', 'db/verify/001_ok.sql:5:-'],
      ['pgshift: verify 002_drifted failed', 'db/verify/002_drifted.sql:3:9'],
      ['pgshift: verify 002_drifted failed', 'db/002_drifted.sql:-:-'],
      ['pgshift: verify history failed', '-:-:-'],
      ['pgshift: verify 004_gone failed', '-:-:-'],
      ['pgshift: verify schema failed', '-:-:-']
    ])
    expect(errors.at(-1)?.message).toBe('index public.i: the files create it, but the live database does not have it')
    // A verify that was refused before it checked anything (no checks) keeps its refusal.
    const refused = report({ mode: 'verify', plan: { ...r.plan, refusals: ['untrusted trigger'] } })
    expect(collectAnnotations(refused).errors.map((a) => a.title)).toEqual(['pgshift: refused'])
  })

  test('a check error without its own position falls back to the check line', () => {
    const { errors } = collectAnnotations(
      report({ checks: [{ subject: 'a', file: 'v/a.sql', line: 6, ok: false, message: 'same', error: { message: 'same', next: 'n' } }] })
    )
    expect(errors).toEqual([{ title: 'pgshift: verify a failed', message: 'same\nn', file: 'v/a.sql', line: 6, col: undefined }])
  })
})

describe('capAnnotations', () => {
  test('GitHub shows 10 of each type: the first 10 are kept, the rest counted', () => {
    const errors = Array.from({ length: 15 }, (_, i) => ({ title: `e${i}`, message: 'm' }))
    const warnings = Array.from({ length: 12 }, (_, i) => ({ title: `w${i}`, message: 'm' }))
    const capped = capAnnotations({ errors, warnings })
    expect(MAX_ANNOTATIONS).toBe(10)
    expect(capped.errors.map((a) => a.title)).toEqual(errors.slice(0, 10).map((a) => a.title))
    expect(capped.warnings.map((a) => a.title)).toEqual(warnings.slice(0, 10).map((a) => a.title))
    expect(capped.hidden).toBe(5 + 2)
    expect(capAnnotations({ errors: errors.slice(0, 3), warnings: [] })).toEqual({ errors: errors.slice(0, 3), warnings: [], hidden: 0 })
  })

  test('the most important survive the cap: many failing checks do not push out the failed migration, many problems do not push out the checks', () => {
    const r = everything()
    r.checks = Array.from({ length: 12 }, (_, i) => ({ subject: `c${i}`, file: `v/c${i}.sql`, line: 1, ok: false, message: 'failed' }))
    r.problems = Array.from({ length: 5 }, (_, i) => ({ file: `db/p${i}.sql`, code: 'syntax-error', message: 'bad' }))
    const capped = capAnnotations(collectAnnotations(r))
    expect(capped.errors.map((a) => a.title)).toEqual(['pgshift: 003_failed failed', ...Array.from({ length: 9 }, (_, i) => `pgshift: verify c${i} failed`)])
    // 12 checks + 5 problems + drift + schema + run error + the failed migration = 21 errors; 11 hidden.
    expect(capped.hidden).toBe(11)
  })
})
