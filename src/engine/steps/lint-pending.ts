// Lints what a run would apply. "Existing" tables are the ones in the database
// before this run's migrations: only there does a lock or a rewrite hurt live
// traffic. With lint: error, an unsuppressed finding refuses the run before
// anything changes.
import { ephemeralReason } from '../../backup/policy.js'
import { readLintFacts } from '../../db/lint-facts.js'
import { factsWanted, lintMigrations } from '../../lint/index.js'
import type { Migration } from '../../source/types.js'
import type { Plan } from '../plan.js'
import type { ModeContext } from '../modes/context.js'

export async function lintPending(ctx: ModeContext, p: Plan): Promise<void> {
  if (ctx.settings.lint === 'off') return
  // Everything not yet applied, including what a refusal holds back.
  const ids = new Set([...p.summary.pending, ...p.summary.outOfOrder, ...p.summary.changedRepeatables, ...p.summary.partial])
  const pending = ctx.found.migrations.filter((m) => ids.has(m.identity))
  const refusal = await lintThese(ctx, pending)
  if (refusal) p.summary.refusals.push(refusal)
}

/**
 * Lints `migrations` against the database as it is now: the PR check calls this at
 * S0, after the base phase, so "existing" means the base's tables. With lint: error,
 * an unsuppressed finding returns the refusal.
 */
export async function lintThese(ctx: ModeContext, migrations: Migration[]): Promise<string | undefined> {
  if (ctx.settings.lint === 'off' || !migrations.length) return undefined
  // The catalog's facts (issue 16). Row estimates judge impact only where this database is
  // the one the migrations will change: an ephemeral one (a PR check's service container)
  // is empty whatever production holds, so there a table's rows stay unknown.
  const at = await readLintFacts(ctx.client, factsWanted(migrations), { rows: !ephemeralReason(ctx.settings, ctx.target) })
  const findings = lintMigrations(migrations, at)
  ctx.report.lint = findings
  const open = findings.filter((f) => !f.suppressed)
  if (ctx.settings.lint === 'error' && open.length) {
    return `Lint found ${open.length} unsafe change${open.length === 1 ? '' : 's'} (lint: error): ${[...new Set(open.map((f) => `${f.rule} at ${f.file}:${f.line}`))].slice(0, 10).join(', ')}. Apply the safe rewrite shown for each, suppress one with \`-- pgshift-ignore <rule>: <reason>\`, or set lint: warn.`
  }
  return undefined
}
