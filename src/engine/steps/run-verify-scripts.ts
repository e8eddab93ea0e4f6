// run verify scripts (verify, step 2): the verify script of every applied
// migration that has one, read-only (../verify-scripts.ts), one check each.
import type { Migration } from '../../source/types.js'
import type { ModeContext } from '../modes/context.js'
import type { MigrationResult, VerifyCheck } from '../report.js'
import { runVerifyScript } from '../verify-scripts.js'

/** statement_timeout for verify queries when statement-timeout is 0 (none): CI must not hang on one. */
export const DEFAULT_VERIFY_STATEMENT_TIMEOUT_MS = 60_000

/** Statuses of a file whose migration is recorded as applied: its verify script runs. */
const APPLIED: ReadonlySet<MigrationResult['status']> = new Set(['already-applied', 'drifted', 'changed'])

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`

/** Pushes each script's check onto `checks` and adds it to `scriptChecks`. */
export async function runVerifyScripts(ctx: ModeContext, checks: VerifyCheck[], scriptChecks: Set<VerifyCheck>): Promise<void> {
  const { report, settings, found, log } = ctx
  const byIdentity = new Map(found.migrations.map((m) => [m.identity, m]))
  const withScript = report.migrations.filter((r) => APPLIED.has(r.status) && byIdentity.get(r.identity)?.verify)
  const opts = {
    statementTimeoutMs: settings.statementTimeoutMs > 0 ? settings.statementTimeoutMs : DEFAULT_VERIFY_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: settings.lockTimeoutMs
  }
  for (const [k, r] of withScript.entries()) {
    if (ctx.isCancelled()) {
      checks.push({ subject: 'verify', ok: false, message: `cancelled before ${plural(withScript.length - k, 'verify script')} ran` })
      break
    }
    const m = byIdentity.get(r.identity) as Migration
    const started = performance.now()
    const c = await runVerifyScript(ctx.client, m, m.verify!, opts)
    checks.push(c)
    scriptChecks.add(c)
    const line = `[${k + 1}/${withScript.length}] ${m.identity}: ${c.ok ? 'ok' : 'FAILED'} in ${Math.round(performance.now() - started)} ms${c.ok ? '' : ` - ${c.message}`}`
    // A failure is annotated from the report (one ::error per finding): the log line says FAILED as text.
    log.info(line)
  }
  const applied = report.migrations.filter((r) => APPLIED.has(r.status)).length
  log.info(`verify scripts: ${withScript.length} of ${plural(applied, 'applied migration')} have one`)
}
