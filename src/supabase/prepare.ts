// The Supabase step of a run, between reading history and the mode (engine/run.ts):
// 1. CREATE EXTENSION of an extension the server lacks is refused before anything
//    runs (every run), or stubbed (supabase-shim-extensions: stub);
// 2. with supabase-shim: true, the shim is planned, and run where the mode allows:
//    apply   commits it before the first migration, in its own transaction;
//    dry-run runs it inside the preview transaction, so it is rolled back with the rest;
//    plan    only says what it would create (plan is read-only);
//    verify  does not run it (verify is read-only), nor does rollback (the objects exist).
import type pg from 'pg'
import type { HistoryRow } from '../db/history.js'
import { plan as planRun } from '../engine/plan.js'
import type { Settings } from '../settings.js'
import { ensureParser } from '../source/parser.js'
import type { DiscoveryResult, ParsedScript } from '../source/types.js'
import { availableExtensions, checkExtensions, createdExtensions, extensionOf, missingExtensionsMessage, STUBBED_EXTENSIONS, stubExtensionStatements } from './extensions.js'
import type { ShimPlan } from './shim.js'

export interface SupabaseStep {
  refusal?: { message: string; next: string }
  /** The shim's plan, when supabase-shim is on (and there is something to plan). */
  shim?: ShimPlan
  /** The report's line about the shim. */
  line?: string
  /** apply: run this, committed, before the first migration. */
  commitSql?: string
  /** dry-run: run this first inside the preview transaction. */
  previewSql?: string
  /** Session SQL to restore after RESET ALL (the search_path the database default now has). */
  sessionSql?: string
}

const MODES_WITH_PENDING = ['plan', 'dry-run', 'apply']

export async function prepareSupabase(client: pg.Client, settings: Settings, found: DiscoveryResult, history: HistoryRow[], serverVersion: string): Promise<SupabaseStep> {
  const step: SupabaseStep = {}
  // The plan of every migration is read only where there is a pending set (a rollback or a
  // verify without the shim has none: at 1,000 applied files, ~20 ms of CPU not spent).
  const withPending = MODES_WITH_PENDING.includes(settings.mode)
  // Without the shim only the pending ups matter, and what runs is a subset of the files not
  // applied with their current checksum: when there are none (a deploy with nothing to do),
  // there is no plan to build here (the mode builds its own).
  if (!settings.supabaseShim && !mayRunAny(found, history)) return step
  const p = withPending || settings.supabaseShim ? planRun(found.migrations, history, settings) : undefined
  // The pending ups are parsed already (engine/parse-needed.ts); applied files are not.
  const pending: ParsedScript[] = withPending && p ? p.toRun.map((r) => r.migration.up) : []
  const uses = createdExtensions(pending)
  // Without the shim and without an extension statement to run there is nothing to do.
  if (!settings.supabaseShim && uses.length === 0) return step
  const extMode = settings.supabaseShim ? settings.supabaseShimExtensions : 'no-shim'
  // Stubbing blanks extension statements in every up and down (a later rollback runs the downs):
  // on the shim's ephemeral databases every file is parsed.
  let mentioned = new Set<string>()
  if (extMode === 'stub') {
    await ensureParser()
    const allScripts = found.migrations.flatMap((m) => [m.up, m.down].filter((x): x is ParsedScript => x !== undefined))
    mentioned = new Set(allScripts.flatMap((s) => s.statements.flatMap(extensionOf)))
  }

  // 1. Extensions.
  const available = uses.length || (extMode === 'stub' && mentioned.size) ? await availableExtensions(client) : new Set<string>()
  const check = checkExtensions(uses, available, extMode)
  if (check.missing.length) {
    step.refusal = missingExtensionsMessage(check.missing, extMode, serverVersion)
    return step
  }
  if (extMode === 'stub') {
    const lacking = new Set([...mentioned].filter((n) => n in STUBBED_EXTENSIONS && !available.has(n)))
    if (lacking.size) stubExtensionStatements(found.migrations, lacking)
  }
  if (!settings.supabaseShim) return step
  if (!MODES_WITH_PENDING.includes(settings.mode)) {
    // Nothing to plan against this database (it may well be the real Supabase). verify's
    // expected-database-url build is an apply, so the shim does run there.
    step.line = `not run: ${settings.mode} ${settings.mode === 'verify' ? 'is read-only' : 'works on objects that already exist'}`
    return step
  }

  // 2. The shim. It decides from the catalogs and from every migration file, applied ones
  // included: on a rerun, the auth.users an applied migration created is still the
  // migrations' own, and the shim must not build auth.identities on top of it.
  await ensureParser()
  // The shim's SQL and planner are loaded only by a run that has the shim on.
  const { inspectShim, planShim, SESSION_SEARCH_PATH_SQL, shimLine, shimScript } = await import('./shim.js')
  const shim = planShim(await inspectShim(client), [...(found.preludes ?? []), ...found.migrations].map((m) => m.up), check.stubbed)
  step.shim = shim
  if (shim.refusal) {
    step.refusal = shim.refusal
    return step
  }
  const session = shim.setsSearchPath ? SESSION_SEARCH_PATH_SQL : undefined
  switch (settings.mode) {
    case 'apply':
      // A refused plan (drift, missing files) changes nothing, the shim included.
      if (p?.summary.refusals.length) {
        step.line = 'not run: the run is refused'
        break
      }
      step.line = shimLine(shim, 'created')
      if (shim.statements.length) step.commitSql = shimScript(shim)
      step.sessionSql = session
      break
    case 'dry-run':
      step.line = shimLine(shim, 'created inside the preview (rolled back)')
      if (shim.statements.length) step.previewSql = `${shimScript(shim)}${session ? `\n${session};` : ''}`
      step.sessionSql = session
      break
    default:
      step.line = `${shimLine(shim, 'would create')} (plan is read-only: apply and dry-run run the shim)`
  }
  return step
}

/** True when some file is not in history as applied with its current checksum (only such a file can run). */
function mayRunAny(found: DiscoveryResult, history: HistoryRow[]): boolean {
  const applied = new Map(history.filter((r) => r.status === 'applied').map((r) => [r.identity, r.checksum]))
  return found.migrations.some((m) => applied.get(m.identity) !== m.checksum)
}
