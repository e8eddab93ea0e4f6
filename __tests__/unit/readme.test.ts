// The README is for users: short, in their order, generated from action.yml
// where it lists inputs and outputs, one action name, and no dead links. The
// scripts behind it (npm run readme, npm run check-links, the release notes)
// are checked here too, each on a broken input so the checks can fail.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const README = readFileSync('README.md', 'utf8')
const node = (args: string[]) => {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' })
  return { code: r.status, out: r.stdout + r.stderr }
}
const h2 = [...README.matchAll(/^## (.+)$/gm)].map((m) => m[1]!)

describe('the inputs and outputs tables', () => {
  test('agree with action.yml (npm run readme --check)', () => {
    const r = node(['scripts/readme.mjs', '--check'])
    expect(r.out).toBe('')
    expect(r.code).toBe(0)
  })

  test('a new input in action.yml makes the check fail, and npm run readme fixes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgshift-readme-'))
    const action = readFileSync('action.yml', 'utf8').replace(/^outputs:/m, '  brand-new-input:\n    description: A new input.\n    required: false\n    default: x\n\noutputs:')
    writeFileSync(join(dir, 'action.yml'), action)
    writeFileSync(join(dir, 'README.md'), README)
    const args = ['--action', join(dir, 'action.yml'), '--readme', join(dir, 'README.md')]
    const stale = node(['scripts/readme.mjs', '--check', ...args])
    expect(stale.code).toBe(1)
    expect(stale.out).toMatch(/disagree with .*action\.yml\. Run npm run readme/)
    expect(node(['scripts/readme.mjs', ...args]).code).toBe(0)
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('| `brand-new-input` | `x` | A new input. |')
    expect(node(['scripts/readme.mjs', '--check', ...args]).code).toBe(0)
  })

  test('list every input and output by name', () => {
    const action = readFileSync('action.yml', 'utf8')
    const section = (key: string) => action.slice(action.search(new RegExp(`^${key}:`, 'm'))).split('\n').slice(1).join('\n').split(/^\S/m)[0]!
    for (const key of ['inputs', 'outputs']) {
      const names = [...section(key).matchAll(/^ {2}([\w-]+):/gm)].map((m) => m[1]!)
      expect(names.length).toBeGreaterThan(5)
      for (const name of names) expect(README).toContain(`| \`${name}\` |`)
    }
  })
})

describe('the README', () => {
  test('is under 15 KB', () => {
    expect(Buffer.byteLength(README)).toBeLessThan(15 * 1024)
  })

  test('opens with what pgshift is, then the three workflows, inputs, outputs and modes, in that order', () => {
    expect(README).toMatch(/^# pgshift\n\n[^\n#]+\n[^\n#]+\n[^\n#]+\n\n## Contents\n/)
    expect(h2.slice(0, 8)).toEqual(['Contents', 'PR check', 'Deploy', 'Manual rollback', 'Inputs', 'Outputs', 'Modes', 'The CLI'])
    for (const topic of ['Supabase', 'Lint', 'Reliability', 'Backups', 'Benchmarks', 'Conventions']) expect(h2).toContain(topic)
  })

  test('its table of contents links every section and subsection', () => {
    const contents = README.slice(README.indexOf('## Contents'), README.indexOf('\n## ', README.indexOf('## Contents') + 3))
    const headings = [...README.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]!).filter((h) => h !== 'Contents')
    for (const heading of headings) expect([heading, contents.includes(`](#${heading.toLowerCase().replace(/[^\w\s-]/g, '').replace(/\s/g, '-')})`)]).toEqual([heading, true])
  })

  test('holds no contributor material and no internal planning words', () => {
    expect(README).not.toMatch(/^## (Architecture|Development|Libraries)/m)
    expect(README).not.toMatch(/DESIGN \d|runbook|\bseed \d|\bissue \d|registry|unrs-resolver|jest 30|acme\//i)
  })

  test('says how to install the CLI and how to pin the action by SHA', () => {
    expect(README).toContain('npx pgshift@1 plan')
    expect(README).toMatch(/uses: pgshift\/pgshift@<release-commit-sha> # v\d+\.\d+\.\d+/)
  })
})

describe('one action name everywhere', () => {
  const files = ['README.md', 'CONTRIBUTING.md', ...readdirSync('docs').map((f) => `docs/${f}`), ...readdirSync('examples/workflows').map((f) => `examples/workflows/${f}`)]

  test.each(files)('%s uses pgshift/pgshift@v1 (or a pinned SHA) and no other name', (file) => {
    const text = readFileSync(file, 'utf8')
    expect(text).not.toMatch(/acme\/pgshift|owner\/pgshift/)
    const uses = [...text.matchAll(/uses: *([\w.-]+\/pgshift)@([^\s`'"]+)/g)].map((m) => `${m[1]}@${m[2]}`)
    for (const u of uses) expect(u).toMatch(/^pgshift\/pgshift@(v1|<[\w-]+>|[0-9a-f]{40})$/)
  })
})

describe('links (npm run check-links)', () => {
  test('no relative link in the README or docs/ points at a missing file', () => {
    const r = node(['scripts/check-links.mjs'])
    expect(r.out).toMatch(/documents checked: every relative link resolves/)
    expect(r.code).toBe(0)
  })

  test('a link to a missing file or README heading is reported', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgshift-links-'))
    mkdirSync(join(dir, 'docs'))
    cpSync('README.md', join(dir, 'README.md'))
    writeFileSync(join(dir, 'docs', 'a.md'), '# A\n\n[gone](gone.md), [ok](../README.md#inputs), [bad](../README.md#nowhere), `[code](x.md)`\n')
    const r = node(['scripts/check-links.mjs', '--root', dir])
    expect(r.code).toBe(1)
    expect(r.out).toContain('docs/a.md: gone.md (no such file: docs/gone.md)')
    expect(r.out).toContain('docs/a.md: ../README.md#nowhere (no heading #nowhere in README.md)')
    expect(r.out).not.toContain('x.md')
    expect(r.out).not.toContain('#inputs')
  })
})

describe('release notes (scripts/release-notes.mjs)', () => {
  const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version

  test(`CHANGELOG.md has a section for ${version}, the package's version`, () => {
    const r = node(['scripts/release-notes.mjs', `v${version}`])
    expect(r.code).toBe(0)
    expect(r.out.trim().length).toBeGreaterThan(20)
    expect(r.out).not.toMatch(/^## /m)
    expect(r.out).not.toMatch(/^\[[^\]]+\]: /m)
  })

  test('a version with no section fails, so a release never gets empty notes', () => {
    const r = node(['scripts/release-notes.mjs', 'v0.0.0-none'])
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/no section "## \[v0\.0\.0-none\]"/)
  })
})
