// Runs a GitHub Actions workflow file job by job, as the runner would, for the
// e2e tests of examples/workflows/: jobs in `needs:` order, each job's and step's
// `if:` and every `${{ }}` evaluated by @actions/expressions (GitHub's own
// implementation of the expression language, with the status functions added),
// `strategy.matrix` expanded with its `fail-fast` and `max-parallel` (each leg a
// separate `node dist/index.js` process, in parallel; after a failed leg no leg
// starts, and the ones in flight run to their end where GitHub would cancel them), job outputs handed on
// through `needs`, and artifacts handed from job to job as upload-artifact and
// download-artifact do. Every pgshift step runs the bundle with every input of
// action.yml (defaults included, `${{ github.token }}` resolved), as the runner
// passes them. A step this runner does not know (`run:`, another action) throws,
// so the test fails when the workflow grows one instead of silently skipping it.
import { Evaluator, Lexer, Parser, data } from '@actions/expressions'
import type { FunctionDefinition } from '@actions/expressions/funcs/info'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { parse } from 'yaml'
import { runAction, type ActionRun } from './action-runner.js'

interface StepSpec {
  id?: string
  name?: string
  uses?: string
  run?: string
  if?: string
  with?: Record<string, unknown>
}
interface JobSpec {
  needs?: string | string[]
  if?: string
  environment?: string | { name: string }
  outputs?: Record<string, string>
  strategy?: { matrix?: unknown; 'fail-fast'?: boolean; 'max-parallel'?: number }
  steps: StepSpec[]
}
interface WorkflowSpec {
  name?: string
  env?: Record<string, string>
  jobs: Record<string, JobSpec>
}

export type Result = 'success' | 'failure' | 'skipped' | 'cancelled'

export interface StepRun {
  id?: string
  uses: string
  result: Result
  inputs: Record<string, string>
  outputs: Record<string, string>
  /** The pgshift process, for pgshift steps that ran. */
  action?: ActionRun
}

export interface LegRun {
  matrix?: Record<string, unknown>
  result: Result
  steps: StepRun[]
  workspace: string
  /** performance.now() when the leg started and ended, to see which legs overlapped. */
  start: number
  end: number
}

export interface JobRun {
  id: string
  result: Result
  environment?: string
  outputs: Record<string, string>
  legs: LegRun[]
  /** Matrix entries that never started (fail-fast after a failed leg). */
  notStarted: Record<string, unknown>[]
}

export interface WorkflowRunOptions {
  file: string
  /** The repository as actions/checkout lays it out: copied afresh into each leg's workspace. */
  repository: string
  /** Repository secrets. */
  secrets: Record<string, string>
  /** Secrets of environments, visible to the jobs that name the environment. */
  environmentSecrets?: Record<string, Record<string, string>>
  /** The `github` context (token, sha, repository, event_name...). */
  github: Record<string, string>
  /** Extra environment for the pgshift processes (GITHUB_API_URL of a fake GitHub, e.g.). */
  env?: Record<string, string>
}

export interface WorkflowRun {
  jobs: Record<string, JobRun>
  /** Uploaded artifacts: name to the directory holding its files. */
  artifacts: Map<string, string>
  /** Jobs in the order they ran (or were skipped). */
  order: string[]
}

const ACTION_YML = new URL('../../action.yml', import.meta.url)
const STATUS = /\b(always|success|failure|cancelled)\s*\(/i

function statusFunctions(status: { success: boolean; failure: boolean }): FunctionDefinition[] {
  const fn = (name: string, value: boolean): FunctionDefinition => ({ name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value) })
  return [fn('always', true), fn('success', status.success), fn('failure', status.failure), fn('cancelled', false)]
}

/** One expression (without `${{ }}`), evaluated over the contexts. */
export function evaluate(expression: string, contexts: Record<string, unknown>, status = { success: true, failure: false }): data.ExpressionData {
  const funcs = statusFunctions(status)
  const lexed = new Lexer(expression).lex()
  const ast = new Parser(lexed.tokens, Object.keys(contexts), funcs).parse()
  const ctx = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary
  return new Evaluator(ast, ctx, new Map(funcs.map((f) => [f.name, f]))).evaluate()
}

const toJs = (d: data.ExpressionData): unknown => JSON.parse(JSON.stringify(d, data.replacer)) as unknown

/** A `with:` value: `${{ }}` parts replaced by their string form; a value that is one whole expression keeps its type. */
function template(value: unknown, contexts: Record<string, unknown>): unknown {
  if (typeof value !== 'string') return value
  const whole = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/.exec(value)
  if (whole) return toJs(evaluate(whole[1] as string, contexts))
  return value.replace(/\$\{\{([\s\S]*?)\}\}/g, (_m, e: string) => evaluate(e, contexts).coerceString())
}
const str = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v))

/** `if:` as GitHub reads it: `${{ }}` optional, and `success() && (...)` implied when no status function is named. */
function condition(expr: string | undefined, contexts: Record<string, unknown>, status: { success: boolean; failure: boolean }): boolean {
  let e = (expr ?? '').trim()
  const wrapped = /^\$\{\{([\s\S]*)\}\}$/.exec(e)
  if (wrapped) e = (wrapped[1] as string).trim()
  if (e === '') e = 'success()'
  else if (!STATUS.test(e)) e = `success() && (${e})`
  const r = evaluate(e, contexts, status)
  return r.kind === data.Kind.Boolean ? (r as data.BooleanData).value : r.coerceString() !== '' && r.coerceString() !== 'false' && r.coerceString() !== '0'
}

function jobOrder(wf: WorkflowSpec): string[] {
  const order: string[] = []
  const visit = (id: string) => {
    if (order.includes(id)) return
    for (const n of needsOf(wf.jobs[id] as JobSpec)) visit(n)
    order.push(id)
  }
  Object.keys(wf.jobs).forEach(visit)
  return order
}
const needsOf = (job: JobSpec): string[] => (typeof job.needs === 'string' ? [job.needs] : (job.needs ?? []))

/** action.yml's inputs with a default, as the runner passes them (INPUT_<NAME> for every one). */
function actionDefaults(): Record<string, string> {
  const meta = parse(readFileSync(ACTION_YML, 'utf8')) as { inputs: Record<string, { default?: unknown }> }
  return Object.fromEntries(Object.entries(meta.inputs).filter(([, v]) => v.default !== undefined).map(([k, v]) => [k, str(v.default)]))
}

const globRe = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`)

export async function runWorkflow(opts: WorkflowRunOptions): Promise<WorkflowRun> {
  const wf = parse(readFileSync(opts.file, 'utf8')) as WorkflowSpec
  const defaults = actionDefaults()
  const artifacts = new Map<string, string>()
  const store = mkdtempSync(join(tmpdir(), 'pgshift-artifacts-'))
  const jobs: Record<string, JobRun> = {}
  const order = jobOrder(wf)

  for (const id of order) {
    const spec = wf.jobs[id] as JobSpec
    const needs = Object.fromEntries(needsOf(spec).map((n) => [n, { result: jobs[n]?.result, outputs: jobs[n]?.outputs ?? {} }]))
    const needResults = Object.values(needs).map((n) => n.result)
    const environment = typeof spec.environment === 'string' ? spec.environment : spec.environment?.name
    const secrets = { ...opts.secrets, ...(environment ? opts.environmentSecrets?.[environment] : {}) }
    const base = { github: opts.github, env: wf.env ?? {}, needs, secrets, vars: {}, inputs: {}, runner: { os: 'Linux' } }
    const job: JobRun = { id, result: 'skipped', environment, outputs: {}, legs: [], notStarted: [] }
    jobs[id] = job
    const jobStatus = { success: needResults.every((r) => r === 'success'), failure: needResults.includes('failure') }
    if (!condition(spec.if, base, jobStatus)) continue

    const matrixValue = spec.strategy?.matrix === undefined ? undefined : template(spec.strategy.matrix, base)
    const combos = matrixValue === undefined ? [undefined] : expandMatrix(matrixValue, id)
    const failFast = spec.strategy?.['fail-fast'] ?? true
    const maxParallel = spec.strategy?.['max-parallel'] ?? combos.length
    let next = 0
    let stop = false
    const runLeg = async (matrix: Record<string, unknown> | undefined): Promise<LegRun> => {
      const workspace = mkdtempSync(join(tmpdir(), `pgshift-job-${id}-`))
      const leg: LegRun = { matrix, result: 'success', steps: [], workspace, start: performance.now(), end: 0 }
      const stepsCtx: Record<string, { outputs: Record<string, string>; outcome: Result; conclusion: Result }> = {}
      for (const step of spec.steps) {
        const contexts = { ...base, matrix: matrix ?? {}, strategy: { 'fail-fast': failFast, 'max-parallel': maxParallel }, steps: stepsCtx }
        const failedBefore = leg.steps.some((s) => s.result === 'failure')
        const run: StepRun = { id: step.id, uses: step.uses ?? `run: ${step.run}`, result: 'skipped', inputs: {}, outputs: {} }
        leg.steps.push(run)
        if (condition(step.if, contexts, { success: !failedBefore, failure: failedBefore })) {
          run.inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, str(template(v, contexts))]))
          await runStep(id, step, run, workspace, contexts)
        }
        if (step.id) stepsCtx[step.id] = { outputs: run.outputs, outcome: run.result, conclusion: run.result }
      }
      leg.result = leg.steps.some((s) => s.result === 'failure') ? 'failure' : 'success'
      leg.end = performance.now()
      if (spec.outputs && !matrix) {
        const contexts = { ...base, steps: stepsCtx, matrix: {} }
        job.outputs = Object.fromEntries(Object.entries(spec.outputs).map(([k, v]) => [k, str(template(v, contexts))]))
      }
      return leg
    }
    const worker = async () => {
      while (!stop && next < combos.length) {
        const leg = await runLeg(combos[next++])
        job.legs.push(leg)
        if (leg.result === 'failure' && failFast) stop = true
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, Math.min(maxParallel, combos.length)) }, worker))
    job.notStarted = combos.slice(next).filter((c): c is Record<string, unknown> => c !== undefined)
    job.result = job.legs.some((l) => l.result === 'failure') ? 'failure' : 'success'
  }
  return { jobs, artifacts, order }

  async function runStep(jobId: string, step: StepSpec, run: StepRun, workspace: string, contexts: Record<string, unknown>): Promise<void> {
    const uses = step.uses ?? ''
    if (/^actions\/checkout@/.test(uses)) {
      cpSync(opts.repository, workspace, { recursive: true })
      run.result = 'success'
    } else if (/^pgshift\/pgshift@|^\.\/?$/.test(uses)) {
      const inputs: Record<string, string> = {}
      for (const [k, v] of Object.entries(defaults)) inputs[k] = str(template(v, contexts))
      Object.assign(inputs, run.inputs)
      const g = opts.github
      const env = { GITHUB_WORKFLOW: wf.name ?? opts.file, GITHUB_JOB: jobId, GITHUB_SHA: g.sha ?? '', GITHUB_REPOSITORY: g.repository ?? '', GITHUB_EVENT_NAME: g.event_name ?? 'push', GITHUB_RUN_ID: g.run_id ?? '1', ...opts.env }
      const r = await runAction({ workspace, inputs, env })
      run.action = r
      run.outputs = r.outputs
      run.result = r.code === 0 ? 'success' : 'failure'
    } else if (/^actions\/upload-artifact@/.test(uses)) {
      // v4 and later: a name is uploaded once per run; a single file lands at the artifact's root.
      const name = run.inputs.name || 'artifact'
      if (artifacts.has(name)) throw new Error(`upload-artifact: an artifact named ${name} already exists in this run`)
      const path = run.inputs.path ?? ''
      const src = path.startsWith('/') ? path : join(workspace, path)
      if (!existsSync(src)) throw new Error(`upload-artifact: no file at ${path} (step ${step.name ?? step.id})`)
      const dir = join(store, name)
      mkdirSync(dir, { recursive: true })
      cpSync(src, statSync(src).isDirectory() ? dir : join(dir, basename(src)), { recursive: true })
      artifacts.set(name, dir)
      run.result = 'success'
    } else if (/^actions\/download-artifact@/.test(uses)) {
      // By name: into path. By pattern (or all): each artifact into path/<name>/, unless merge-multiple.
      const dest = join(workspace, run.inputs.path ?? '')
      const merge = run.inputs['merge-multiple'] === 'true'
      const names = run.inputs.name ? [run.inputs.name] : [...artifacts.keys()].filter((n) => !run.inputs.pattern || globRe(run.inputs.pattern).test(n))
      for (const n of names) {
        const from = artifacts.get(n)
        if (!from) throw new Error(`download-artifact: no artifact named ${n}`)
        cpSync(from, run.inputs.name || merge ? dest : join(dest, n), { recursive: true })
      }
      mkdirSync(dest, { recursive: true })
      run.result = 'success'
    } else {
      throw new Error(`the workflow runner does not know the step ${uses || `run: ${step.run}`}: teach __tests__/support/workflow-runner.ts what it does`)
    }
  }
}

/** `strategy.matrix` (after its expression): only `include` lists are used by our workflows; anything else is refused. */
function expandMatrix(value: unknown, job: string): Record<string, unknown>[] {
  const m = value as { include?: Record<string, unknown>[] } | null
  const keys = m && typeof m === 'object' ? Object.keys(m) : []
  if (!m || keys.some((k) => k !== 'include') || !Array.isArray(m.include)) throw new Error(`job ${job}: the runner expands matrices of include entries only, got ${JSON.stringify(value)}`)
  if (m.include.length === 0) throw new Error(`job ${job}: the matrix is empty (GitHub fails such a job)`)
  return m.include
}

/** The files a job's workspace holds under `dir` (relative paths), to check what download-artifact laid out. */
export function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
}
