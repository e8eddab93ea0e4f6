// The only reader of action inputs. Values are handed to the shared zod schema
// (src/settings.ts) untouched, so the action and the CLI validate alike.
import * as core from '@actions/core'
import { INPUT_NAMES, type InputName } from '../settings.js'

export function readRawInputs(getInput: (name: string) => string = core.getInput): Partial<Record<InputName, string>> {
  const raw: Partial<Record<InputName, string>> = {}
  for (const name of INPUT_NAMES) raw[name] = getInput(name)
  return raw
}

/** Run metadata for history rows and the report, from the runner's environment. */
export function runMeta(env: NodeJS.ProcessEnv = process.env): { actor?: string; runUrl?: string; commitSha?: string } {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com'
  const runUrl = env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined
  return { actor: env.GITHUB_ACTOR || undefined, runUrl, commitSha: env.GITHUB_SHA || undefined }
}
