// Callback files (issue 9), named as Flyway names them. apply runs
// beforeMigrate.sql before its first migration, afterEachMigrate.sql after each
// one that applied, and afterMigrate.sql once all applied; rollback runs
// afterRollback.sql once all its downs ran. Each hook runs in its own
// transaction (statement by statement when it holds VACUUM and the like), writes
// no history row, and a failure fails the run at the hook's file:line.
import type { Hook } from '../../source/types.js'
import { executeHook, type ExecContext } from '../executor.js'
import type { ModeContext } from '../modes/context.js'
import type { MappedError } from '../report.js'

export function hookOf(ctx: ModeContext, name: Hook['name']): Hook | undefined {
  return ctx.found.hooks?.find((h) => h.name === name)
}

/** Runs hook `name` when the directory has it; the mapped error when it failed. */
export async function runHook(ctx: ModeContext, exec: ExecContext, name: Hook['name'], after?: string): Promise<MappedError | undefined> {
  const hook = hookOf(ctx, name)
  if (!hook) return undefined
  const file = hook.script.source.file
  const o = await ctx.log.group(`hook ${file}${after ? ` after ${after}` : ''}`, async () => {
    const r = await executeHook(exec, hook.script)
    ctx.log.info(`${r.ok ? 'ran' : 'FAILED'} in ${Math.round(r.durationMs)} ms`)
    return r
  })
  ;(ctx.report.hooks ??= []).push({ hook: name, file, status: o.ok ? 'ran' : 'failed', ...(after ? { after } : {}), durationMs: Math.round(o.durationMs), ...(o.error ? { error: o.error } : {}) })
  if (o.ok) return undefined
  const error = o.error ?? { message: `${file} failed`, next: '' }
  error.file ??= file
  return error
}

/** Marks the run failed by a hook; `kept` says what stays applied. */
export function failOnHook(ctx: ModeContext, error: MappedError, kept: string): void {
  const { report } = ctx
  const where = `${error.file}${error.position ? `:${error.position.line}` : ''}`
  error.next = `The hook ${where} failed and its own changes were rolled back. ${kept} Fix the hook and rerun.`
  report.status = 'failed'
  report.error = error
  report.nextStep = error.next
}
