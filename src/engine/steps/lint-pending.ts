// Lints what a run would apply. "Existing" tables are the ones in the database
// before this run's migrations: only there does a lock or a rewrite hurt live
// traffic. With lint: error, an unsuppressed finding refuses the run before
// anything changes.
import { ephemeralReason } from '../../backup/policy.js'
import { readLintFacts } from '../../db/lint-facts.js'
import { factsWanted, lintInSteps, lintMigrations, type LintSteps } from '../../lint/index.js'
import type { Migration } from '../../source/types.js'
import type { Plan } from '../plan.js'
import type { ModeContext } from '../modes/context.js'

export async function lintPending(ctx: ModeContext, p: Plan): Promise<void> {
  if (ctx.settings.lint === 'off') return
  const refusal = await lintThese(ctx, pendingOf(ctx, p))
  if (refusal) p.summary.refusals.push(refusal)
}

/** Everything not yet applied, including what a refusal holds back. */
function pendingOf(ctx: ModeContext, p: Plan): Migration[] {
  const ids = new Set([...p.summary.pending, ...p.summary.outOfOrder, ...p.summary.changedRepeatables, ...p.summary.partial])
  return ctx.found.migrations.filter((m) => ids.has(m.identity))
}

/** The lint of an apply with lint: warn, done while the server runs the migrations. */
export interface LintAlongside {
  /** Lints the next file; called once a migration's message is on its way to the server. */
  step(): void
  /** Lints what is left and puts every finding in the report. */
  finish(): void
}

/**
 * With lint: warn, findings never change what runs, so an apply reads the catalog's
 * facts now (before any migration changes it) and lints each file while the server
 * runs one (ExecContext.whileWaiting): on 2 cores the lint's CPU, re-parsing released
 * trees included, overlaps the server's work instead of adding to it (issue 17). With
 * lint: error it runs before anything, as lintPending does, and returns undefined.
 */
export async function lintAlongside(ctx: ModeContext, p: Plan): Promise<LintAlongside | undefined> {
  if (ctx.settings.lint !== 'warn') {
    await lintPending(ctx, p)
    return undefined
  }
  const pending = pendingOf(ctx, p)
  if (!pending.length) return undefined
  const at = await readLintFacts(ctx.client, factsWanted(pending), { rows: !ephemeralReason(ctx.settings, ctx.target) })
  const steps: LintSteps = lintInSteps(pending, at)
  let failure: unknown
  return {
    step: () => {
      if (failure === undefined) {
        try {
          steps.step()
        } catch (error) {
          failure = error ?? new Error('lint failed')
        }
      }
    },
    finish: () => {
      if (failure !== undefined) throw failure
      ctx.report.lint = steps.finish()
    }
  }
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
