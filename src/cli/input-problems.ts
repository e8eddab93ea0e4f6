// The CLI's input checks beyond the settings schema: a URL that cannot be parsed
// and a migrations directory that does not exist are bad input (exit 64), reported
// together with every other problem, before anything connects. The action reports
// the same cases in its run report instead (a summary and a comment).
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ConnectionError, parseDatabaseUrl } from '../db/url.js'
import { DEFAULT_DIRS, isEngineMode, type InputName, type Settings } from '../settings.js'

const INPUT_CODES = new Set(['empty-url', 'malformed-url'])

function urlProblem(input: string, raw: string): string | undefined {
  try {
    parseDatabaseUrl(raw)
    return undefined
  } catch (e) {
    if (e instanceof ConnectionError && INPUT_CODES.has(e.code)) return `${input}: ${e.message} ${e.next}`
    return undefined // the engine reports the rest (a transaction pooler, say) in its run report
  }
}

export function inputProblems(raw: Partial<Record<InputName, string>>, settings: Readonly<Settings> | undefined, cwd: string): string[] {
  const mode = settings?.mode ?? raw.mode ?? 'plan'
  if (!isEngineMode(mode) || settings?.fleetTarget || raw['fleet-target']) return [] // fleets: the targets file names the databases
  const problems: string[] = []
  const url = urlProblem('database-url', raw['database-url'] ?? '')
  if (url) problems.push(url)
  const expected = raw['expected-database-url'] ?? ''
  if (expected.trim() !== '') {
    const p = urlProblem('expected-database-url', expected)
    if (p) problems.push(p)
  }
  const dir = (raw['migrations-dir'] ?? '').trim()
  if (dir !== '' && !existsSync(resolve(cwd, dir))) {
    problems.push(`migrations-dir: '${dir}' does not exist (looked at ${resolve(cwd, dir)}); expected the directory that holds your .sql files, absolute or relative to the current directory`)
  } else if (dir === '' && !DEFAULT_DIRS.some((d) => existsSync(join(cwd, d)))) {
    problems.push(`migrations-dir: none of ${DEFAULT_DIRS.join(', ')} exists in ${cwd}; pass --migrations-dir DIR`)
  }
  return problems
}
