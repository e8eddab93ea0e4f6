// migrations-example/ is a Supabase project (supabase/config.toml and
// supabase/migrations) whose down and verify scripts live in down/ and verify/,
// where the real Supabase CLI does not look. The bundled action detects it as
// Supabase, and the CLI agrees with what pgshift applied and rolled back.
import { cpSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { runAction } from '../support/action-runner.js'
import { migrationList, pushDryRun } from '../support/supabase-cli.js'

const UPS = readdirSync('migrations-example/supabase/migrations')
  .filter((f) => /^\d{14}_\w+\.sql$/.test(f))
  .sort()
const VERSIONS = UPS.map((f) => f.slice(0, 14))

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

function project(): string {
  const ws = mkdtempSync(join(tmpdir(), 'pgshift-example-'))
  cpSync('migrations-example/supabase', join(ws, 'supabase'), { recursive: true })
  return ws
}

test('the Supabase CLI would push the eight ups and nothing else: no down, no verify script, no hook', async () => {
  expect(UPS).toHaveLength(8)
  const ws = project()
  const dry = (await pushDryRun(ws, db.url)) as { upToDate: boolean; migrations: unknown[] }
  expect(dry.upToDate).toBe(false)
  const pushed = JSON.stringify(dry.migrations)
  for (const up of UPS) expect(pushed).toContain(up)
  expect(pushed).not.toMatch(/down|verify|afterMigrate/)
  expect(dry.migrations).toHaveLength(UPS.length)
})

test('apply with no migrations-dir finds supabase/migrations; the CLI then lists all eight as applied; a rollback removes the CLI row too', async () => {
  const ws = project()
  const apply = await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode: 'apply' } })
  expect(apply.code).toBe(0)
  expect(apply.summary).toContain('**Convention:** supabase: auto: directory supabase/migrations, 8 migration files')
  expect(JSON.parse(apply.outputs.applied ?? '[]')).toEqual(UPS.map((f) => f.replace(/\.sql$/, '')))
  expect((await migrationList(ws, db.url)).map((m) => [m.local, m.remote])).toEqual(VERSIONS.map((v) => [v, v]))
  expect((await pushDryRun(ws, db.url)).upToDate).toBe(true)

  const rollback = await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode: 'rollback', steps: '1' } })
  expect(rollback.code).toBe(0)
  expect(JSON.parse(rollback.outputs['rolled-back'] ?? '[]')).toEqual([UPS.at(-1)!.replace(/\.sql$/, '')])
  const listed = await migrationList(ws, db.url)
  expect(listed.filter((m) => m.remote).map((m) => m.remote)).toEqual(VERSIONS.slice(0, -1))
})
