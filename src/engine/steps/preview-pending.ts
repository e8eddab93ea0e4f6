// preview pending (dry-run): the planned migrations and the hooks around them,
// inside one transaction that is always rolled back (../preview.ts). The Supabase
// lint runs inside it too, on the schema the preview built, before the rollback.
import { execContext } from '../exec-context.js'
import { recordAppliedSql } from '../executor.js'
import type { ModeContext } from '../modes/context.js'
import type { Plan } from '../plan.js'
import { previewInTransaction, type PreviewItem, type PreviewOutcome } from '../preview.js'
import type { MigrationResult } from '../report.js'
import { advancedSequences, sequenceValues } from '../../db/sequences.js'
import { hookOf } from './run-hooks.js'
import { runSupabaseLint, type SupabaseLintState } from './supabase-lint.js'

/** What a preview of `p` would run: each pending up script with the history write apply commits with it. */
export function previewItems(ctx: ModeContext, p: Plan): PreviewItem[] {
  const byIdentity = new Map(ctx.report.migrations.map((r) => [r.identity, r]))
  const exec = execContext(ctx)
  return p.toRun.map(({ migration: m }) => ({
    migration: m,
    script: m.up,
    result: byIdentity.get(m.identity) as MigrationResult,
    recordSql: recordAppliedSql(exec, m, {})
  }))
}

export async function previewPending(ctx: ModeContext, items: PreviewItem[], sbLint: SupabaseLintState | undefined): Promise<PreviewOutcome> {
  const ran = new Set(items.map((i) => i.migration.up.source.file))
  const before = await sequenceValues(ctx.client)
  const out = await previewInTransaction(ctx, items, {
    before: hookOf(ctx, 'beforeMigrate'),
    afterEach: hookOf(ctx, 'afterEachMigrate'),
    after: hookOf(ctx, 'afterMigrate'),
    beforeRollback: sbLint ? () => runSupabaseLint(ctx, sbLint, ran) : undefined
  })
  await warnAdvancedSequences(ctx, before)
  return out
}

/** Everything else rolled back; sequences never do, and the report says which ones moved. */
async function warnAdvancedSequences(ctx: ModeContext, before: Map<string, string | null>): Promise<void> {
  const moved = advancedSequences(before, await sequenceValues(ctx.client).catch(() => new Map()))
  if (!moved.length) return
  const message = `the preview advanced ${moved.length === 1 ? 'a sequence' : `${moved.length} sequences`} and ${moved.length === 1 ? 'it stays' : 'they stay'} advanced (Postgres never rolls sequences back; nothing else was kept): ${moved.join(', ')}`
  ctx.report.warnings.push({ file: '', message })
  ctx.log.warn(message, { reported: true })
}
