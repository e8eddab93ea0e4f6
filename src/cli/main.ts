// The pgshift command: the same settings schema, engine and report as the action
// (loaded by ./index.ts, possibly in a relaunched process: see src/relaunch.ts).
import { progressText, runPgshift, type RunLogger } from '../engine/run.js'
import type { RunReport } from '../engine/report.js'
import { redact, redactDeep, registerDatabaseUrl } from '../report/redact.js'
import { renderText } from '../report/text.js'
import { parseSettings, SettingsError, MODES } from '../settings.js'
import { VERSION } from '../version.js'
import { parseCliArgs, UsageError, USAGE } from './args.js'
import { isMode, modeHelp } from './help.js'
import { inputProblems } from './input-problems.js'

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
  // A long migration's "still running" line: it breaks the title's open line, and the progress repeats the title.
  heartbeat: (m) => {
    if (openLine !== undefined) process.stderr.write('\n')
    openLine = undefined
    err(`  ${m}`)
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
    const mode = args.helpMode
    if (mode !== undefined && !isMode(mode)) {
      err(`pgshift: help: '${mode}' is not a mode; expected one of ${MODES.join(' | ')}`)
      return EXIT.usage
    }
    process.stdout.write(`${mode ? modeHelp(mode) : USAGE}\n`)
    return EXIT.ok
  }
  if (args.version) {
    process.stdout.write(`pgshift ${VERSION}\n`)
    return EXIT.ok
  }
  registerDatabaseUrl(args.raw['database-url'] ?? '')
  registerDatabaseUrl(args.raw['expected-database-url'] ?? '')
  // Every input problem at once, then exit 64 (the settings schema's, the URL's, the directory's).
  let settings
  const problems: string[] = []
  try {
    settings = parseSettings(args.raw, process.cwd())
  } catch (e) {
    if (e instanceof SettingsError) problems.push(...e.problems)
    else if (e instanceof UsageError) problems.push(e.message)
    else throw e
  }
  problems.push(...inputProblems(args.raw, settings, process.cwd()))
  if (problems.length || !settings) {
    err(problems.length === 1 ? `pgshift: ${problems[0]}` : `pgshift: invalid input:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    err('Run pgshift help <mode> for its flags.')
    return EXIT.usage
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
