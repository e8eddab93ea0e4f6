// Golden files: the exact markdown of the job summary and the PR comment for
// hand-built reports, one per outcome a reviewer sees. Any change to the
// rendering shows up here as a diff to review. Regenerate after an intended
// change with:  UPDATE_GOLDEN=1 npm run test:unit -- __tests__/unit/golden.test.ts
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MigrationResult, RunReport } from '../../src/engine/report.js'
import { commentBody } from '../../src/action/comment-body.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { migrationResult, runReport } from '../support/reports.js'

const DIR = fileURLToPath(new URL('../fixtures/golden/', import.meta.url))
const UPDATE = process.env.UPDATE_GOLDEN === '1'
const SHA = '3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39'
const LINKS = { linkBase: `https://github.com/acme/app/blob/${SHA}/` }

function migration(identity: string, over: Partial<MigrationResult> = {}): MigrationResult {
  return migrationResult(identity, { file: `supabase/migrations/${identity}.sql`, ...over })
}

function report(over: Partial<RunReport> = {}): RunReport {
  return runReport({
    target: 'db.acme.internal:5432/app',
    migrationsDir: 'supabase/migrations',
    convention: 'supabase',
    conventionNote: 'auto: 4 files named YYYYMMDDhhmmss_name.sql',
    historyTable: '"pgshift"."schema_history"',
    startedAt: '2026-03-02T10:15:00.000Z',
    durationMs: 2874,
    commit: SHA,
    runUrl: 'https://github.com/acme/app/actions/runs/4242',
    serverVersion: '17.4',
    ...over
  })
}

const CASES: Record<string, () => RunReport> = {
  success: () =>
    report({
      migrations: [
        migration('20260301090000_profiles', { status: 'already-applied', durationMs: undefined, appliedAt: '2026-03-01T09:01:00.000Z' }),
        migration('20260302100000_orders', { durationMs: 41, statements: 7 }),
        migration('20260302100500_orders_customer_idx', {
          durationMs: 2310,
          statements: 1,
          runMode: 'statements',
          nonTransactionalReasons: ['CREATE INDEX CONCURRENTLY (line 1)']
        }),
        migration('20260302101000_order_totals_view', { durationMs: 9, statements: 2, hasDown: false })
      ],
      applied: ['20260302100000_orders', '20260302100500_orders_customer_idx', '20260302101000_order_totals_view'],
      nextStep: 'A rerun applies nothing: all migrations are recorded in "pgshift"."schema_history".'
    }),

  'failure-with-error': () =>
    report({
      status: 'failed',
      durationMs: 318,
      migrations: [
        migration('20260301090000_profiles', { status: 'already-applied', durationMs: undefined }),
        migration('20260302100000_orders', { durationMs: 38, statements: 7 }),
        migration('20260302100500_order_items', {
          status: 'failed',
          durationMs: 6,
          statements: 4,
          error: {
            file: 'supabase/migrations/20260302100500_order_items.sql',
            position: { line: 9, col: 25 },
            sqlstate: '42703',
            message: 'column "order_uuid" referenced in foreign key constraint does not exist',
            hint: 'Perhaps you meant to reference the column "orders.order_id".',
            statement: 'ALTER TABLE public.order_items\n  ADD CONSTRAINT order_items_order_fk\n  FOREIGN KEY (order_uuid) REFERENCES public.orders (id);',
            next: 'Fix the cause shown above. Nothing of supabase/migrations/20260302100500_order_items.sql was kept, so a rerun starts again at this file.'
          }
        }),
        migration('20260302101000_order_totals_view', { status: 'skipped', durationMs: undefined, statements: 2, hasDown: false })
      ],
      applied: ['20260302100000_orders'],
      pending: ['20260302100500_order_items', '20260302101000_order_totals_view'],
      nextStep:
        'Fix the cause shown above. Nothing of supabase/migrations/20260302100500_order_items.sql was kept, so a rerun starts again at this file. The 1 migration before it stays applied and recorded.'
    }),

  'drift-blocked': () =>
    report({
      mode: 'plan',
      status: 'blocked',
      durationMs: 95,
      migrations: [
        migration('20260301090000_profiles', {
          status: 'drifted',
          durationMs: undefined,
          note: 'checksum 9b1c0e7a… in history, 4d22f0b3… on disk'
        }),
        migration('20260302100000_orders', { status: 'pending', durationMs: undefined, statements: 7 })
      ],
      plan: {
        pending: ['20260302100000_orders'],
        applied: [],
        drifted: ['20260301090000_profiles'],
        missing: [],
        outOfOrder: [],
        changedRepeatables: [],
        partial: [],
        refusals: [
          'Applied migrations were edited since they ran: 20260301090000_profiles. Revert the edits and put the change in a new migration, or set allow-drift: true to accept them as they are.'
        ]
      },
      pending: ['20260302100000_orders'],
      nextStep: 'Nothing was changed. Resolve the refusals above (or set the named allow-* input), then rerun.'
    }),

  'dry-run': () =>
    report({
      mode: 'dry-run',
      preview: true,
      durationMs: 1460,
      migrations: [
        migration('20260302100000_orders', {
          status: 'previewed',
          durationMs: 44,
          statements: 2,
          locks: [
            { relation: 'public.orders', mode: 'AccessExclusiveLock', blocks: 'all reads and writes' },
            { relation: 'public.customers', mode: 'ShareRowExclusiveLock', blocks: 'writes, and other schema changes' }
          ],
          statementTimings: [
            { line: 1, label: 'CREATE TABLE', ms: 31 },
            { line: 8, label: 'ALTER TABLE', ms: 13 }
          ]
        }),
        migration('20260302100500_orders_customer_idx', {
          status: 'previewed',
          durationMs: 1380,
          statements: 1,
          runMode: 'statements',
          nonTransactionalReasons: ['CREATE INDEX CONCURRENTLY (line 1)'],
          locks: [{ relation: 'public.orders', mode: 'ShareLock', blocks: 'writes' }],
          statementTimings: [{ line: 1, label: 'CREATE INDEX', ms: 1380, twin: 'ran as CREATE INDEX (without CONCURRENTLY)' }]
        }),
        migration('20260302101000_vacuum_orders', {
          status: 'pending',
          durationMs: undefined,
          statements: 1,
          runMode: 'statements',
          nonTransactionalReasons: ['VACUUM (line 1)'],
          notDryRunnable: 'VACUUM cannot run inside a transaction; it is listed, not run',
          hasDown: false
        })
      ],
      pending: ['20260302100000_orders', '20260302100500_orders_customer_idx', '20260302101000_vacuum_orders'],
      nextStep: 'Nothing was kept. mode: apply would run the 3 pending migrations above.'
    }),

  rollback: () =>
    report({
      mode: 'rollback',
      durationMs: 212,
      migrations: [
        migration('20260301090000_profiles', { status: 'already-applied', durationMs: undefined }),
        migration('20260302100000_orders', { status: 'rolled-back', durationMs: 18 }),
        migration('20260302100500_order_items', { status: 'rolled-back', durationMs: 11 })
      ],
      applied: [],
      rolledBack: ['20260302100500_order_items', '20260302100000_orders'],
      pending: ['20260302100000_orders', '20260302100500_order_items'],
      nextStep: 'The 2 migrations above are pending again: a rerun of mode: apply applies them.'
    }),
  // A PR check on an ephemeral database: locks, the schema changes (add a table,
  // drop a column, change a type, add a policy) and a lint finding.
  'pr-check-schema-changes': () =>
    report({
      durationMs: 420,
      migrations: [
        migration('20260302100000_orders', {
          locks: [{ relation: 'public.customers', mode: 'ACCESS EXCLUSIVE', blocks: 'blocks reads and writes' }]
        })
      ],
      applied: ['20260302100000_orders'],
      schemaChanges: [
        { object: 'column public.customers.legacy_code', change: 'removed' },
        { object: 'column public.customers.score', change: 'changed', detail: 'type: integer -> bigint' },
        { object: 'policy public.orders.orders_owner', change: 'added' },
        { object: 'table public.orders', change: 'added' }
      ],
      lint: [
        {
          rule: 'changing-column-type',
          severity: 'warning',
          identity: '20260302100000_orders',
          file: 'supabase/migrations/20260302100000_orders.sql',
          line: 7,
          col: 1,
          message: 'ALTER COLUMN public.customers.score TYPE bigint rewrites the table',
          why: 'ACCESS EXCLUSIVE lock (no reads, no writes) for the whole rewrite.',
          fix: 'Add a new column, backfill in batches, switch, drop the old one.'
        }
      ],
      nextStep: 'A rerun applies nothing: all migrations are recorded in "pgshift"."schema_history".'
    })
}

const cases = Object.entries(CASES)

function golden(file: string, actual: string): void {
  const path = join(DIR, file)
  if (UPDATE || !existsSync(path)) {
    if (!UPDATE) throw new Error(`${file} is missing: run with UPDATE_GOLDEN=1 to write it`)
    mkdirSync(DIR, { recursive: true })
    writeFileSync(path, actual)
  }
  expect(actual).toBe(readFileSync(path, 'utf8'))
}

test.each(cases)('the summary markdown of %s matches its golden file', (name, make) => {
  golden(`${name}.md`, renderMarkdown(make(), LINKS))
})

test('the PR comment of a failure: the marker line, then the same report with a pointer to the run', () => {
  const body = commentBody(CASES['failure-with-error']!(), { key: 'Migrations (PR check)/migrations', ...LINKS, runPage: 'https://github.com/acme/app/actions/runs/4242' })
  golden('comment-failure-with-error.md', body)
  expect(body).toBe(`<!-- pgshift:comment-key=Migrations (PR check)/migrations -->\n${renderMarkdown(CASES['failure-with-error']!(), LINKS)}`)
})

test('the reports are deterministic', () => {
  for (const [, make] of cases) expect(renderMarkdown(make(), LINKS)).toBe(renderMarkdown(make(), LINKS))
})
