// Issue 19's golden reports: first screen and size. Each report is rendered at
// 10, 1,000 and 10,000 applied migrations: the size must not grow with history.
// Regenerate the files after an intended change with
//   UPDATE_GOLDEN=1 npm run test:unit -- __tests__/unit/golden-issue19.test.ts
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { commentBody } from '../../src/action/comment-body.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { firstScreen, GOLDEN_REPORTS, LINK_BASE } from '../support/golden-reports.js'

const DIR = fileURLToPath(new URL('../fixtures/golden/', import.meta.url))
const UPDATE = process.env.UPDATE_GOLDEN === '1'
const render = (name: keyof typeof GOLDEN_REPORTS, n: number) => commentBody(GOLDEN_REPORTS[name](n), { key: 'Migrations/check', linkBase: LINK_BASE, runPage: 'https://github.com/acme/app/actions/runs/4242' })
const bytes = (s: string) => Buffer.byteLength(s, 'utf8')
/** Rendered lines of the first screen, roughly as GitHub shows them: blank lines and table rules do not count. */
const screenLines = (md: string) => firstScreen(md).split('\n').filter((l) => l.trim() !== '' && !/^\|[ :|-]+\|$/.test(l) && !l.startsWith('<!--'))

const FIRST_SCREEN: Record<keyof typeof GOLDEN_REPORTS, RegExp[]> = {
  'pr-check-1-over-1000': [
    /^## ✅ pgshift apply: 1 migration applied to the ephemeral database `postgres:5432\/postgres`$/m,
    /\[`20260302100000_users_email_idx`\]\(.*\.sql\) \| ✅ applied \| 38 ms \| ✓ \|/,
    /\*\*Already applied before this run:\*\* 1,000 migrations, newest `\d+_step_999`/,
    /### Locks on existing tables\n\n- `20260302100000_users_email_idx`\n {2}- \*\*SHARE\*\* on `public.users`: blocks writes/,
    /### Lint: 1 finding\n\n- ⚠️ `require-concurrent-index` at \[`supabase\/migrations\/20260302100000_users_email_idx.sql:1:1`\]/,
    /\*\*Safe rewrite:\*\* Use `CREATE INDEX CONCURRENTLY users_email_idx ON public.users \(email\);`/,
    /✅ up, down, up: no differences\./,
    /\*\*Next:\*\* Merge when reviewed/
  ],
  'deploy-1-over-1000': [
    /^## ✅ pgshift apply: 1 migration applied to production \(`db.acme.internal:5432\/app`\)$/m,
    /\| \[`20260302100000_users_email_idx`\]\(.*\) \| ✅ applied \| 1.8 s \| ✓ \|/,
    /statement by statement: CREATE INDEX CONCURRENTLY \(line 1\)/,
    /\*\*Already applied before this run:\*\* 1,000 migrations/,
    /\*\*Next:\*\* A rerun applies nothing/
  ],
  'rollback-preview-data-loss': [
    /^## ↩️ pgshift rollback preview \(nothing kept\): 2 down scripts would run on production \(`db.acme.internal:5432\/app`\), destroying 18,252 rows$/m,
    /### Down scripts this rollback would run, newest first\n\n1\. \[`20260302090000_turbine_readings`\]\(https:\/\/github.com\/acme\/app\/blob\/\w+\/supabase\/migrations\/down\/20260302090000_turbine_readings.down.sql\)/,
    /- destroys table public.turbine_readings: \*\*18,250 rows\*\* \(\[`line 2`\]\(.*turbine_readings.down.sql#L2\)\)/,
    /2\. \[`20260301120000_turbines_serial`\].*\n {3}- destroys column public.turbines.serial_no: \*\*2 rows\*\*/,
    /the real rollback needs `allow-data-loss: true`/,
    /> \*\*Preview: everything was rolled back; nothing was kept.\*\*/
  ],
  'verify-drift': [
    /^## ❌ pgshift verify: 1 check failed, 3 schema objects differ on production \(`db.acme.internal:5432\/app`\) \(read-only\)$/m,
    /### This run: 1 drifted, 999 already applied|### Checked: 1 drifted/,
    /### Checks: 41 checks: 1 failed, 40 passed\n\n- ❌ `\d+_step_997`/,
    /✅ The other 40 checks passed\./,
    /❌ \*\*files vs production:\*\* 3 objects differ: `table public.devices` added, `table public.users` changed, `index public.users_email_idx` dropped/,
    /\*\*Next:\*\* Production differs from the files: restore `\d+_step_997.sql` as applied \(`git log -p -- supabase\/migrations\/\d+_step_997.sql`\)/
  ]
}

describe.each(Object.keys(GOLDEN_REPORTS) as (keyof typeof GOLDEN_REPORTS)[])('%s', (name) => {
  test('matches the golden file', () => {
    const body = render(name, 1000)
    const path = `${DIR}issue19-${name}.md`
    if (UPDATE || !existsSync(path)) {
      mkdirSync(DIR, { recursive: true })
      writeFileSync(path, body)
    }
    expect(body).toBe(readFileSync(path, 'utf8'))
  })

  test('the first screen holds the verdict, the changes, the impact and the next step', () => {
    const screen = firstScreen(render(name, 1000))
    for (const re of FIRST_SCREEN[name]) expect(screen).toMatch(re)
    // About 25 rendered lines.
    expect(screenLines(render(name, 1000)).length).toBeLessThanOrEqual(25)
  })

  test('its size does not grow with history: 10, 1,000 and 10,000 applied', () => {
    const sizes = [10, 1000, 10_000].map((n) => bytes(render(name, n)))
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(64)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(6_000)
  })
})

test('no row per applied migration, in any mode', () => {
  for (const name of Object.keys(GOLDEN_REPORTS) as (keyof typeof GOLDEN_REPORTS)[]) {
    const md = renderMarkdown(GOLDEN_REPORTS[name](1000), { linkBase: LINK_BASE })
    expect(md.match(/_step_\d+/g)?.length ?? 0).toBeLessThanOrEqual(25)
  }
})
