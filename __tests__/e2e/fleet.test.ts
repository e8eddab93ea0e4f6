// Fleets through the bundled action, as GitHub would run them: fleet-plan, then
// each wave's legs as separate `node dist/index.js` processes, MAX_PARALLEL at a
// time (the matrix's max-parallel; with fail-fast, no leg starts after one
// failed), each leg's JSON file kept as its "artifact", then fleet-report.
// 50 databases; one database with 50 tenant schemas; 1,000 simulated targets.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GITHUB_COMMENT_LIMIT } from '../../src/action/comment-body.js'
import { runAction, type ActionRun } from '../support/action-runner.js'
import { adminUrl, urlFor, withClient } from '../support/db.js'

const MAX_PARALLEL = 4
const MIGRATIONS: Record<string, string> = {
  '001_accounts.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);\n',
  '002_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id));\n',
  '003_orders_account_idx.sql': 'CREATE INDEX orders_account_idx ON orders (account_id);\n',
  '004_orders_status.sql': "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';\n"
}

function workspace(files: string[], targetsYaml: string): string {
  const ws = mkdtempSync(join(tmpdir(), 'pgshift-fleet-'))
  mkdirSync(join(ws, 'migrations'))
  for (const f of files) writeFileSync(join(ws, 'migrations', f), MIGRATIONS[f] as string)
  writeFileSync(join(ws, 'pgshift.targets.yml'), targetsYaml)
  return ws
}
const addMigrations = (ws: string, files: string[]) => files.forEach((f) => writeFileSync(join(ws, 'migrations', f), MIGRATIONS[f] as string))

interface Entry {
  target: string
  secret: string
  wave: number
  kind: string
}

/** fleet-plan through the action: the matrices, keyed by wave. */
async function plan(ws: string): Promise<Record<string, { include: Entry[] }>> {
  const r = await runAction({ workspace: ws, inputs: { mode: 'fleet-plan', 'targets-file': 'pgshift.targets.yml' } })
  expect([r.code, r.stderr]).toEqual([0, ''])
  return JSON.parse(r.outputs.matrix ?? '{}') as Record<string, { include: Entry[] }>
}

/**
 * One wave's matrix, as GitHub runs it: MAX_PARALLEL legs at once, each with
 * `database-url: ${{ secrets[matrix.secret] }}` and `fleet-target: ${{ matrix.target }}`;
 * with fail-fast, no leg starts after one failed. Each leg's file goes to legs/pgshift-fleet-<target>/.
 */
async function wave(ws: string, legsDir: string, entries: Entry[], secrets: Record<string, string>, mode = 'apply'): Promise<Map<string, ActionRun>> {
  const runs = new Map<string, ActionRun>()
  let next = 0
  let failed = false
  const runner = async () => {
    while (!failed && next < entries.length) {
      const e = entries[next++] as Entry
      const r = await runAction({
        workspace: ws,
        inputs: { mode, 'database-url': secrets[e.secret] ?? '', 'migrations-dir': 'migrations', 'targets-file': 'pgshift.targets.yml', 'fleet-target': e.target, 'lock-timeout': '5s' }
      })
      runs.set(e.target, r)
      if (r.outputs['fleet-leg']) {
        const dir = join(legsDir, `pgshift-fleet-${e.target}`)
        mkdirSync(dir, { recursive: true })
        copyFileSync(r.outputs['fleet-leg'], join(dir, `pgshift-fleet-${e.target}.json`))
      }
      if (r.code !== 0) failed = true
    }
  }
  await Promise.all(Array.from({ length: MAX_PARALLEL }, runner))
  return runs
}

const report = (ws: string, legsDir: string, wave?: number) =>
  runAction({ workspace: ws, inputs: { mode: 'fleet-report', 'targets-file': 'pgshift.targets.yml', 'fleet-reports-dir': legsDir, 'fleet-wave': wave === undefined ? '' : String(wave) } })

const admin = (sql: string) => withClient(adminUrl(), (c) => c.query(sql))
/** `fn` over `items`, `n` at a time: 50 databases created and dropped four at a time take half as long as one by one (measured). */
async function inPool<T>(items: T[], n: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++] as T)
  }))
}
const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1)

describe('50 databases', () => {
  const N = 50
  const FAILING = 40
  const names = Array.from({ length: N }, (_, i) => `fleetdb_${String(i).padStart(2, '0')}`)
  const secrets = Object.fromEntries(names.map((n) => [`DB_${n.slice(-2)}`, urlFor(n)]))
  // Two canaries in wave 0, the other 48 in wave 1.
  const yaml = `targets:\n${names.map((n, i) => `  - name: ${n.replace('_', '-')}\n    secret: DB_${n.slice(-2)}\n    wave: ${i < 2 ? 0 : 1}\n    labels: { region: ${i % 2 ? 'eu' : 'us'} }\n`).join('')}`

  beforeAll(async () => {
    // The fleet as the last deploy left it: 001 and 002 applied by pgshift (one leg, on a
    // template), every database a copy of it, so each starts with its own history of two rows.
    const t0 = performance.now()
    await admin('DROP DATABASE IF EXISTS fleetdb_template WITH (FORCE)')
    await admin('CREATE DATABASE fleetdb_template TEMPLATE template0')
    const ws = workspace(['001_accounts.sql', '002_orders.sql'], 'targets:\n  - { name: template, secret: T, wave: 0 }\n')
    const r = await runAction({ workspace: ws, inputs: { mode: 'apply', 'database-url': urlFor('fleetdb_template'), 'targets-file': 'pgshift.targets.yml', 'fleet-target': 'template' } })
    expect(r.outputs.status).toBe('success')
    await inPool(names, 4, (n) => admin(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`))
    // FILE_COPY: for a template this small, copying its files is quicker than WAL-logging every block (measured: 6 s against 8 s).
    await inPool(names, 4, (n) => admin(`CREATE DATABASE ${n} TEMPLATE fleetdb_template STRATEGY FILE_COPY`))
    // Database 40 already has an index named like 003's: its leg fails.
    await withClient(urlFor(names[FAILING] as string), (c) => c.query('CREATE INDEX orders_account_idx ON orders (id)'))
    process.stdout.write(`fleet e2e, 50 databases: setup (a template by one leg, 50 copies) ${seconds(t0)} s\n`)
  }, 180_000)
  afterAll(async () => {
    await inPool([...names, 'fleetdb_template'], 4, (n) => admin(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`))
  }, 120_000)

  test('canaries, the gate, the rest until a database fails (fail-fast), the report with the skew', async () => {
    const ws = workspace(['001_accounts.sql', '002_orders.sql', '003_orders_account_idx.sql', '004_orders_status.sql'], yaml)
    const legs = mkdtempSync(join(tmpdir(), 'pgshift-legs-'))
    const t0 = performance.now()
    const matrix = await plan(ws)
    expect(Object.keys(matrix)).toEqual(['0', '1'])
    expect(matrix['0']?.include.map((e) => e.target)).toEqual(['fleetdb-00', 'fleetdb-01'])
    expect(matrix['1']?.include).toHaveLength(48)
    const w0 = await wave(ws, legs, matrix['0']!.include, secrets)
    expect([...w0.values()].map((r) => r.code)).toEqual([0, 0])
    const gate = await report(ws, legs, 0)
    expect([gate.code, gate.outputs.proceed]).toEqual([0, 'true'])
    expect(gate.summary).toMatch(/wave 0, the canaries\): ✅ every target succeeded/)
    const w1 = await wave(ws, legs, matrix['1']!.include, secrets)
    const final = await report(ws, legs)
    const wall = seconds(t0)
    // fail-fast: legs 02..40 ran (4 at a time); the ones in flight finished; none started after.
    expect([...w1].filter(([, r]) => r.code !== 0).map(([t]) => t)).toEqual(['fleetdb-40'])
    const ran = w1.size
    expect(ran).toBeGreaterThanOrEqual(FAILING - 1)
    expect(ran).toBeLessThanOrEqual(FAILING - 1 + MAX_PARALLEL - 1)
    const ok = ran - 1 + 2
    const notRun = 48 - ran
    expect([final.code, final.outputs.status, final.outputs.proceed]).toEqual([1, 'failed', 'false'])
    expect(final.summary).toContain(`**50 targets** (${ran + 2} legs reported): 1 failed · ${notRun} not run · ${ok} success.`)
    // Failed first, with its first error at file:line and SQLSTATE.
    const rows = final.summary.split('\n').filter((l) => /^\| (❌|⏭️|✅) /.test(l))
    expect(rows[0]).toBe('| ❌ `fleetdb-40` | 1 | failed | `002_orders` | 2 |')
    expect(final.summary).toContain('- ❌ `fleetdb-40`: migrations/003_orders_account_idx.sql:1:1 42P07 relation "orders_account_idx" already exists')
    expect(rows.slice(1).every((l) => l.startsWith('| ⏭️ '))).toBe(true)
    expect(rows).toHaveLength(1 + notRun)
    // The skew: database 40 two behind, the ones never started unknown, the rest at the head.
    expect(final.summary).toContain('| `002_orders` | 2 migrations | 1 | `fleetdb-40` |')
    expect(final.summary).toContain(`| \`004_orders_status\` (head) | 0 | ${ok} |`)
    expect(final.summary).toMatch(new RegExp(`\\| unknown \\(no report\\) \\| \\? \\| ${notRun} \\| \`fleetdb-${String(ran + 2).padStart(2, '0')}\``))
    expect(final.summary.length).toBeLessThan(GITHUB_COMMENT_LIMIT)
    // Each database's own history: 4 rows where its leg succeeded, 2 on database 40 and on those never started.
    const histories = await Promise.all(names.map((n) => withClient(urlFor(n), async (c) => (await c.query('SELECT identity FROM pgshift.schema_history ORDER BY identity')).rows.map((r) => r.identity as string))))
    const four = ['001_accounts', '002_orders', '003_orders_account_idx', '004_orders_status']
    names.forEach((n, i) => expect([n, histories[i]]).toEqual([n, i < ran + 2 && i !== FAILING ? four : four.slice(0, 2)]))
    process.stdout.write(
      `fleet e2e, 50 databases (wave 0: 2, wave 1: 48, max-parallel ${MAX_PARALLEL}, one node process per leg): plan, wave 0, gate, ${ran} wave-1 legs (stopped by the failure at #40), report: ${wall} s; report ${final.summary.length} chars\n`
    )
  }, 600_000)
})

describe('one database with 50 tenant schemas', () => {
  const db = 'fleet_tenants'
  const schemas = Array.from({ length: 50 }, (_, i) => `tenant_${String(i).padStart(2, '0')}`)
  // tenant_00 is the canary (a list); the query finds the other 49.
  const yaml = `targets:
  - name: tenants-canary
    secret: TENANTS_DB
    wave: 0
    schemas:
      list: [tenant_00]
  - name: tenants
    secret: TENANTS_DB
    wave: 1
    schemas:
      query: SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' AND nspname <> 'tenant_00' ORDER BY 1
      concurrency: 4
      fail-fast: true
`
  const secrets = () => ({ TENANTS_DB: urlFor(db) })

  beforeAll(async () => {
    await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`)
    await admin(`CREATE DATABASE ${db} TEMPLATE template0`)
    await withClient(urlFor(db), (c) => c.query(schemas.map((s) => `CREATE SCHEMA ${s};`).join('')))
  }, 60_000)
  afterAll(async () => {
    await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`)
  }, 60_000)

  test("each schema gets its own history and objects; a failing tenant stops the set; verify shows one tenant's drift", async () => {
    const ws = workspace(['001_accounts.sql', '002_orders.sql'], yaml)
    const legs = mkdtempSync(join(tmpdir(), 'pgshift-legs-'))
    const t0 = performance.now()
    const matrix = await plan(ws)
    expect(matrix['1']?.include).toEqual([{ target: 'tenants', secret: 'TENANTS_DB', env: '', wave: 1, kind: 'schemas', labels: {} }])
    await wave(ws, legs, matrix['0']!.include, secrets())
    expect((await report(ws, legs, 0)).outputs.proceed).toBe('true')
    const [leg] = [...(await wave(ws, legs, matrix['1']!.include, secrets())).values()]
    const firstRollout = seconds(t0)
    expect([leg?.code, leg?.outputs.status]).toEqual([0, 'success'])
    const all = await report(ws, legs)
    expect([all.code, all.outputs.status]).toEqual([0, 'success'])
    expect(all.summary).toContain('| `002_orders` (head) | 0 | 50 |')
    // Each schema: its own history table, its own tables (search_path), nothing in public.
    const facts = await withClient(urlFor(db), async (c) => {
      const out: [string, number, boolean][] = []
      for (const s of schemas) {
        const h = await c.query(`SELECT count(*)::int AS n FROM ${s}.schema_history`)
        const t = await c.query(`SELECT to_regclass('${s}.orders') IS NOT NULL AS ok`)
        out.push([s, h.rows[0].n, t.rows[0].ok])
      }
      const pub = await c.query("SELECT to_regclass('public.accounts') IS NULL AND to_regclass('pgshift.schema_history') IS NULL AS clean")
      return { out, clean: pub.rows[0].clean as boolean }
    })
    expect(facts.out).toEqual(schemas.map((s) => [s, 2, true]))
    expect(facts.clean).toBe(true)

    // Second rollout; tenant_20 already has an index named like 003's: it fails, and no schema starts after it.
    addMigrations(ws, ['003_orders_account_idx.sql', '004_orders_status.sql'])
    await withClient(urlFor(db), (c) => c.query('CREATE INDEX orders_account_idx ON tenant_20.orders (id)'))
    const legs2 = mkdtempSync(join(tmpdir(), 'pgshift-legs-'))
    const t1 = performance.now()
    await wave(ws, legs2, matrix['0']!.include, secrets())
    const [leg2] = [...(await wave(ws, legs2, matrix['1']!.include, secrets())).values()]
    const secondRollout = seconds(t1)
    expect([leg2?.code, leg2?.outputs.status]).toEqual([1, 'failed'])
    const final = await report(ws, legs2)
    expect([final.code, final.outputs.proceed]).toEqual([1, 'false'])
    const applied = await withClient(urlFor(db), async (c) => {
      const n: number[] = []
      for (const s of schemas) n.push((await c.query(`SELECT count(*)::int AS n FROM ${s}.schema_history`)).rows[0].n)
      return n
    })
    // tenant_00 (canary) and tenant_01..19 applied; 20 failed; at most concurrency - 1 others were in flight.
    const done = applied.filter((n) => n === 4).length
    expect(applied[20]).toBe(2)
    expect(applied.slice(0, 20)).toEqual(Array(20).fill(4))
    expect(done).toBeLessThanOrEqual(20 + 3)
    const notStarted = 50 - done - 1
    expect(final.summary).toContain(`1 failed · ${notStarted} not run · ${done} success`)
    expect(final.summary).toContain('| ❌ `tenants/tenant_20` | 1 | failed | `002_orders` | 2 |')
    expect(final.summary).toContain('- ❌ `tenants/tenant_20`: migrations/003_orders_account_idx.sql:1:1 42P07 relation "orders_account_idx" already exists')
    expect(final.summary).toMatch(/not started: an earlier schema of this set failed \(fail-fast\)/)

    // verify across the fleet: one tenant's history disagrees with the file (drift), only there.
    await withClient(urlFor(db), (c) => c.query("UPDATE tenant_07.schema_history SET checksum = 'edited' WHERE identity = '001_accounts'"))
    const legs3 = mkdtempSync(join(tmpdir(), 'pgshift-legs-'))
    await wave(ws, legs3, matrix['0']!.include, secrets(), 'verify')
    await wave(ws, legs3, matrix['1']!.include, secrets(), 'verify')
    const verified = await report(ws, legs3)
    expect(verified.summary).toContain('| ❌ `tenants/tenant_07` | 1 | failed | `004_orders_status` | 0 |')
    expect(verified.summary.split('\n').filter((l) => l.includes('drift: ')).map((l) => /^- ❌ `[^`]+`: drift: `[^`]+`/.exec(l)?.[0])).toEqual(['- ❌ `tenants/tenant_07`: drift: `001_accounts`'])
    process.stdout.write(`fleet e2e, 50 tenant schemas in one database (wave 0: 1 schema, wave 1: 49 schemas in one leg, concurrency 4): first rollout ${firstRollout} s (plan, 2 legs, gate, report); second rollout to the failure ${secondRollout} s; report ${final.summary.length} chars\n`)
  }, 600_000)
})

test('1,000 simulated targets: fleet-report through the bundle stays within the comment limit', async () => {
  // Waves of at most 250 (GitHub: 256 jobs per matrix): 10 canaries, then four waves.
  const names = Array.from({ length: 1000 }, (_, i) => `db-${String(i).padStart(4, '0')}`)
  const waveOf = (i: number) => (i < 10 ? 0 : 1 + Math.floor((i - 10) / 250))
  const ws = workspace(['001_accounts.sql'], `targets:\n${names.map((n, i) => `  - { name: ${n}, secret: S, wave: ${waveOf(i)} }\n`).join('')}`)
  const legs = mkdtempSync(join(tmpdir(), 'pgshift-legs-'))
  const ids = ['001_accounts', '002_orders', '003_orders_account_idx', '004_orders_status']
  names.forEach((n, i) => {
    if (i % 25 === 24) return // 40 legs never reported
    const failed = i % 3 === 0
    const at = failed ? ids[i % 3] : ids[3]
    const summary = { status: failed ? 'failed' : 'success', at, head: ids[3], behind: 3 - ids.indexOf(at as string), applied: failed ? [] : ['004_orders_status'], drifted: [], durationMs: 30, firstError: failed ? `migrations/00${(i % 3) + 2}_x.sql:1:1 55P03 canceling statement due to lock timeout on relation "orders" ${'(lock held by pid 4242) '.repeat(5)}` : undefined }
    const leg = { pgshiftFleetLeg: 1, target: n, wave: waveOf(i), kind: 'database', labels: {}, mode: 'apply', status: summary.status, startedAt: '2026-12-03T10:00:00.000Z', durationMs: 40, results: [{ name: n, summary }] }
    mkdirSync(join(legs, `pgshift-fleet-${n}`))
    writeFileSync(join(legs, `pgshift-fleet-${n}`, `pgshift-fleet-${n}.json`), JSON.stringify(leg))
  })
  const t0 = performance.now()
  const r = await report(ws, legs)
  expect([r.code, r.outputs.status]).toEqual([1, 'failed'])
  const failedN = names.filter((_, i) => i % 25 !== 24 && i % 3 === 0).length
  expect(r.summary).toContain(`**1000 targets** (960 legs reported): ${failedN} failed · 40 not run · ${960 - failedN} success.`)
  expect(r.summary).toMatch(/…and \d+ more rows/)
  expect(r.summary.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT - 200)
  process.stdout.write(`fleet-report at 1,000 targets through the bundle: ${r.summary.length} chars in ${seconds(t0)} s\n`)
}, 120_000)
