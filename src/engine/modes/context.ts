// What every mode receives. The session (connections, lock, discovery) is set up
// once in engine/run.ts; a mode only decides what to run and fills the report.
import type pg from 'pg'
import type { ConnectionTarget } from '../../db/url.js'
import type { HistoryRow } from '../../db/history.js'
import type { RunLock } from '../../db/lock.js'
import type { Settings } from '../../settings.js'
import type { DiscoveryResult } from '../../source/types.js'
import type { RunReport } from '../report.js'
import type { PrSplit } from '../pr-split.js'
import type { SupabaseHistory } from '../supabase-history.js'
import type { RunContext, RunLogger } from '../run.js'

export interface ModeContext {
  settings: Settings
  run: RunContext
  log: RunLogger
  report: RunReport
  found: DiscoveryResult
  target: ConnectionTarget
  /** The migration connection. */
  client: pg.Client
  /** History as read at the start of the mode (under the lock, for modes that take it). */
  history: HistoryRow[]
  /** History's prelude rows (prelude-dirs), apart from `history`: no mode counts them as migrations. */
  preludeHistory: HistoryRow[]
  /** pgshift's history table held rows when read (under the lock): it exists, so nothing needs creating. */
  historyTableExists?: boolean
  /** The Supabase CLI's history, when it is kept (history input); `history` above already counts its versions. */
  supabase?: SupabaseHistory
  /** A new connection to the same target (e.g. for a second database or an observer); the caller ends it. */
  connect: (target?: ConnectionTarget) => Promise<pg.Client>
  isCancelled: () => boolean
  /** True when the lock connection broke: no further migration may start. */
  isLockLost: () => boolean
  /** The run lock as taken (locking modes): each migration checks, before its COMMIT, that it is still held. */
  runLock?: RunLock
  /** Extra session SQL re-run after each migration's RESET ALL (supabase-shim: the search_path it set on the database). */
  sessionSql?: string
  /** dry-run: SQL run first inside the preview transaction, rolled back with it (supabase-shim). */
  previewSetupSql?: string
  /** With a base (the PR check): the base's migrations (phase 1) and the PR's own (phase 2). */
  pr?: PrSplit
}

/** Modes that change the database (or could, like dry-run on a kept database) hold the run lock. */
export const LOCKING_MODES: readonly string[] = ['apply', 'dry-run', 'rollback']
