// The four reports of issue 19, built by hand at any history length: a PR check
// with 1 new migration, a deploy of 1, a rollback preview that destroys rows, a
// verify with drift. Used by the golden test and the rendering test.
import type { MigrationResult, RunReport } from '../../src/engine/report.js'
import { migrationResult, runReport } from './reports.js'

export const SHA = '3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39'
export const LINK_BASE = `https://github.com/acme/app/blob/${SHA}/`

const DIR = 'supabase/migrations'
const id = (i: number) => `2025${String(1 + Math.floor(i / 2800)).padStart(2, '0')}${String(1 + Math.floor(i / 100) % 28).padStart(2, '0')}${String(i % 100).padStart(6, '0')}_step_${i}`

function row(identity: string, over: Partial<MigrationResult> = {}): MigrationResult {
  return migrationResult(identity, { file: `${DIR}/${identity}.sql`, ...over })
}

/** `n` migrations history already holds. */
export function history(n: number): MigrationResult[] {
  return Array.from({ length: n }, (_v, i) => row(id(i), { status: 'already-applied', durationMs: undefined, appliedAt: '2026-02-27T08:00:00.000Z' }))
}

function base(n: number, over: Partial<RunReport>): RunReport {
  return runReport({
    target: 'db.acme.internal:5432/app',
    database: { kind: 'kept' },
    migrationsDir: DIR,
    convention: 'supabase',
    conventionNote: `auto: ${n + 1} files named YYYYMMDDhhmmss_name.sql`,
    historyTable: 'pgshift.schema_history',
    startedAt: '2026-03-02T10:15:00.000Z',
    durationMs: 2874,
    commit: SHA,
    runUrl: 'https://github.com/acme/app/actions/runs/4242',
    serverVersion: '17.4',
    ...over
  })
}

const NEW = '20260302100000_users_email_idx'

export function prCheck(n: number): RunReport {
  return base(n, {
    target: 'postgres:5432/postgres',
    database: { kind: 'ephemeral', reason: 'test-rollback runs on an ephemeral database' },
    migrations: [
      ...history(n),
      row(NEW, {
        durationMs: 38,
        statements: 1,
        locks: [
          { relation: 'public.users', mode: 'ShareLock', blocks: 'writes (INSERT, UPDATE, DELETE) until the index is built' },
          { relation: 'pgshift.schema_history', mode: 'RowExclusiveLock', blocks: 'nothing of the application' }
        ],
        statementTimings: [{ line: 1, label: 'CREATE INDEX', ms: 35 }]
      })
    ],
    applied: [NEW],
    lint: [
      {
        rule: 'require-concurrent-index',
        severity: 'warning',
        identity: NEW,
        file: `${DIR}/${NEW}.sql`,
        line: 1,
        col: 1,
        message: 'CREATE INDEX on the existing table public.users without CONCURRENTLY',
        why: 'SHARE lock on public.users: blocks INSERT, UPDATE and DELETE until the index is built.',
        fix: 'Use `CREATE INDEX CONCURRENTLY users_email_idx ON public.users (email);` in a file of its own with `-- pgshift:no-transaction`.'
      }
    ],
    schemaChanges: [{ object: 'index public.users_email_idx', change: 'added' }],
    schemaDiff: [{ title: 'up, down, up', differences: [] }],
    nextStep: 'Merge when reviewed: the deploy applies `20260302100000_users_email_idx` to production.'
  })
}

export function deploy(n: number): RunReport {
  return base(n, {
    migrations: [...history(n), row(NEW, { durationMs: 1840, statements: 1, runMode: 'statements', nonTransactionalReasons: ['CREATE INDEX CONCURRENTLY (line 1)'] })],
    applied: [NEW],
    backup: { level: 'schema', reason: 'auto: a kept database; set backup: full to include the data', dir: '_temp/pgshift-backup', file: '_temp/pgshift-backup/schema.sql', bytes: 48213, durationMs: 640, pgDump: 'pg_dump 17.4' },
    nextStep: 'A rerun applies nothing: all migrations are recorded in pgshift.schema_history.'
  })
}

export function rollbackPreview(n: number): RunReport {
  const a = '20260301120000_turbines_serial'
  const b = '20260302090000_turbine_readings'
  const hist = history(n)
  return base(n, {
    mode: 'rollback',
    preview: true,
    durationMs: 96,
    migrations: [
      ...hist,
      row(a, { status: 'previewed', durationMs: 14, downFile: `${DIR}/down/${a}.down.sql`, destroys: [{ what: 'column public.turbines.serial_no', rows: 2, line: 1 }] }),
      row(b, { status: 'previewed', durationMs: 21, downFile: `${DIR}/down/${b}.down.sql`, destroys: [{ what: 'table public.turbine_readings', rows: 18_250, line: 2 }] })
    ],
    rolledBack: [b, a],
    pending: [],
    nextStep: `Nothing was kept. The rollback would run 2 down scripts, newest first: ${b}, ${a}. They destroy 18,252 rows: the real rollback needs \`allow-data-loss: true\` (back the rows up first).`
  })
}

export function verifyDrift(n: number): RunReport {
  const drifted = id(Math.max(0, n - 3))
  const rows = history(n).map((m) => (m.identity === drifted ? { ...m, status: 'drifted' as const, note: 'file changed since it was applied' } : m))
  return base(n, {
    mode: 'verify',
    status: 'failed',
    durationMs: 1310,
    migrations: rows,
    plan: { pending: [], applied: [], drifted: [drifted], missing: [], outOfOrder: [], changedRepeatables: [], partial: [], refusals: [] },
    checks: [
      { subject: drifted, file: `${DIR}/${drifted}.sql`, ok: false, message: 'The file changed since it was applied (checksum differs from history).' },
      ...Array.from({ length: Math.min(n, 40) }, (_v, i) => ({ subject: id(i), file: `${DIR}/${id(i)}.sql`, ok: true, message: 'verify script passed' }))
    ],
    schemaDiff: [
      {
        title: 'files vs production',
        differences: [
          { object: 'table public.devices', change: 'added' as const },
          { object: 'column public.devices.id', change: 'added' as const },
          { object: 'column public.devices.serial', change: 'added' as const },
          { object: 'column public.users.email', change: 'changed' as const, detail: 'type: text -> character varying(320)' },
          { object: 'index public.users_email_idx', change: 'removed' as const }
        ]
      }
    ],
    nextStep: `Production differs from the files: restore \`${drifted}.sql\` as applied (\`git log -p -- ${DIR}/${drifted}.sql\`), or add a new migration for the change.`
  })
}

export const GOLDEN_REPORTS = { 'pr-check-1-over-1000': prCheck, 'deploy-1-over-1000': deploy, 'rollback-preview-data-loss': rollbackPreview, 'verify-drift': verifyDrift } as const

/** The markdown before the first `<details>`: what a reviewer sees without clicking. */
export function firstScreen(markdown: string): string {
  const i = markdown.indexOf('<details>')
  return i < 0 ? markdown : markdown.slice(0, i)
}
