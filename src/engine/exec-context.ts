// The executor's view of a mode's session: connection, timeouts, history schema,
// the Supabase CLI's history and the retry log line. Every step that runs a
// script (apply, down, hook) builds it from the ModeContext here.
import { sessionSettingsSql } from '../db/connect.js'
import type { ExecContext } from './executor.js'
import type { ModeContext } from './modes/context.js'

export function execContext(ctx: ModeContext): ExecContext {
  const { settings, log } = ctx
  return {
    client: ctx.client,
    historySchema: settings.historySchema,
    lockTimeoutMs: settings.lockTimeoutMs,
    lockRetries: settings.lockRetries,
    statementTimeoutMs: settings.statementTimeoutMs,
    sessionSql: [sessionSettingsSql(ctx.client), ctx.sessionSql].filter(Boolean).join(';'),
    meta: ctx.run.meta ?? {},
    supabase: ctx.supabase
      ? { entries: ctx.supabase.entries, columns: ctx.supabase.columns, tableExists: ctx.supabase.tableExists, adopted: new Set(ctx.supabase.adopted.map((m) => m.identity)) }
      : undefined,
    isCancelled: ctx.isCancelled,
    runLock: ctx.runLock,
    onRetry: (attempt, delay, reason) => log.warn(`lock timeout (${reason}); retry ${attempt} of ${settings.lockRetries} in ${(delay / 1000).toFixed(1)}s`)
  }
}
