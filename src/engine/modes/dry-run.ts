// dry-run: everything apply would run, inside one transaction that is rolled
// back. Per-statement timings, the locks each migration takes, and the files
// that cannot be previewed, with the reason.
import type { PreviewItem, PreviewOutcome } from '../preview.js'
import { lintPending } from '../steps/lint-pending.js'
import { notePartialPreview } from '../steps/partial-preview.js'
import { notePreludePreview, planPreludeStep, preludePreviewItems } from '../steps/preludes.js'
import { blockOnRefusals, planPending } from '../steps/plan.js'
import { previewItems, previewPending } from '../steps/preview-pending.js'
import { prepareSupabaseLint, supabaseLintFailed } from '../steps/supabase-lint.js'
import type { ModeContext } from './context.js'
import { dryRunPrCheck } from './pr-check.js'

export async function dryRunMode(ctx: ModeContext): Promise<void> {
  const { report } = ctx
  // With a base (the PR check): both phases in the one rolled-back transaction.
  if (ctx.pr) return dryRunPrCheck(ctx)
  report.preview = true
  const p = planPending(ctx)
  const preludes = preludePreviewItems(ctx, planPreludeStep(ctx))
  await lintPending(ctx, p)
  if (blockOnRefusals(report, p)) return
  const items = previewItems(ctx, p)
  if (!items.length && !preludes.length) {
    report.status = 'nothing-to-do'
    report.nextStep = `Nothing to preview: all migrations are recorded in ${report.historyTable}.`
    return
  }
  ctx.log.info(`previewing ${preludes.length ? `${preludes.length} prelude${preludes.length === 1 ? '' : 's'} and ` : ''}${items.length} migration${items.length === 1 ? '' : 's'} inside one transaction that is rolled back`)
  const sbLint = await prepareSupabaseLint(ctx)
  // Preludes first, in the same transaction: the migrations see what they create.
  const out = await previewPending(ctx, [...preludes, ...items], sbLint)
  notePreludePreview(ctx, preludes)
  notePartialPreview(ctx, [...preludes, ...items], out)
  verdict(ctx, items, out)
}

function verdict(ctx: ModeContext, items: PreviewItem[], out: PreviewOutcome): void {
  const { report } = ctx
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
    const stop = out.stoppedAt ? ` ${out.stoppedAt.identity} cannot be previewed (${out.stoppedAt.notDryRunnable}); the preview stopped before it, so ${items.length - previewed.length} of them were not previewed.` : ''
    report.nextStep = `Nothing was kept. apply would run ${items.length} migration${items.length === 1 ? '' : 's'}; ${previewed.length} previewed cleanly.${stop}`
  }
}
