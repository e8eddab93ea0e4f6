// Lints what a run would apply. "Existing" tables are the ones in the database
// before this run's migrations: only there does a lock or a rewrite hurt live
// traffic. With lint: error, an unsuppressed finding refuses the run before
// anything changes.
import type pg from 'pg'
import { lintMigrations } from '../../lint/index.js'
import type { Plan } from '../plan.js'
import type { ModeContext } from '../modes/context.js'

export async function existingTables(client: pg.Client): Promise<Set<string>> {
  const r = await client.query<{ t: string }>(
    `SELECT lower(n.nspname || '.' || c.relname) AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'`
  )
  return new Set(r.rows.map((x) => x.t))
}

export async function lintPending(ctx: ModeContext, p: Plan): Promise<void> {
  if (ctx.settings.lint === 'off') return
  // Everything not yet applied, including what a refusal holds back.
  const ids = new Set([...p.summary.pending, ...p.summary.outOfOrder, ...p.summary.changedRepeatables, ...p.summary.partial])
  const pending = ctx.found.migrations.filter((m) => ids.has(m.identity))
  if (!pending.length) return
  const findings = lintMigrations(pending, { existingTables: await existingTables(ctx.client) })
  ctx.report.lint = findings
  const open = findings.filter((f) => !f.suppressed)
  if (ctx.settings.lint === 'error' && open.length) {
    p.summary.refusals.push(
      `Lint found ${open.length} unsafe change${open.length === 1 ? '' : 's'} (lint: error): ${[...new Set(open.map((f) => `${f.rule} at ${f.file}:${f.line}`))].slice(0, 10).join(', ')}. Apply the safe rewrite shown for each, suppress one with \`-- pgshift-ignore <rule>: <reason>\`, or set lint: warn.`
    )
  }
}
