// Issue 19 item 3: no table wider than GitHub's 780 px comment column. Each
// report is rendered as GitHub renders a comment (GFM, its comment column, its
// default font at 14 px, every <details> open) in a real headless Chromium, and
// every table's width is measured in the page. One browser serves all pages.
// The PNGs go to test-artifacts/render/ (git-ignored; CI uploads them).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { RunReport } from '../../src/engine/report.js'
import { commentBody } from '../../src/action/comment-body.js'
import { Browser, findChromium } from '../support/browser.js'
import { COLUMN_PX, gfmPage, MEASURE, type PageWidths } from '../support/gfm-page.js'
import { deploy, GOLDEN_REPORTS, LINK_BASE, prCheck } from '../support/golden-reports.js'
import { migrationResult } from '../support/reports.js'
import type { FleetLeg } from '../../src/fleet/leg.js'
import { renderFleetMarkdown } from '../../src/fleet/markdown.js'
import { mergeFleet } from '../../src/fleet/report.js'
import type { TargetSummary } from '../../src/fleet/summary.js'
import type { Fleet } from '../../src/fleet/targets.js'

const GOLDEN_DIR = fileURLToPath(new URL('../fixtures/golden/', import.meta.url))
const OUT = fileURLToPath(new URL('../../test-artifacts/render/', import.meta.url))
const RUN_PAGE = 'https://github.com/acme/app/actions/runs/4242'
const comment = (r: RunReport) => commentBody(r, { key: 'Migrations/check', linkBase: LINK_BASE, runPage: RUN_PAGE })

/** A PR check with what the goldens leave out: Supabase lint, two lint findings, statement timings with a twin note. */
function lintAndTimings(): RunReport {
  const r = prCheck(1000)
  const mig = r.migrations[r.migrations.length - 1]
  const file = mig?.file ?? ''
  if (mig) {
    mig.statementTimings = [
      { line: 1, label: 'CREATE TABLE', ms: 4 },
      { line: 14, label: 'CREATE INDEX CONCURRENTLY', ms: 1840, twin: 'ran as CREATE INDEX (without CONCURRENTLY): CONCURRENTLY cannot run inside the dry-run transaction' },
      { line: 22, label: 'ALTER TABLE … ADD CONSTRAINT … NOT VALID', ms: 2 }
    ]
  }
  const sb = (rule: string, object: string, message: string, line?: number) => ({ rule, supabaseLint: '', url: `https://supabase.com/docs/guides/database/database-linter?lint=${rule}`, object, message, file: line ? file : undefined, line, level: 'warning' as const })
  return {
    ...r,
    lint: [
      ...(r.lint ?? []),
      { rule: 'adding-not-nullable-field', severity: 'error', identity: mig?.identity ?? '', file, line: 22, col: 1, message: 'ALTER TABLE public.users ADD COLUMN email_verified_at timestamptz NOT NULL without a default on an existing table', why: 'Fails on a table with rows; with a volatile default it rewrites the table under an ACCESS EXCLUSIVE lock.', fix: 'Add the column as nullable, backfill in batches, then `ALTER TABLE public.users ALTER COLUMN email_verified_at SET NOT NULL` after a `CHECK (email_verified_at IS NOT NULL) NOT VALID` constraint is validated.' }
    ],
    supabaseLint: [
      sb('supabase/rls-disabled-in-public', 'table public.organization_membership_invitations', 'Table public.organization_membership_invitations is public but RLS is not enabled: anyone with the anon key can read and write every row.', 3),
      sb('supabase/function-search-path-mutable', 'function public.handle_new_user_with_default_organization()', 'Function public.handle_new_user_with_default_organization() has a role-mutable search_path.'),
      sb('supabase/security-definer-view', 'view public.organization_members_with_emails_and_roles', 'View public.organization_members_with_emails_and_roles is SECURITY DEFINER: it bypasses the RLS of the querying user.', 40)
    ]
  }
}

/** A failed deploy of migrations with long (real-world length) names. */
function longNames(): RunReport {
  const r = deploy(1000)
  const names = ['20260302100000_backfill_organization_membership_invitations_expiry', '20260302100500_create_index_concurrently_on_organization_membership_invitations_email']
  const last = r.migrations.length - 1
  const rows = names.map((identity, i) => migrationResult(identity, { file: `supabase/migrations/${identity}.sql`, status: i ? 'failed' : 'applied', durationMs: 1840 + i }))
  return { ...r, status: 'failed', migrations: [...r.migrations.slice(0, last), ...rows], applied: [names[0] as string] }
}

/** A fleet report (its job summary and sticky comment): tenant databases at three versions, a failure, drift, targets not run. */
function fleet(): string {
  const HEAD = '20260302100000_users_email_idx'
  const BEHIND = '20260301120000_turbines_serial'
  const names = ['tenant-eu-west-1-acme-prod', 'tenant-eu-west-1-globex-prod', 'tenant-us-east-2-initech-prod', 'tenant-us-east-2-umbrella-prod', 'tenant-ap-southeast-1-hooli-prod', 'tenant-ap-southeast-1-stark-prod']
  const targets: Fleet = { file: 'pgshift.targets.yml', targets: names.map((name, i) => ({ name, secret: 'DB', wave: i < 2 ? 0 : 1, labels: {} })) }
  const summary = (over: Partial<TargetSummary>): TargetSummary => ({ status: 'success', at: HEAD, head: HEAD, behind: 0, applied: [HEAD], drifted: [], durationMs: 1840, ...over })
  const leg = (i: number, over: Partial<TargetSummary>): FleetLeg => {
    const t = targets.targets[i] as Fleet['targets'][number]
    const s = summary(over)
    return { pgshiftFleetLeg: 1, target: t.name, wave: t.wave, kind: 'database', labels: {}, mode: 'apply', status: s.status === 'not-run' ? 'failed' : s.status, startedAt: '2026-03-02T10:15:00.000Z', durationMs: 2874, results: [{ name: t.name, summary: s }] }
  }
  const legs = [
    leg(0, {}),
    leg(1, { status: 'failed', at: BEHIND, behind: 1, applied: [], firstError: `supabase/migrations/${HEAD}.sql:1:1 55P03 canceling statement due to lock timeout (lock_timeout 5s on public.users, held by pid 4242: autovacuum)` }),
    leg(2, { drifted: ['20260215080000_orders_status_check', '20260220093000_invoices_due_date', '20260225101500_payments_idempotency_key', '20260226110000_refunds'] }),
    leg(3, { status: 'nothing-to-do', at: BEHIND, behind: 1, applied: [] })
  ]
  return renderFleetMarkdown(mergeFleet(targets, legs), { runPage: RUN_PAGE })
}

/** Every report a reviewer may see: issue 19's four goldens, the other golden files, and the lint/timings report. */
function pages(): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, build] of Object.entries(GOLDEN_REPORTS)) out[`issue19-${name}`] = comment(build(1000))
  for (const f of readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.md') && !f.startsWith('issue19-'))) out[f.slice(0, -3)] = readFileSync(GOLDEN_DIR + f, 'utf8')
  out['lint-and-timings'] = comment(lintAndTimings())
  out['long-names'] = comment(longNames())
  out.fleet = fleet()
  return out
}

/** A table no column can hold: the proof the measurement can fail. */
const WIDE = [
  '| Migration | Result | Time | Statements | Runs as | Locks | Down | Checksum |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  '| `20260302100000_users_email_idx` | ✅ applied | 38 ms | 1 | statements | `SHARE on public.users` | `down/20260302100000_users_email_idx.down.sql` | `9f86d081884c7d659a2feaa0c55ad015` |'
].join('\n')

const chromium = findChromium()
if (!chromium) {
  console.warn('SKIPPED the rendering tests: no chromium found (set CHROMIUM=/path/to/chrome, or run `bash .ci/run`, which installs Debian\'s chromium).')
}
const describeIf = chromium ? describe : describe.skip

describeIf(`rendered at GitHub's ${COLUMN_PX} px comment column (${chromium ?? 'no chromium'})`, () => {
  const measured: Record<string, PageWidths> = {}
  const docs = { ...pages(), 'synthetic-wide-table': WIDE }

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true })
    mkdirSync(OUT, { recursive: true })
    const started = Date.now()
    const browser = await Browser.launch(chromium as string, COLUMN_PX)
    try {
      for (const [name, markdown] of Object.entries(docs)) {
        const html = gfmPage(markdown, name)
        writeFileSync(`${OUT}${name}.html`, html)
        await browser.setContent(html)
        const w = await browser.evaluate<PageWidths>(MEASURE)
        measured[name] = w
        writeFileSync(`${OUT}${name}.png`, await browser.screenshot(COLUMN_PX, Math.min(w.height, 16_000)))
      }
    } finally {
      await browser.close()
    }
    const lines = Object.entries(measured).map(([name, w]) => `${name}: page ${w.page} px; tables ${w.tables.map((t) => `${t.scrollWidth} px (${t.header})`).join(', ') || 'none'}`)
    lines.push(`${Object.keys(docs).length} pages laid out, measured and captured in ${Date.now() - started} ms (one chromium)`)
    writeFileSync(`${OUT}widths.txt`, `${lines.join('\n')}\n`)
  }, 60_000)

  test.each(Object.keys(pages()))('%s: no table overflows the column, nor does the page', (name) => {
    const w = measured[name] as PageWidths
    const over = w.tables.filter((t) => t.scrollWidth > COLUMN_PX).map((t) => `${t.scrollWidth} px: ${t.header}`)
    expect(over).toEqual([])
    expect(w.page).toBeLessThanOrEqual(COLUMN_PX)
  })

  test('the measurement sees an overflow: a synthetic 8-column table is wider than the column', () => {
    const w = measured['synthetic-wide-table'] as PageWidths
    expect(w.tables).toHaveLength(1)
    expect(w.tables[0]?.clientWidth).toBeLessThanOrEqual(COLUMN_PX)
    expect(w.tables[0]?.scrollWidth).toBeGreaterThan(COLUMN_PX)
  })

  test('the pages were laid out: the goldens hold tables, and the PNGs are written', () => {
    expect(measured['issue19-deploy-1-over-1000']?.tables.length).toBeGreaterThan(0)
    expect(measured['lint-and-timings']?.tables.map((t) => t.header)).toEqual(expect.arrayContaining(['Line Statement Time Note']))
    for (const name of Object.keys(docs)) expect(readFileSync(`${OUT}${name}.png`).subarray(1, 4).toString()).toBe('PNG')
  })
})
