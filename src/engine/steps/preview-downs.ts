// preview downs (rollback with dry-run): the range's down scripts, with the
// history deletes, inside one transaction that is always rolled back.
import type { Migration } from '../../source/types.js'
import { deleteHistorySql, type ExecContext } from '../executor.js'
import type { ModeContext } from '../modes/context.js'
import { previewInTransaction } from '../preview.js'
import { notePartialPreview } from './partial-preview.js'
import type { MigrationResult } from '../report.js'
import { thousands } from '../../report/thousands.js'

export async function previewDowns(ctx: ModeContext, exec: ExecContext, range: Migration[]): Promise<void> {
  const { report } = ctx
  const byIdentity = new Map(report.migrations.map((r) => [r.identity, r]))
  report.preview = true
  const items = range.map((m) => ({ migration: m, script: m.down as NonNullable<Migration['down']>, result: byIdentity.get(m.identity) as MigrationResult, recordSql: deleteHistorySql(exec, m.identity) }))
  const out = await previewInTransaction(ctx, items)
  notePartialPreview(ctx, items, out, 'down script')
  const stop = out.stoppedAt ? ` The preview stopped at the down script of ${out.stoppedAt.identity}, which cannot be previewed (${out.stoppedAt.notDryRunnable}).` : ''
  report.status = out.failed ? 'failed' : 'success'
  report.nextStep = out.failed
    ? `The down script of ${out.failed.identity} would fail: fix it before rolling back. Nothing was kept.`
    : `Nothing was kept. The rollback would run ${range.length} down script${range.length === 1 ? '' : 's'}, newest first: ${range.map((m) => m.identity).join(', ')}.${stop}${lossAdvice(report.migrations, ctx.settings.allowDataLoss)}`
}

/** What the downs destroy, and what the real rollback then needs. */
function lossAdvice(results: MigrationResult[], allowed: boolean): string {
  const rows = results.flatMap((r) => r.destroys ?? []).reduce((a, d) => a + d.rows, 0)
  if (!rows) return ''
  const n = `${thousands(rows)} row${rows === 1 ? '' : 's'}`
  return allowed
    ? ` They destroy ${n}; allow-data-loss is true, so the real rollback will run: back the rows up first.`
    : ` They destroy ${n}: the real rollback needs \`allow-data-loss: true\` (back the rows up first).`
}
