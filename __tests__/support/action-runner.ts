// Runs the bundled action as GitHub does: `node dist/index.js` on Node 24 (the
// `node` devDependency ships the real binary), inputs as INPUT_* variables, and
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_EVENT_PATH files.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const NODE24 = join(ROOT, 'node_modules/node/bin/node')
export const ACTION = join(ROOT, 'dist/index.js')

export interface ActionRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** `::error file=...,line=...::message` lines, parsed. */
  annotations: { level: string; props: Record<string, string>; message: string }[]
}

export interface ActionOptions {
  inputs: Record<string, string>
  workspace: string
  eventName?: string
  event?: unknown
  env?: Record<string, string>
  /** Called with the child once it started (to signal it, e.g.). */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void
  timeoutMs?: number
}

/** Parses GITHUB_OUTPUT's `name<<delimiter\nvalue\ndelimiter` blocks. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm
  for (const m of text.matchAll(re)) out[m[1] as string] = m[3] as string
  return out
}

export function parseAnnotations(stdout: string): ActionRun['annotations'] {
  const out: ActionRun['annotations'] = []
  for (const line of stdout.split('\n')) {
    const m = /^::(error|warning|notice)( [^:]*)?::(.*)$/.exec(line)
    if (!m) continue
    const props: Record<string, string> = {}
    for (const kv of (m[2] ?? '').trim().split(',').filter(Boolean)) {
      const i = kv.indexOf('=')
      props[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1).replace(/%2C/g, ','))
    }
    out.push({ level: m[1] as string, props, message: (m[3] ?? '').replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%') })
  }
  return out
}

export async function runAction(opts: ActionOptions): Promise<ActionRun> {
  if (!existsSync(ACTION)) throw new Error('dist/index.js is missing: run `npm run bundle`')
  const dir = mkdtempSync(join(tmpdir(), 'pgshift-e2e-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  const eventFile = join(dir, 'event.json')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  writeFileSync(eventFile, JSON.stringify(opts.event ?? {}))
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: opts.workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_EVENT_NAME: opts.eventName ?? 'push',
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_RUN_ID: '4242',
    GITHUB_ACTOR: 'octocat',
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_TEMP: dir,
    ...opts.env
  }
  for (const [k, v] of Object.entries(opts.inputs)) env[`INPUT_${k.toUpperCase()}`] = v
  const child = spawn(NODE24, [ACTION], { cwd: opts.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] })
  opts.onSpawn?.(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on('close', (c, s) => res([c, s])))
  clearTimeout(timer)
  return {
    code,
    signal,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    annotations: parseAnnotations(stdout)
  }
}
