// partial preview (dry-run, rollback with dry-run): when the preview stopped at a file
// that cannot run inside the rolled-back transaction, the run previewed only part of
// what apply would run. The report says how much ("previewed 12 of 54"), warns at the
// file where it stopped, and lists every migration it did not preview with why (the
// `not-previewed` output), so a green preview never stands for files it never ran.
import type { ModeContext } from '../modes/context.js'
import type { PreviewItem, PreviewOutcome } from '../preview.js'
import type { NotPreviewed } from '../report.js'
import { advice, type Advice } from '../../report/trusted.js'
import { thousands } from '../../report/thousands.js'

const plural = (n: number, one: string) => `${thousands(n)} ${n === 1 ? one : `${one}s`}`

export function notePartialPreview(ctx: ModeContext, items: PreviewItem[], out: PreviewOutcome, what = 'migration'): void {
  const stopped = out.stoppedAt
  if (!stopped) return
  const { report } = ctx
  const previewed = items.filter((i) => i.result.status === 'previewed').length
  const notPreviewed: NotPreviewed[] = items
    .filter((i) => i.result.status !== 'previewed')
    .map((i) => ({
      identity: i.migration.identity,
      file: i.script.source.file,
      reason: i.result === stopped ? `cannot be previewed: ${stopped.notDryRunnable ?? 'it cannot run inside the preview transaction'}` : `runs after ${stopped.identity}, where the preview stopped`
    }))
  report.partialPreview = { previewed, total: items.length, notPreviewed }
  const after = notPreviewed.length - 1
  const why = stopped.notDryRunnable ?? 'it cannot run inside the preview transaction'
  const message: Advice =
    advice`The preview stopped at ${stopped.identity} and previewed ${previewed} of ${items.length} ` +
    `${items.length === 1 ? what : `${what}s`}: ` +
    `${why}. ${after ? `It and the ${plural(after, what)} after it were` : 'It was'} not previewed, so nothing tested them; the \`not-previewed\` output lists them with why.`
  const file = items.find((i) => i.result === stopped)?.script.source.file ?? stopped.file
  report.warnings.push({ file, message, ...(out.stoppedPosition ? { position: out.stoppedPosition } : {}) })
  // No log line: the warning reaches the log once, as an annotation (action) or a `warning:` line (CLI).
}
