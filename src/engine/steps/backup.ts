// backup: the backup step of apply and rollback (issue 9): decide the level, find a
// pg_dump that can dump this server, dump before the first script runs, and
// record it in the report. A failed backup stops the run before anything
// changed, unless backup-required is false. Safety copies go to the same folder.
import { mkdirSync, mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { decideBackup } from '../../backup/policy.js'
import type { ParsedScript } from '../../source/types.js'
import type { ExecOutcome } from '../executor.js'
import type { ModeContext } from '../modes/context.js'

/** The folder for this run's backup: under backup-dir, else RUNNER_TEMP, else the OS temp directory. */
function backupFolder(ctx: ModeContext, env: NodeJS.ProcessEnv): string {
  const base = ctx.settings.backupDir ? resolve(ctx.settings.workspace, ctx.settings.backupDir) : env.RUNNER_TEMP || tmpdir()
  mkdirSync(base, { recursive: true })
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')
  // Backups hold the schema and maybe data: readable by this user only.
  return mkdtempSync(join(base, `pgshift-backup-${stamp}-`))
}

const kb = (bytes: number) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`)

/**
 * Takes the backup the settings ask for. Returns false when the run must stop
 * (the report then says why); true to go on, with or without a backup.
 */
export async function backupBeforeChanges(ctx: ModeContext, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const { report, settings, log } = ctx
  const decision = decideBackup(settings, ctx.target, env)
  report.backup = { level: decision.level, reason: decision.reason }
  if (decision.level === 'off') return true
  // pg_dump's runner is loaded only by a run that takes a backup.
  const { BackupError, findPgDump, runPgDump } = await import('../../backup/pg-dump.js')
  const started = performance.now()
  try {
    // The folder first: safety copies need no pg_dump, and still go there when backup-required is false.
    const dir = backupFolder(ctx, env)
    report.backup.dir = dir
    const r = await ctx.client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")
    const major = Math.floor(Number(r.rows[0]?.v) / 10000)
    const binary = await findPgDump(major, env)
    report.backup.pgDump = `pg_dump ${binary.version} (${binary.path})`
    const file = join(dir, decision.level === 'schema' ? 'schema.sql' : 'database.dump')
    log.info(`backup (${decision.level}) with pg_dump ${binary.version} to ${file}`)
    await runPgDump({ binary, target: ctx.target, level: decision.level, file, lockWaitMs: settings.lockWaitMs, env })
    report.backup.file = file
    report.backup.bytes = statSync(file).size
    report.backup.durationMs = Math.round(performance.now() - started)
    log.info(`backup done: ${kb(report.backup.bytes)} in ${report.backup.durationMs} ms`)
    return true
  } catch (e) {
    const err = e instanceof BackupError ? e : new BackupError(`the backup failed: ${(e as Error).message}`, 'Nothing was changed. Fix the cause above and rerun, or set backup-required: false.')
    report.backup.error = err.message
    report.backup.durationMs = Math.round(performance.now() - started)
    if (!settings.backupRequired) {
      const message = `The backup failed and backup-required is false, so the run went on without it: ${err.message}`
      report.warnings.push({ file: '', message })
      log.warn(message, { reported: true })
      return true
    }
    report.status = 'failed'
    report.error = { message: err.message, next: err.next }
    report.nextStep = err.next
    return false
  }
}

/**
 * Copies the rows `script` destroys into the backup folder (when there is one).
 * A failed copy is the script's failed outcome: the script must not run then.
 */
export async function safetyCopiesBefore(ctx: ModeContext, identity: string, script: ParsedScript, label: string): Promise<ExecOutcome | undefined> {
  const dir = ctx.report.backup?.dir
  if (!dir || ctx.report.backup?.level === 'off') return undefined
  try {
    const { takeSafetyCopies } = await import('../../backup/safety-copy.js')
    const copies = await takeSafetyCopies(ctx.client, dir, identity, script, label)
    for (const c of copies) ctx.log.info(`safety copy: ${c.rows} row${c.rows === 1 ? '' : 's'} of ${c.what} (${c.statement}) to ${c.file}`)
    if (copies.length) (ctx.report.safetyCopies ??= []).push(...copies)
    return undefined
  } catch (e) {
    const message = `the safety copy of the rows it destroys failed: ${(e as Error).message}`
    const next = 'Nothing of this script ran. Fix the cause (disk space, permissions on the backup folder) and rerun, or set backup: off.'
    return { ok: false, durationMs: 0, retries: 0, error: { file: script.source.file, message, next } }
  }
}
