// dry-run: everything apply would run, inside one transaction that is rolled
// back. Per-statement timings, the locks each migration takes, and the files
// that cannot be previewed, with the reason.
import { recordAppliedSql } from '../executor.js'
import { blockOnRefusals, fillFromPlan } from '../plan-report.js'
import { lintPending } from '../lint-pending.js'
import { plan } from '../plan.js'
import { previewInTransaction, type PreviewItem } from '../preview.js'
import type { MigrationResult } from '../report.js'
import { execContext } from './apply.js'
import { prepareSupabaseLint, runSupabaseLint, supabaseLintFailed } from '../supabase-lint.js'
import { hookOf } from '../hooks.js'
import type { ModeContext } from './context.js'

export async function dryRunMode(ctx: ModeContext): Promise<void> {
  const { report, settings } = ctx
  report.preview = true
  const p = plan(ctx.found.migrations, ctx.history, settings)
  fillFromPlan(report, p)
  await lintPending(ctx, p)
  if (blockOnRefusals(report, p)) return
  const byIdentity = new Map(report.migrations.map((r) => [r.identity, r]))
  const exec = execContext(ctx)
  const items: PreviewItem[] = p.toRun.map(({ migration: m }) => ({
    migration: m,
    script: m.up,
    result: byIdentity.get(m.identity) as MigrationResult,
    recordSql: recordAppliedSql(exec, m, {})
  }))
  if (!items.length) {
    report.status = 'nothing-to-do'
    report.nextStep = `Nothing to preview: all migrations are recorded in ${report.historyTable}.`
    return
  }
  ctx.log.info(`previewing ${items.length} migration${items.length === 1 ? '' : 's'} inside one transaction that is rolled back`)
  const sbLint = await prepareSupabaseLint(ctx)
  const ran = new Set(items.map((i) => i.migration.up.source.file))
  const out = await previewInTransaction(ctx, items, {
    before: hookOf(ctx, 'beforeMigrate'),
    afterEach: hookOf(ctx, 'afterEachMigrate'),
    after: hookOf(ctx, 'afterMigrate'),
    beforeRollback: sbLint ? () => runSupabaseLint(ctx, sbLint, ran) : undefined
  })
  const previewed = items.filter((i) => i.result.status === 'previewed').map((i) => i.migration.identity)
  if (out.hookFailed) {
    report.status = 'failed'
    report.error = out.hookFailed
    report.nextStep = out.hookFailed.next
  } else if (out.failed) {
    report.status = 'failed'
    report.nextStep = `${out.failed.identity} would fail: fix it before applying. Nothing was kept; ${previewed.length} migration${previewed.length === 1 ? '' : 's'} before it previewed cleanly.`
  } else if (supabaseLintFailed(ctx)) {
    // The Supabase lint failed the preview (lint: error); its next step stands.
  } else {
    report.status = 'success'
    const stop = out.stoppedAt ? ` ${out.stoppedAt.identity} cannot be previewed (${out.stoppedAt.notDryRunnable}); the preview stopped before it.` : ''
    report.nextStep = `Nothing was kept. apply would run ${items.length} migration${items.length === 1 ? '' : 's'}; ${previewed.length} previewed cleanly.${stop}`
  }
}
