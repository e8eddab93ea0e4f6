// The only reader of action inputs. Values are handed to the shared zod schema
// (src/settings.ts) untouched, so the action and the CLI validate alike.
import * as core from './workflow-commands.js'
import { readFileSync } from 'node:fs'
import { ACTION_INPUT_NAMES, type InputName } from '../settings.js'

export function readRawInputs(getInput: (name: string) => string = core.getInput): Partial<Record<InputName, string>> {
  const raw: Partial<Record<InputName, string>> = {}
  for (const name of ACTION_INPUT_NAMES) raw[name] = getInput(name)
  return raw
}

/**
 * Run metadata for history rows and the report, from the runner's environment.
 * On a pull request the commit is the PR head (`headSha`): GITHUB_SHA is then a
 * temporary merge commit that no reviewer can find.
 */
export function runMeta(env: NodeJS.ProcessEnv = process.env, headSha?: string): { actor?: string; runUrl?: string; commitSha?: string } {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com'
  const runUrl = env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined
  return { actor: env.GITHUB_ACTOR || undefined, runUrl, commitSha: headSha || env.GITHUB_SHA || undefined }
}

/** The event payload (GITHUB_EVENT_PATH); an empty object when there is none or it is unreadable. */
export function readEventPayload(path: string | undefined = process.env.GITHUB_EVENT_PATH): unknown {
  if (!path) return {}
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown
  } catch {
    return {}
  }
}
