// The three example workflows, run step by step: every pgshift step of each file
// (read from the YAML, in job order) runs through dist/index.js on Node 24 against
// a real database, with the workflow's own inputs and expressions resolved.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { adminUrl15, freshDatabase, type TestDatabase } from '../support/db.js'
import { runAction, type ActionRun } from '../support/action-runner.js'

interface Step {
  name?: string
  uses?: string
  with?: Record<string, unknown>
}
interface Workflow {
  env?: Record<string, string>
  jobs: Record<string, { steps: Step[]; needs?: string | string[] }>
}

/** pgshift steps in the order GitHub would run them (jobs sorted by `needs`). */
function pgshiftSteps(file: string): (Step & { env: Record<string, string> })[] {
  const wf = parse(readFileSync(file, 'utf8')) as Workflow
  const order: string[] = []
  const visit = (id: string) => {
    if (order.includes(id)) return
    const needs = wf.jobs[id]?.needs
    for (const n of typeof needs === 'string' ? [needs] : needs ?? []) visit(n)
    order.push(id)
  }
  Object.keys(wf.jobs).forEach(visit)
  return order.flatMap((id) => (wf.jobs[id]?.steps ?? []).filter((s) => /pgshift|^\.\/?$/.test(s.uses ?? '')).map((s) => ({ ...s, env: wf.env ?? {} })))
}

/** Resolves `${{ secrets.X }}`, `${{ inputs.x }}` and the workflow's `${{ env.X }}`; the service-container URL becomes the test database. */
function resolveInputs(step: Step & { env: Record<string, string> }, db: TestDatabase, inputs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(step.with ?? {})) {
    let s = String(v)
    s = s.replace(/\$\{\{\s*secrets\.DATABASE_URL\s*\}\}/g, db.url)
    s = s.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_m, name: string) => inputs[name] ?? '')
    s = s.replace(/\$\{\{\s*env\.(\w+)\s*\}\}/g, (_m, name: string) => step.env[name] ?? '')
    if (k === 'database-url' && s.startsWith('postgres://postgres:postgres@localhost:5432/')) s = db.url
    out[k] = s
  }
  return out
}

function workspaceWithExample(): string {
  const ws = mkdtempSync(join(tmpdir(), 'pgshift-wf-'))
  cpSync('migrations-example/supabase/migrations', join(ws, 'migrations'), { recursive: true })
  return ws
}

async function runSteps(file: string, db: TestDatabase, ws: string, inputs: Record<string, string> = {}): Promise<ActionRun[]> {
  const runs: ActionRun[] = []
  for (const step of pgshiftSteps(file)) {
    const r = await runAction({ workspace: ws, inputs: resolveInputs(step, db, inputs) })
    if (r.code !== 0) throw new Error(`step "${step.name}" of ${file} exited ${r.code}:\n${r.stdout}\n${r.stderr}`)
    runs.push(r)
  }
  return runs
}

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
const dropLater: TestDatabase[] = []
afterEach(async () => {
  await db.drop()
  for (const d of dropLater.splice(0)) await d.drop()
})

test('pr-check.yml: apply with test-rollback on the service container passes on migrations-example', async () => {
  const runs = await runSteps('examples/workflows/pr-check.yml', db, workspaceWithExample())
  const last = runs[runs.length - 1] as ActionRun
  expect(last.outputs.status).toBe('success')
  expect(JSON.parse(last.outputs.applied ?? '[]')).toHaveLength(8)
  expect(last.summary).toMatch(/up, down, up/)
})

test('deploy.yml: dry-run, apply with its backup, verify on a fresh production database', async () => {
  // Postgres 15: the machine's pg_dump is 15, and the apply step asks for a backup.
  const db15 = await freshDatabase(adminUrl15())
  dropLater.push(db15)
  const runs = await runSteps('examples/workflows/deploy.yml', db15, workspaceWithExample())
  expect(runs.map((r) => r.outputs.status)).toEqual(['success', 'success', 'success'])
  expect(runs[1]?.outputs['backup-path']).toBeTruthy()
  expect(runs[1]?.summary).toMatch(/\*\*Backup \(schema\):\*\* `[^`]*schema\.sql`/)
  expect(runs[1]?.summary).toMatch(/\*\*Hook afterMigrate\*\* `migrations\/afterMigrate\.sql`: ran/)
  expect(runs[0]?.summary).toMatch(/nothing was kept/i)
  expect(JSON.parse(runs[1]?.outputs.applied ?? '[]')).toHaveLength(8)
  expect(runs[2]?.summary).toMatch(/Checks/)
})

test('rollback.yml: preview, then roll back two migrations (inputs from the dispatch form)', async () => {
  // Postgres 15, as for deploy.yml: its apply step takes a backup with the machine's pg_dump 15.
  const db15 = await freshDatabase(adminUrl15())
  dropLater.push(db15)
  const ws = workspaceWithExample()
  await runSteps('examples/workflows/deploy.yml', db15, ws)
  const runs = await runSteps('examples/workflows/rollback.yml', db15, ws, { environment: 'production', steps: '2', 'to-version': '', 'allow-data-loss': 'false' })
  expect(runs.map((r) => r.outputs.status)).toEqual(['success', 'success'])
  expect(JSON.parse(runs[0]?.outputs['rolled-back'] ?? '[]')).toEqual([])
  expect(JSON.parse(runs[1]?.outputs['rolled-back'] ?? '[]')).toEqual(['20260105090700_seed_demo_data', '20260105090600_telemetry_samples_index_concurrently'])
  expect((await db15.query('SELECT count(*)::int AS n FROM pgshift.schema_history'))[0]?.n).toBe(6)
})
