// src/action/workflow-commands.ts writes what @actions/core 3 writes, byte for byte:
// every command, for strings built to break the format (command starts, percent
// signs, CR/LF, `:` and `,` in properties, empty and missing values), is written
// through both and the stdout and files compared. Only the heredoc delimiter of an
// output differs (core draws a random UUID, so do we).
import * as core from '@actions/core'
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ours from '../../src/action/workflow-commands.js'

const TRICKY = [
  '',
  'plain',
  '::error::injected',
  'line one\nline two\r\n::warning file=x::third',
  '100% done %25 %0A',
  'a:b,c=d',
  '"quoted", \'single\', `tick`',
  'tab\there, unicode é ☃ 𝄞, zero\u0000width',
  '##[group]old style\n::endgroup::',
  'trailing newline\n'
]

const PROPS: core.AnnotationProperties[] = [
  {},
  { title: 'pgshift' },
  { title: 'a:b,c', file: 'db/migrations/001_a,b:c.sql', startLine: 3, startColumn: 7 },
  { file: 'x.sql', startLine: 0, startColumn: 0 },
  { title: '', file: undefined, startLine: undefined },
  { title: 't\nu\r%', file: 'dir with space/ü.sql', startLine: 12, endLine: 14, startColumn: 1, endColumn: 9 }
]

let dir: string
const saved = { ...process.env }
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgshift-wfc-'))
})
afterEach(() => {
  process.env = { ...saved }
  process.exitCode = undefined
  rmSync(dir, { recursive: true, force: true })
})

/** What `fn` writes to stdout. */
async function stdoutOf(fn: () => unknown): Promise<string> {
  const chunks: string[] = []
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((c: string | Uint8Array) => {
    chunks.push(String(c))
    return true
  }) as typeof process.stdout.write
  try {
    await fn()
  } finally {
    process.stdout.write = write
  }
  return chunks.join('')
}

const same = async (theirs: () => unknown, mine: () => unknown) => expect(await stdoutOf(mine)).toBe(await stdoutOf(theirs))

describe('workflow commands, byte for byte as @actions/core 3 writes them', () => {
  test('info, setSecret, setFailed, group', async () => {
    for (const s of TRICKY) {
      await same(
        () => core.info(s),
        () => ours.info(s)
      )
      await same(
        () => core.setSecret(s),
        () => ours.setSecret(s)
      )
      await same(
        () => core.setFailed(s),
        () => ours.setFailed(s)
      )
      await same(
        () => core.group(s, async () => core.info('inside')),
        () => ours.group(s, async () => ours.info('inside'))
      )
    }
    expect(process.exitCode).toBe(1)
  })

  test('error, warning and notice annotations with every kind of property', async () => {
    for (const s of TRICKY) {
      for (const p of PROPS) {
        await same(
          () => core.error(s, p),
          () => ours.error(s, p)
        )
        await same(
          () => core.warning(s, p),
          () => ours.warning(s, p)
        )
        await same(
          () => core.notice(s, p),
          () => ours.notice(s, p)
        )
      }
      await same(
        () => core.error(new Error(s)),
        () => ours.error(new Error(s))
      )
    }
  })

  test('getInput reads INPUT_ variables the same way (spaces to _, upper case, trimmed)', () => {
    process.env['INPUT_DATABASE-URL'] = '  postgres://x  \n'
    process.env.INPUT_MY_INPUT = ' v '
    for (const name of ['database-url', 'my input', 'missing']) expect(ours.getInput(name)).toBe(core.getInput(name))
  })

  test('setOutput: the same GITHUB_OUTPUT records, and the same stdout command without the file', async () => {
    const theirs = join(dir, 'theirs')
    const mine = join(dir, 'mine')
    writeFileSync(theirs, '')
    writeFileSync(mine, '')
    const values = [...TRICKY, '["a","b"]']
    for (const v of values) {
      process.env.GITHUB_OUTPUT = theirs
      core.setOutput('status', v)
      process.env.GITHUB_OUTPUT = mine
      ours.setOutput('status', v)
    }
    const norm = (f: string) => readFileSync(f, 'utf8').replace(/ghadelimiter_[0-9a-f-]{36}/g, 'ghadelimiter_X')
    expect(norm(mine)).toBe(norm(theirs))
    expect(norm(mine)).toContain('status<<ghadelimiter_X\n::error::injected\nghadelimiter_X\n')

    delete process.env.GITHUB_OUTPUT
    for (const v of values) {
      await same(
        () => core.setOutput('a:b', v),
        () => ours.setOutput('a:b', v)
      )
    }
    process.env.GITHUB_OUTPUT = join(dir, 'missing')
    expect(() => ours.setOutput('x', 'y')).toThrow(`Missing file at path: ${join(dir, 'missing')}`)
  })

  test('the job summary: appended as summary.addRaw(text).write() appends; the same errors', async () => {
    const theirs = join(dir, 'theirs.md')
    const mine = join(dir, 'mine.md')
    writeFileSync(theirs, 'before\n')
    writeFileSync(mine, 'before\n')
    for (const s of TRICKY) {
      process.env.GITHUB_STEP_SUMMARY = theirs
      await core.summary.addRaw(s).write()
      process.env.GITHUB_STEP_SUMMARY = mine
      await ours.appendSummary(s)
    }
    expect(readFileSync(mine, 'utf8')).toBe(readFileSync(theirs, 'utf8'))

    delete process.env.GITHUB_STEP_SUMMARY
    await expect(ours.appendSummary('x')).rejects.toThrow('Unable to find environment variable for $GITHUB_STEP_SUMMARY')
    if (process.getuid?.() !== 0) {
      chmodSync(mine, 0o400)
      process.env.GITHUB_STEP_SUMMARY = mine
      await expect(ours.appendSummary('x')).rejects.toThrow(`Unable to access summary file: '${mine}'`)
    }
  })
})
