// npm run demo, as a new user runs it after npm ci: its own embedded Postgres,
// the bundled action on Node 24, a PR check of a git project (main, then a pull
// request adding one migration), then the deploy's dry-run and apply.
import { spawnSync } from 'node:child_process'

test('npm run demo: the PR check and the deploy succeed, and each step prints its log, summary and outputs', () => {
  const r = spawnSync(process.execPath, ['scripts/demo.mjs'], { encoding: 'utf8', timeout: 240_000, env: { ...process.env } })
  expect(r.stderr).not.toMatch(/Error|error:/)
  expect(r.status).toBe(0)
  const out = r.stdout
  const steps = out.split(/^===== /m).slice(1)
  expect(steps.map((s) => s.split(' =====')[0])).toEqual([
    "1. PR check (pull_request: main, then the PR's migration)",
    '2. Deploy, preview job (push to main)',
    '3. Deploy, migrate job (push to main, after approval)'
  ])
  const [pr, preview, migrate] = steps as [string, string, string]
  expect(pr).toContain('migrations: supabase/migrations (supabase, auto: directory supabase/migrations')
  expect(pr).not.toContain('auto: detected')
  // main's 8 migrations first (the base phase), then the PR's one alone, rollback-tested.
  expect(pr).toMatch(/^base phase: 8 applied in /m)
  expect(pr).toContain('## pgshift PR check (ephemeral database): 1 migration in this PR ✅ apply ✅ rollback')
  expect(pr).toMatch(/^pr-migrations=\["20260106120000_messages_conversation_role"\]$/m)
  expect(pr).toMatch(/up, down, up left the same schema/)
  expect(pr).toMatch(/^status=success$/m)
  expect(preview).toMatch(/pgshift dry-run: success\. Nothing was kept/)
  expect(preview).toMatch(/^applied=\[\]$/m)
  expect(migrate).toMatch(/^status=success$/m)
  expect(JSON.parse(/^applied=(.*)$/m.exec(migrate)![1]!)).toHaveLength(9)
  for (const step of steps) expect(step).toContain('----- job summary -----')
  expect(out).not.toContain('demo-password')
}, 300_000)
