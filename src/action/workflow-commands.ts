// The runner's workflow commands, written the way @actions/core 3 writes them:
// `::name key=value,...::message` lines on stdout and the GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files
// (https://docs.github.com/actions/reference/workflow-commands-for-github-actions).
// Why not @actions/core itself: its entry module imports its OIDC client, which
// imports @actions/http-client and undici at load time, on every run. Bundled,
// that is 0.17 s of CPU for a run that makes no HTTP request (docs/BENCHMARKS.md,
// issue 17), and its package exports offer no entry without it. The escaping
// rules below are core's, byte for byte (__tests__/unit/workflow-commands.test.ts
// writes every command through both and compares): data escapes %, CR and LF;
// properties also `:` and `,`, so no untrusted text can end a command early or
// start one of its own.
import { randomUUID } from 'node:crypto'
import { accessSync, appendFileSync, constants, existsSync } from 'node:fs'
import { appendFile } from 'node:fs/promises'
import { EOL } from 'node:os'

/** Where an annotation points, as core's AnnotationProperties. */
export interface AnnotationProperties {
  title?: string
  file?: string
  startLine?: number
  endLine?: number
  startColumn?: number
  endColumn?: number
}

type CommandValue = string | number | boolean | undefined | null | object

/** core's toCommandValue: strings as they are, everything else as JSON, nothing as ''. */
function commandValue(input: CommandValue): string {
  if (input === null || input === undefined) return ''
  if (typeof input === 'string' || input instanceof String) return String(input)
  return JSON.stringify(input)
}

const escapeData = (s: CommandValue) => commandValue(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
const escapeProperty = (s: CommandValue) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')

/** One command line on stdout; properties with an empty value are left out, as core does. */
export function issueCommand(command: string, properties: Record<string, CommandValue>, message: CommandValue): void {
  let line = `::${command || 'missing.command'}`
  const set = Object.entries(properties).filter(([, v]) => v)
  if (Object.keys(properties).length > 0) line += ' ' + set.map(([k, v]) => `${k}=${escapeProperty(v)}`).join(',')
  process.stdout.write(`${line}::${escapeData(message)}${EOL}`)
}

function annotationProperties(p: AnnotationProperties): Record<string, CommandValue> {
  if (!Object.keys(p).length) return {}
  return { title: p.title, file: p.file, line: p.startLine, endLine: p.endLine, col: p.startColumn, endColumn: p.endColumn }
}

const text = (m: string | Error) => (m instanceof Error ? m.toString() : m)

export const info = (message: string): void => void process.stdout.write(message + EOL)
export const error = (message: string | Error, properties: AnnotationProperties = {}): void => issueCommand('error', annotationProperties(properties), text(message))
export const warning = (message: string | Error, properties: AnnotationProperties = {}): void => issueCommand('warning', annotationProperties(properties), text(message))
export const notice = (message: string | Error, properties: AnnotationProperties = {}): void => issueCommand('notice', annotationProperties(properties), text(message))
/** Masks the value in the job log from here on. */
export const setSecret = (secret: string): void => issueCommand('add-mask', {}, secret)

/** An error annotation, and the step fails when the process exits. */
export function setFailed(message: string | Error): void {
  process.exitCode = 1
  error(message)
}

/** Everything `fn` logs, folded under `name` in the job log. */
export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  issueCommand('group', {}, name)
  try {
    return await fn()
  } finally {
    issueCommand('endgroup', {}, '')
  }
}

/** An input (`with:`), trimmed; '' when not set. */
export const getInput = (name: string): string => (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '').trim()

/** A step output: in the GITHUB_OUTPUT file (a random heredoc delimiter), or the old stdout command. */
export function setOutput(name: string, value: CommandValue): void {
  const path = process.env.GITHUB_OUTPUT || ''
  if (!path) {
    process.stdout.write(EOL)
    issueCommand('set-output', { name }, commandValue(value))
    return
  }
  const delimiter = `ghadelimiter_${randomUUID()}`
  const converted = commandValue(value)
  if (name.includes(delimiter)) throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`)
  if (converted.includes(delimiter)) throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`)
  if (!existsSync(path)) throw new Error(`Missing file at path: ${path}`)
  appendFileSync(path, `${name}<<${delimiter}${EOL}${converted}${EOL}${delimiter}${EOL}`, { encoding: 'utf8' })
}

/** Appends to the job summary (GITHUB_STEP_SUMMARY), as core's summary.addRaw(text).write() does. */
export async function appendSummary(markdown: string): Promise<void> {
  const path = process.env.GITHUB_STEP_SUMMARY
  if (!path) throw new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.')
  try {
    accessSync(path, constants.R_OK | constants.W_OK)
  } catch {
    throw new Error(`Unable to access summary file: '${path}'. Check if the file has correct read/write permissions.`)
  }
  await appendFile(path, markdown, { encoding: 'utf8' })
}
