// examples/workflows/fleet-deploy.yml, run job by job as GitHub would
// (__tests__/support/workflow-runner.ts): the plan's matrix output expanded with
// the workflow's own fromJSON expressions, `secrets[matrix.secret]` resolved from
// repository and environment secrets, each leg a `node dist/index.js` process in
// parallel, the legs' files handed to the report jobs by upload-artifact and
// download-artifact, the jobs' `needs:` and `if:` deciding what runs, and the
// final report's sticky commit comment sent to the recording GitHub server.
// A handful of targets: the 50-target runs are in fleet.test.ts.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { commentMarker } from '../../src/action/comment-body.js'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { startFakeGithub, type FakeGithub } from '../support/fake-github.js'
import { filesUnder, runWorkflow, type JobRun, type WorkflowRunOptions } from '../support/workflow-runner.js'

const FILE = 'examples/workflows/fleet-deploy.yml'
const TARGETS = `targets:
  - { name: canary-a, secret: DB_CANARY_A, wave: 0 }
  - { name: canary-b, secret: DB_CANARY_B, wave: 0 }
  - { name: acme, secret: DB_ACME, labels: { region: us } }
  - { name: globex, secret: DB_GLOBEX, labels: { region: eu } }
  - name: tenants
    secret: DB_TENANTS
    schemas:
      list: [tenant_a, tenant_b, tenant_c]
`
const M1 = { '001_accounts.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);\n', '002_accounts_name_idx.sql': 'CREATE INDEX accounts_name_idx ON accounts (name);\n' }
const M2 = { ...M1, '003_accounts_plan.sql': "ALTER TABLE accounts ADD COLUMN plan text NOT NULL DEFAULT 'free';\n" }
const SCHEMAS = ['tenant_a', 'tenant_b', 'tenant_c']
const KEY = 'Migrations (fleet deploy)/report'

function repository(files: Record<string, string>): string {
  const repo = mkdtempSync(join(tmpdir(), 'pgshift-fleet-repo-'))
  mkdirSync(join(repo, 'migrations'))
  for (const [f, sql] of Object.entries(files)) writeFileSync(join(repo, 'migrations', f), sql)
  writeFileSync(join(repo, 'pgshift.targets.yml'), TARGETS)
  return repo
}

const dbs: Record<string, TestDatabase> = {}
let gh: FakeGithub
let options: Omit<WorkflowRunOptions, 'repository' | 'github'>
const push = (sha: string, files: Record<string, string>) =>
  runWorkflow({ ...options, repository: repository(files), github: { token: 'ghs_fleetworkflow', sha, repository: 'acme/app', event_name: 'push', run_id: sha.slice(0, 4) } })

beforeAll(async () => {
  for (const name of ['canaryA', 'canaryB', 'acme', 'globex', 'tenants']) dbs[name] = await freshDatabase()
  await dbs.tenants!.query(SCHEMAS.map((s) => `CREATE SCHEMA ${s};`).join(''))
  gh = await startFakeGithub()
  options = {
    file: FILE,
    // The canaries' URLs are repository secrets; wave 1's exist only in the production environment, which its job names.
    secrets: { DB_CANARY_A: dbs.canaryA!.url, DB_CANARY_B: dbs.canaryB!.url },
    environmentSecrets: { production: { DB_ACME: dbs.acme!.url, DB_GLOBEX: dbs.globex!.url, DB_TENANTS: dbs.tenants!.url } },
    env: { GITHUB_API_URL: gh.url }
  }
}, 60_000)
afterAll(async () => {
  await gh?.close()
  for (const d of Object.values(dbs)) await d.drop()
})

/** Each target's history identities: the databases' pgshift.schema_history, the tenants' own <schema>.schema_history. */
async function histories(): Promise<Record<string, string[]>> {
  const ids = async (db: TestDatabase, table: string) => (await db.query(`SELECT identity FROM ${table} ORDER BY identity`)).map((r) => r.identity as string)
  const out: Record<string, string[]> = {}
  for (const [t, db] of [['canary-a', dbs.canaryA], ['canary-b', dbs.canaryB], ['acme', dbs.acme], ['globex', dbs.globex]] as const) out[t] = await ids(db!, 'pgshift.schema_history')
  for (const s of SCHEMAS) out[`tenants/${s}`] = await ids(dbs.tenants!, `${s}.schema_history`)
  return out
}
const legTargets = (job: JobRun | undefined) => (job?.legs ?? []).map((l) => String(l.matrix?.target)).sort()
const pgshiftStep = (job: JobRun | undefined) => job?.legs[0]?.steps.find((s) => s.action)

test('a push: plan, the canaries in parallel, the gate, wave 1 with its environment secrets, the report and its commit comment', async () => {
  const t0 = performance.now()
  const run = await push('1111111111111111111111111111111111111111', M1)
  const wall = ((performance.now() - t0) / 1000).toFixed(1)
  const { plan, canaries, rest, report } = run.jobs
  const gate = run.jobs['canary-report']
  expect(Object.entries(run.jobs).map(([id, j]) => [id, j.result])).toEqual([
    ['plan', 'success'],
    ['canaries', 'success'],
    ['canary-report', 'success'],
    ['rest', 'success'],
    ['report', 'success']
  ])
  // The matrices came from fleet-plan's output through the workflow's fromJSON(...)['0'] and ['1'].
  expect(JSON.parse(plan!.outputs.matrix ?? '{}')['1'].include.map((e: { target: string }) => e.target)).toEqual(['acme', 'globex', 'tenants'])
  expect(legTargets(canaries)).toEqual(['canary-a', 'canary-b'])
  expect(legTargets(rest)).toEqual(['acme', 'globex', 'tenants'])
  expect(rest?.environment).toBe('production')
  // Legs are separate processes running at once: the two canaries overlapped.
  const [a, b] = canaries!.legs
  expect(a!.start < b!.end && b!.start < a!.end).toBe(true)
  // Each leg got its own URL from secrets[matrix.secret] (wave 1's from the environment's secrets).
  for (const leg of [...canaries!.legs, ...rest!.legs]) {
    const step = leg.steps.find((s) => s.action)
    expect([leg.matrix?.target, step?.inputs['fleet-target'], step?.inputs['migrations-dir'], step?.result]).toEqual([leg.matrix?.target, leg.matrix?.target, 'migrations', 'success'])
    expect(step?.inputs['database-url']).toMatch(/^postgres(ql)?:\/\//)
  }
  expect(gate!.outputs.proceed).toBe('true')
  expect(pgshiftStep(gate)?.action?.summary).toMatch(/## pgshift fleet apply \(wave 0, the canaries\): ✅ every target succeeded/)
  expect(pgshiftStep(gate)?.action?.summary).toContain('**2 targets** (2 legs reported)')

  // upload-artifact / download-artifact: one artifact per target, each in its own folder of legs/.
  expect([...run.artifacts.keys()].sort()).toEqual(['canary-a', 'canary-b', 'acme', 'globex', 'tenants'].map((t) => `pgshift-fleet-${t}`).sort())
  expect(filesUnder(join(report!.legs[0]!.workspace, 'legs')).sort()).toEqual(['acme', 'canary-a', 'canary-b', 'globex', 'tenants'].map((t) => `pgshift-fleet-${t}/pgshift-fleet-${t}.json`))

  const h = await histories()
  for (const t of Object.keys(h)) expect([t, h[t]]).toEqual([t, ['001_accounts', '002_accounts_name_idx']])
  // Nothing leaked into the tenants database's public schema or a pgshift schema.
  expect((await dbs.tenants!.query("SELECT to_regclass('public.accounts') AS a, to_regnamespace('pgshift') AS p"))[0]).toEqual({ a: null, p: null })

  const summary = pgshiftStep(report)?.action?.summary ?? ''
  expect(summary).toMatch(/^## pgshift fleet apply: ✅ every target succeeded/)
  expect(summary).toContain('**7 targets** (5 legs reported): 7 success.')
  expect(summary).toContain('| `002_accounts_name_idx` (head) | 0 | 7 |')
  // The report job's comment: on the commit, first line the marker of the job's key.
  const mine = gh.comments.filter((c) => c.commit === '1111111111111111111111111111111111111111' && c.body.startsWith(`${commentMarker(KEY)}\n`))
  expect(gh.calls().filter((c) => c.includes('/commits/1111111'))).toEqual(['GET /repos/acme/app/commits/1111111111111111111111111111111111111111/comments', 'POST /repos/acme/app/commits/1111111111111111111111111111111111111111/comments'])
  expect(mine).toHaveLength(1)
  expect(mine[0]?.body).toContain('**7 targets** (5 legs reported): 7 success.')
  process.stdout.write(`fleet-deploy.yml step by step, 5 targets (wave 0: 2 canaries, max-parallel 4; wave 1: 2 databases + 1 set of 3 schemas, max-parallel 8): ${wall} s\n`)
}, 180_000)

test('verify across the fleet (the workflow with mode: verify): drift shows per target, on a database and on one tenant schema', async () => {
  // docs/fleet.md: "run the legs with mode: verify". The same workflow, its legs' mode changed.
  const yaml = readFileSync(FILE, 'utf8')
  expect(yaml.match(/^ {10}mode: apply$/gm)).toHaveLength(2)
  const verifyFile = join(mkdtempSync(join(tmpdir(), 'pgshift-wf-')), 'fleet-verify.yml')
  writeFileSync(verifyFile, yaml.replace(/^( {10}mode:) apply$/gm, '$1 verify'))
  // Hand edits since the rollout: acme's 001 and tenant_b's 002 no longer match their files' checksums.
  const checksum = async (db: TestDatabase, table: string, id: string, value: string) => {
    const [old] = await db.query(`SELECT checksum FROM ${table} WHERE identity = $1`, [id])
    await db.query(`UPDATE ${table} SET checksum = $2 WHERE identity = $1`, [id, value])
    return old?.checksum as string
  }
  const acme001 = await checksum(dbs.acme!, 'pgshift.schema_history', '001_accounts', 'edited-by-hand')
  const tenantB002 = await checksum(dbs.tenants!, 'tenant_b.schema_history', '002_accounts_name_idx', 'edited-by-hand')
  expect([acme001, tenantB002]).toEqual([expect.any(String), expect.any(String)])
  const before = await histories()

  const run = await runWorkflow({ ...options, file: verifyFile, repository: repository(M1), github: { token: 'ghs_fleetworkflow', sha: '3333333333333333333333333333333333333333', repository: 'acme/app', event_name: 'push', run_id: '3333' } })
  expect(Object.entries(run.jobs).map(([id, j]) => [id, j.result])).toEqual([
    ['plan', 'success'],
    ['canaries', 'success'],
    ['canary-report', 'success'],
    ['rest', 'failure'],
    ['report', 'failure']
  ])
  const legCodes = Object.fromEntries(run.jobs.rest!.legs.map((l) => [l.matrix?.target, l.steps.find((s) => s.action)?.action?.code]))
  expect(legCodes).toEqual({ acme: 1, globex: 0, tenants: 1 })
  const summary = pgshiftStep(run.jobs.report)?.action?.summary ?? ''
  expect(summary).toMatch(/^## pgshift fleet verify: ❌ 2 targets failed/)
  expect(summary).toContain('**7 targets** (5 legs reported): 2 failed · 5 success.')
  const drift = summary.split('\n').filter((l) => l.includes('drift: '))
  expect(drift.map((l) => /^- ❌ `[^`]+`: drift: `[^`]+`/.exec(l)?.[0])).toEqual(['- ❌ `acme`: drift: `001_accounts`', '- ❌ `tenants/tenant_b`: drift: `002_accounts_name_idx`'])
  expect(summary).toContain('| ❌ `acme` | 1 | failed |')
  // verify is read-only: the histories are as they were.
  expect(await histories()).toEqual(before)
  await checksum(dbs.acme!, 'pgshift.schema_history', '001_accounts', acme001)
  await checksum(dbs.tenants!, 'tenant_b.schema_history', '002_accounts_name_idx', tenantB002)
}, 180_000)

test('a failing canary: the gate fails and says proceed=false, wave 1 never starts, the report shows it not run', async () => {
  // canary-b already has a column named like 003's: its leg fails.
  await dbs.canaryB!.query('ALTER TABLE accounts ADD COLUMN plan text')
  const t0 = performance.now()
  const run = await push('2222222222222222222222222222222222222222', M2)
  const wall = ((performance.now() - t0) / 1000).toFixed(1)
  const { canaries, rest, report } = run.jobs
  const gate = run.jobs['canary-report']
  expect(Object.entries(run.jobs).map(([id, j]) => [id, j.result])).toEqual([
    ['plan', 'success'],
    ['canaries', 'failure'],
    ['canary-report', 'failure'],
    ['rest', 'skipped'],
    ['report', 'failure']
  ])
  const legs = Object.fromEntries(canaries!.legs.map((l) => [l.matrix?.target, l.steps.find((s) => s.action)?.action]))
  expect([legs['canary-a']?.code, legs['canary-b']?.code]).toEqual([0, 1])
  // The failed leg still uploaded its report (if: always() && steps.leg.outputs.fleet-leg != '').
  expect([...run.artifacts.keys()].sort()).toEqual(['pgshift-fleet-canary-a', 'pgshift-fleet-canary-b'])
  // The gate: its step failed and its output says so, which is what rest's if: reads.
  expect(gate!.outputs.proceed).toBe('false')
  expect(pgshiftStep(gate)?.action?.summary).toContain('**Do not start the next wave**')
  expect(rest!.legs).toEqual([])

  const h = await histories()
  const two = ['001_accounts', '002_accounts_name_idx']
  expect(h).toEqual({ 'canary-a': [...two, '003_accounts_plan'], 'canary-b': two, acme: two, globex: two, 'tenants/tenant_a': two, 'tenants/tenant_b': two, 'tenants/tenant_c': two })

  const final = pgshiftStep(report)?.action
  expect(final?.code).toBe(1)
  expect(final?.summary).toMatch(/^## pgshift fleet apply: ❌ 1 target failed/)
  expect(final?.summary).toContain('**5 targets** (2 legs reported): 1 failed · 3 not run · 1 success.')
  const rows = (final?.summary ?? '').split('\n').filter((l) => /^\| (❌|⏭️|✅) /.test(l))
  expect(rows[0]).toBe('| ❌ `canary-b` | 0 | failed | `002_accounts_name_idx` | 1 |')
  expect(final?.summary).toMatch(/^- ❌ `canary-b`: migrations\/003_accounts_plan\.sql:1:\d+ 42701 column "plan" of relation "accounts" already exists$/m)
  expect(rows.slice(1).map((l) => l.split(' | ')[0])).toEqual(['| ⏭️ `acme`', '| ⏭️ `globex`', '| ⏭️ `tenants`'])
  // A new commit gets its own comment; the first commit's stays as it was.
  const onCommit = (sha: string) => gh.comments.filter((c) => c.commit === sha)
  expect(onCommit('2222222222222222222222222222222222222222').map((c) => c.body.split('\n')[0])).toEqual([commentMarker(KEY)])
  expect(onCommit('1111111111111111111111111111111111111111')[0]?.body).toContain('7 success.')
  expect(readFileSync(join(report!.legs[0]!.workspace, 'pgshift.targets.yml'), 'utf8')).toBe(TARGETS)
  process.stdout.write(`fleet-deploy.yml step by step, failing canary (wave 0: 2 canaries; wave 1 skipped): ${wall} s\n`)
}, 180_000)
