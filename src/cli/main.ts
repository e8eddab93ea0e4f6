// The pgshift command: the same settings schema, engine and report as the action
// (loaded by ./index.ts, possibly in a relaunched process: see src/relaunch.ts).
import { progressText, runPgshift, type RunLogger } from '../engine/run.js'
import type { RunReport } from '../engine/report.js'
import { redact, redactDeep, registerDatabaseUrl } from '../report/redact.js'
import { renderText } from '../report/text.js'
import { parseSettings, SettingsError } from '../settings.js'
import { VERSION } from '../version.js'
import { parseCliArgs, UsageError, USAGE } from './args.js'

const err = (s: string) => process.stderr.write(`${redact(s)}\n`)

// A migration's group title starts a line that its progress completes, so a long
// deploy shows what runs now, and each migration ends as one line with its time.
// Info lines from inside the group (a safety copy) follow that line; a warning
// (a lock retry) cannot wait, so it breaks the line and the progress repeats the title.
let openLine: string | undefined
let held: string[] = []
const release = () => {
  for (const m of held) err(`  ${m}`)
  held = []
}
const endLine = () => {
  if (openLine !== undefined) process.stderr.write('\n')
  openLine = undefined
  release()
}

const logger: RunLogger = {
  info: (m) => {
    if (openLine !== undefined) held.push(m)
    else err(m)
  },
  warn: (m) => {
    if (openLine !== undefined) process.stderr.write('\n')
    openLine = undefined
    err(`warning: ${m}`)
  },
  group: async (title, fn) => {
    endLine()
    process.stderr.write(redact(title))
    openLine = title
    try {
      return await fn()
    } finally {
      endLine()
    }
  },
  progress: (p) => {
    const head = openLine === undefined ? `[${p.index}/${p.total}] ${p.title} ` : ' '
    process.stderr.write(`${redact(head + progressText(p))}\n`)
    openLine = undefined
    release()
  }
}

export const EXIT = { ok: 0, failed: 1, blocked: 2, usage: 64 } as const

async function main(): Promise<number> {
  let args
  try {
    args = parseCliArgs(process.argv.slice(2), process.env)
  } catch (e) {
    err(`pgshift: ${(e as Error).message}`)
    return EXIT.usage
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`)
    return EXIT.ok
  }
  if (args.version) {
    process.stdout.write(`pgshift ${VERSION}\n`)
    return EXIT.ok
  }
  registerDatabaseUrl(args.raw['database-url'] ?? '')
  registerDatabaseUrl(args.raw['expected-database-url'] ?? '')
  let settings
  try {
    settings = parseSettings(args.raw, process.cwd())
  } catch (e) {
    if (e instanceof SettingsError || e instanceof UsageError) {
      err(`pgshift: ${e.message}`)
      return EXIT.usage
    }
    throw e
  }
  const ac = new AbortController()
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => ac.abort())
  if (settings.mode === 'fleet-plan' || settings.mode === 'fleet-report' || settings.fleetTarget) {
    // Fleets (docs/fleet.md): loaded only when used.
    const { runFleetCli } = await import('./fleet.js')
    return runFleetCli(settings, { logger, signal: ac.signal }, args.json)
  }
  const report = redactDeep(await runPgshift(settings, { logger, signal: ac.signal })) as RunReport
  process.stdout.write(redact(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report, { color: process.stdout.isTTY })))
  return report.status === 'failed' ? EXIT.failed : report.status === 'blocked' ? EXIT.blocked : EXIT.ok
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (e) => {
    err(`pgshift: unexpected error: ${e instanceof Error ? e.message : String(e)}`)
    process.exitCode = EXIT.failed
  }
)
