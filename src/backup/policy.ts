// Which backup a run takes. `backup: auto` (the default) takes a schema dump
// when apply or rollback changes a kept database, and none on an ephemeral one,
// where there is nothing to keep. An explicit off | schema | full always wins.
import { isIP } from 'node:net'
import type { ConnectionTarget } from '../db/url.js'
import type { Settings } from '../settings.js'

export type BackupLevel = 'off' | 'schema' | 'full'

export interface BackupDecision {
  level: BackupLevel
  reason: string
}

/** Loopback: localhost (and *.localhost), 127.0.0.0/8, ::1, or a Unix socket directory. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase()
  if (h.startsWith('/')) return true
  if (h === 'localhost' || h.endsWith('.localhost')) return true
  if (isIP(h) === 4) return h.startsWith('127.')
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1'
  return false
}

/**
 * Why a database is ephemeral, or undefined for a kept one:
 * - the run is apply with test-rollback (which exists for throwaway databases);
 * - the host is loopback (a Postgres started by the job itself);
 * - inside GitHub Actions, the host is a single-label name such as `postgres`: a
 *   service container, reached by its label. A real server has a dotted name or an IP.
 */
export function ephemeralReason(settings: Pick<Settings, 'testRollback'>, target: Pick<ConnectionTarget, 'host'>, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (settings.testRollback) return 'test-rollback runs on an ephemeral database'
  if (isLoopbackHost(target.host)) return `loopback host ${target.host} is an ephemeral database`
  if (env.GITHUB_ACTIONS === 'true' && isIP(target.host) === 0 && !target.host.includes('.')) {
    return `host ${target.host} is a service container of this job`
  }
  return undefined
}

/** The level for this run; modes that change nothing never back up. */
export function decideBackup(settings: Pick<Settings, 'backup' | 'mode' | 'dryRun' | 'testRollback'>, target: Pick<ConnectionTarget, 'host'>, env: NodeJS.ProcessEnv = process.env): BackupDecision {
  const changes = settings.mode === 'apply' || (settings.mode === 'rollback' && !settings.dryRun)
  if (!changes) return { level: 'off', reason: `${settings.mode}${settings.dryRun ? ' with dry-run' : ''} changes nothing` }
  if (settings.backup !== 'auto') return { level: settings.backup, reason: 'backup input' }
  const ephemeral = ephemeralReason(settings, target, env)
  if (ephemeral) return { level: 'off', reason: `auto: ${ephemeral}; set backup: schema or full to back it up anyway` }
  return { level: 'schema', reason: 'auto: a kept database; set backup: full to include the data' }
}
