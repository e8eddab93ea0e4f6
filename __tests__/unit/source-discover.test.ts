import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { checksum } from '../../src/source/checksum.js'
import { discover } from '../../src/source/discover.js'
import type { Convention, DiscoveryResult } from '../../src/source/types.js'

const roots: string[] = []
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true })
})

/** A fresh workspace holding `files` (path -> content). */
function workspace(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'pgshift-src-'))
  roots.push(root)
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
  }
  return root
}

const T = (name: string) => `CREATE TABLE ${name} (id bigint PRIMARY KEY);\n`
const ids = (r: DiscoveryResult) => r.migrations.map((m) => m.identity)
const codes = (r: DiscoveryResult) => r.problems.map((p) => p.code)
const run = (ws: string, dir: string, convention: Convention | 'auto' = 'auto') => discover({ workspace: ws, dir, convention })

describe('seed-style directories', () => {
  test('seed 001: 01_..04_ in migrations/, found by default', async () => {
    const ws = workspace({
      'migrations/04_migrate_data.sql': 'INSERT INTO token_events SELECT 1;\n',
      'migrations/02_create_position_calculation_function.sql':
        'CREATE FUNCTION calculate_user_positions(uid uuid) RETURNS SETOF int LANGUAGE sql AS $$ SELECT 1 $$;\n',
      'migrations/01_create_event_sourcing_tables.sql': T('token_events'),
      'migrations/03_create_materialized_view.sql': 'CREATE MATERIALIZED VIEW electricity_readings_mv AS SELECT 1 AS a;\n',
      'migrations/README.md': '# notes\n\\i 01_create_event_sourcing_tables.sql\n'
    })
    const r = await run(ws, '')
    expect(r.problems).toEqual([])
    expect(r.warnings).toEqual([])
    expect(r.dir).toBe('migrations')
    expect(r.convention).toBe('numbered')
    expect(r.conventionNote).toBe('auto: detected numbered (4 files named 001_name.sql)')
    expect(ids(r)).toEqual([
      '01_create_event_sourcing_tables',
      '02_create_position_calculation_function',
      '03_create_materialized_view',
      '04_migrate_data'
    ])
    const m = r.migrations[0]
    expect(m).toMatchObject({ version: '01', name: 'create_event_sourcing_tables', kind: 'versioned', convention: 'numbered', checksum: checksum(T('token_events')) })
    expect(m.up.source.file).toBe('migrations/01_create_event_sourcing_tables.sql')
    expect(m.up.statements[0].kind).toBe('CreateStmt')
  })

  test('seed 002: supabase/migrations mixing YYYY-MM-DD_, YYYYMMDD_ and YYYYMMDDhhmmss_ sorts as dates', async () => {
    const names = [
      '2025-09-08_geometry_bus.sql',
      '2025-09-08_geometry_bus_rls.sql',
      '2025-10-18_geometry_swarm.sql',
      '2025-10-18_geometry_swarm_compat.sql',
      '2025-10-20_geometry_cgp_views.sql',
      '2025-12-08_seed_work_items.sql',
      '20250115000000_service_catalog.sql',
      '20250115_persona_agent_creation.sql',
      '20251230000000_tokenism_simulator.sql',
      '20260115_model_registry.sql'
    ]
    const files: Record<string, string> = {}
    names.forEach((n, i) => (files[`pmoves/supabase/migrations/${n}`] = T(`t${i}`)))
    files['pmoves/supabase/initdb/02_seed.sql'] = 'INSERT INTO x VALUES (1);\n'
    const ws = workspace(files)
    const r = await run(ws, 'pmoves/supabase/migrations')
    expect(r.problems).toEqual([])
    // The CLI does not read YYYY-MM-DD_ names: two of one day run in name order, with a warning naming both.
    expect(r.warnings.map((w) => w.file)).toEqual(['pmoves/supabase/migrations/2025-09-08_geometry_bus_rls.sql', 'pmoves/supabase/migrations/2025-10-18_geometry_swarm_compat.sql'])
    expect(r.warnings[0].message).toMatch(/2025-09-08_geometry_bus\.sql and .*2025-09-08_geometry_bus_rls\.sql share version 2025-09-08; .*The Supabase CLI reads only/)
    expect(r.convention).toBe('supabase')
    expect(r.conventionNote).toBe('auto: detected supabase (directory supabase/migrations, 10 migration files)')
    expect(ids(r)).toEqual([
      '20250115000000_service_catalog',
      '20250115_persona_agent_creation',
      '2025-09-08_geometry_bus',
      '2025-09-08_geometry_bus_rls',
      '2025-10-18_geometry_swarm',
      '2025-10-18_geometry_swarm_compat',
      '2025-10-20_geometry_cgp_views',
      '2025-12-08_seed_work_items',
      '20251230000000_tokenism_simulator',
      '20260115_model_registry'
    ])
    expect(r.migrations.map((m) => m.version).slice(0, 3)).toEqual(['20250115000000', '20250115', '2025-09-08'])
  })

  test('2025-12-10_x and 20251105_y in one plain directory: dated, by date', async () => {
    const ws = workspace({ 'db/2025-12-10_x.sql': T('x'), 'db/20251105_y.sql': T('y') })
    const r = await run(ws, 'db')
    expect(r.convention).toBe('dated')
    expect(ids(r)).toEqual(['20251105_y', '2025-12-10_x'])
  })

  test('seed 004: two 004_ files both run in name order, with a warning naming both; the _rollback file pairs and never runs as an up', async () => {
    const ws = workspace({
      'backend/migrations/001_initial_schema.sql': T('brands'),
      'backend/migrations/002_add_templates.sql': T('templates'),
      'backend/migrations/003_add_feedback.sql': T('feedback'),
      'backend/migrations/004_storage_buckets.sql': "INSERT INTO storage_buckets VALUES ('brands');\n",
      'backend/migrations/004_learning_privacy.sql': T('learning_privacy'),
      'backend/migrations/005_add_compressed_twin.sql': 'ALTER TABLE brands ADD COLUMN compressed_twin jsonb;\n',
      'backend/migrations/005_add_compressed_twin_rollback.sql': 'ALTER TABLE brands DROP COLUMN compressed_twin;\n'
    })
    const r = await run(ws, 'backend/migrations')
    expect(r.problems).toEqual([])
    expect(r.warnings).toEqual([
      {
        file: 'backend/migrations/004_storage_buckets.sql',
        message:
          'backend/migrations/004_learning_privacy.sql and backend/migrations/004_storage_buckets.sql share version 004; pgshift records each by its full name and runs 004_learning_privacy before 004_storage_buckets. Tools that key on the version (the Supabase CLI, dbmate, goose, golang-migrate, Flyway) would refuse or skip one of them: give each file its own version'
      }
    ])
    expect(ids(r)).toEqual([
      '001_initial_schema',
      '002_add_templates',
      '003_add_feedback',
      '004_learning_privacy',
      '004_storage_buckets',
      '005_add_compressed_twin'
    ])
    const m5 = r.migrations[5]
    expect(m5.down?.source.file).toBe('backend/migrations/005_add_compressed_twin_rollback.sql')
    expect(m5.down?.statements[0].sql).toBe('ALTER TABLE brands DROP COLUMN compressed_twin')
    expect(r.migrations.filter((m) => m.down).map((m) => m.identity)).toEqual(['005_add_compressed_twin'])
  })

  test('seed 000: a supabase file wrapped in BEGIN/COMMIT has its wrapper stripped', async () => {
    const text = 'BEGIN;\n' + T('telemetry_samples') + 'COMMIT;\n'
    const ws = workspace({ 'supabase/migrations/20260123_sovereign_memory.sql': text })
    const r = await run(ws, '')
    expect(r.problems).toEqual([])
    expect(r.dir).toBe('supabase/migrations')
    const up = r.migrations[0].up
    expect(up.runMode).toBe('transaction')
    expect(up.sendText).toBe('      \n' + T('telemetry_samples') + '       \n')
    expect(r.migrations[0].checksum).toBe(checksum(text))
  })
})

describe('conventions', () => {
  test('9_ before 100_ with golang-migrate pairs; .down.sql never runs as an up', async () => {
    const ws = workspace({
      'm/100_c.up.sql': T('c'),
      'm/100_c.down.sql': 'DROP TABLE c;',
      'm/9_b.up.sql': T('b'),
      'm/9_b.down.sql': 'DROP TABLE b;',
      'm/1_a.up.sql': T('a')
    })
    const r = await run(ws, 'm')
    expect(r.convention).toBe('golang-migrate')
    expect(r.problems).toEqual([])
    expect(ids(r)).toEqual(['1_a', '9_b', '100_c'])
    expect(r.migrations.map((m) => m.down?.source.file)).toEqual([undefined, 'm/9_b.down.sql', 'm/100_c.down.sql'])
  })

  test('flyway: V by numeric version, then R__; U pairs with V as its down', async () => {
    const ws = workspace({
      'sql/V1__init.sql': T('a'),
      'sql/V1.10__ten.sql': T('c'),
      'sql/V1.2__two.sql': T('b'),
      'sql/R__views.sql': 'CREATE OR REPLACE VIEW v AS SELECT 1 AS x;',
      'sql/U1.2__two.sql': 'DROP TABLE b;',
      'sql/seed.sql': 'SELECT 1;'
    })
    const r = await run(ws, 'sql')
    expect(r.convention).toBe('flyway')
    expect(ids(r)).toEqual(['V1__init', 'V1.2__two', 'V1.10__ten', 'R__views'])
    expect(r.migrations[3]).toMatchObject({ kind: 'repeatable', version: '', orderKey: { group: 1, parts: [] } })
    expect(r.migrations[1].down?.source.file).toBe('sql/U1.2__two.sql')
    expect(r.warnings).toEqual([
      { file: 'sql/seed.sql', message: 'sql/seed.sql fits no migration naming scheme (expected V<version>__name.sql, R__name.sql, or U<version>__name.sql for an undo); it is not applied' }
    ])
  })

  test('flyway: two files with one version are a problem', async () => {
    const ws = workspace({ 'sql/V1__a.sql': T('a'), 'sql/V1.0__b.sql': T('b') })
    const r = await run(ws, 'sql', 'flyway')
    expect(codes(r)).toEqual(['duplicate-version'])
  })

  test('dbmate: sections become up and down, positions in the whole file, checksum of the whole file', async () => {
    const text = '-- migrate:up\nCREATE TABLE a (x int);\n\n-- migrate:down\nDROP TABLE a;\n'
    const ws = workspace({ 'db/migrations/20240101120000_a.sql': text, 'db/migrations/20240102120000_b.sql': '-- migrate:up\nSELECT 1;\n-- migrate:down\n' })
    const r = await run(ws, '')
    expect(r.problems).toEqual([])
    expect(r.dir).toBe('db/migrations')
    expect(r.convention).toBe('dbmate')
    expect(r.conventionNote).toBe('auto: detected dbmate (2 files with -- migrate:up sections)')
    const [a, b] = r.migrations
    expect(a.checksum).toBe(checksum(text))
    expect(a.up.statements.map((s) => s.sql)).toEqual(['CREATE TABLE a (x int)'])
    expect(a.down?.statements[0].position).toEqual({ line: 5, col: 1 })
    expect(b.down).toBeUndefined() // an empty down section means no down
  })

  test('goose: NO TRANSACTION in the header applies to up and down', async () => {
    const text = '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- +goose Down\nDROP INDEX CONCURRENTLY i;\n'
    const ws = workspace({ 'db/00001_idx.sql': text })
    const r = await run(ws, 'db')
    expect(r.problems).toEqual([])
    expect(r.convention).toBe('goose')
    const m = r.migrations[0]
    expect(m.up.runMode).toBe('statements')
    expect(m.up.nonTransactionalReasons[0]).toEqual({ what: 'directive -- +goose NO TRANSACTION', position: { line: 1, col: 1 } })
    expect(m.down?.runMode).toBe('statements')
  })

  test('an explicit convention warns about files that do not fit it', async () => {
    const ws = workspace({ 'm/001_a.sql': T('a'), 'm/2025-01-01_b.sql': T('b') })
    const r = await run(ws, 'm', 'numbered')
    expect(ids(r)).toEqual(['001_a'])
    expect(r.conventionNote).toBe('numbered (from the convention input; 1 migration file)')
    expect(r.warnings).toEqual([
      { file: 'm/2025-01-01_b.sql', message: 'm/2025-01-01_b.sql does not fit the numbered convention (expected 001_name.sql (any number of digits, then _name)); it is not applied' }
    ])
  })

  test('auto: numbered mixed with dated runs both, with a warning', async () => {
    const ws = workspace({ 'm/001_a.sql': T('a'), 'm/002_b.sql': T('b'), 'm/20250101_c.sql': T('c') })
    const r = await run(ws, 'm')
    expect(ids(r)).toEqual(['001_a', '002_b', '20250101_c'])
    expect(r.warnings).toEqual([
      {
        file: 'm',
        message:
          'm mixes numbered (001_a.sql) and dated (20250101_c.sql) file names; numbers sort before dates, so the numbered files run first. Rename them to one scheme, or list the order in a pgshift.plan file'
      }
    ])
  })
})

describe('pairing', () => {
  test('X.down.sql, X.rollback.sql, down/X, revert/X and verify files pair; orphans are named', async () => {
    const ws = workspace({
      'm/001_a.sql': T('a'),
      'm/001_a.down.sql': 'DROP TABLE a;',
      'm/002_b.sql': T('b'),
      'm/down/002_b.sql': 'DROP TABLE b;',
      'm/003_c.sql': T('c'),
      'm/revert/003_c.sql': 'DROP TABLE c;',
      'm/004_d.sql': T('d'),
      'm/004_d.rollback.sql': 'DROP TABLE d;',
      'm/001_a.verify.sql': 'SELECT 1 FROM a;',
      'm/verify/002_b.sql': 'SELECT 1 FROM b;',
      'm/verify/010_none.sql': 'SELECT 1;'
    })
    const r = await run(ws, 'm')
    expect(r.problems).toEqual([])
    expect(ids(r)).toEqual(['001_a', '002_b', '003_c', '004_d'])
    expect(r.migrations.map((m) => [m.down?.source.file, m.verify?.source.file])).toEqual([
      ['m/001_a.down.sql', 'm/001_a.verify.sql'],
      ['m/down/002_b.sql', 'm/verify/002_b.sql'],
      ['m/revert/003_c.sql', undefined],
      ['m/004_d.rollback.sql', undefined]
    ])
    expect(r.warnings).toEqual([
      { file: 'm/verify/010_none.sql', message: 'm/verify/010_none.sql is a verify script (verify/) for 010_none, but there is no migration 010_none; it is not applied' }
    ])
  })

  test('a suffix-named down with no up refuses the run: it may be a migration whose name ends in _rollback', async () => {
    const ws = workspace({ 'm/001_a.sql': T('a'), 'm/007_add_rollback.sql': T('r'), 'm/009_gone.down.sql': 'DROP TABLE gone;' })
    const r = await run(ws, 'm')
    expect(r.problems.map((p) => [p.file, p.code])).toEqual([
      ['m/007_add_rollback.sql', 'orphan-down'],
      ['m/009_gone.down.sql', 'orphan-down']
    ])
    expect(r.problems[0]?.hint).toMatch(/rename it so it does not end in _rollback/)
  })

  test('two down scripts for one migration are a problem', async () => {
    const ws = workspace({ 'm/001_a.sql': T('a'), 'm/001_a.down.sql': 'DROP TABLE a;', 'm/001_a_rollback.sql': 'DROP TABLE a;' })
    const r = await run(ws, 'm')
    expect(codes(r)).toEqual(['duplicate-down'])
  })

  test('duplicate identities: 001_a.sql with 001_a.up.sql, and case-only twins', async () => {
    const r1 = await run(workspace({ 'm/001_a.sql': T('a'), 'm/001_a.up.sql': T('a') }), 'm', 'numbered')
    expect(codes(r1)).toEqual(['duplicate-identity'])
    const r2 = await run(workspace({ 'm/001_A.sql': T('a'), 'm/001_a.sql': T('a') }), 'm')
    expect(codes(r2)).toEqual(['duplicate-identity'])
    expect(r2.problems[0].message).toBe('m/001_a.sql and m/001_A.sql are the same migration, 001_a (names differ only in case: 001_A)')
  })
})

describe('plan file', () => {
  test('gives the order where names cannot; missing entries are problems, unlisted files warnings', async () => {
    const ws = workspace({
      'db/pgshift.plan': '# order\ncreate_users.sql\n\nadd_posts   # trailing comment\n002_seed.sql\nmissing.sql\n',
      'db/create_users.sql': T('users'),
      'db/add_posts.sql': T('posts'),
      'db/002_seed.sql': 'INSERT INTO users VALUES (1);',
      'db/extra.sql': 'SELECT 1;',
      'db/add_posts.down.sql': 'DROP TABLE posts;'
    })
    const r = await run(ws, 'db')
    expect(r.planFile).toBe('db/pgshift.plan')
    expect(ids(r)).toEqual(['create_users', 'add_posts', '002_seed'])
    expect(r.migrations.map((m) => m.orderKey)).toEqual([
      { group: 0, parts: ['0'] },
      { group: 0, parts: ['1'] },
      { group: 0, parts: ['2'] }
    ])
    expect(r.migrations[1].down?.source.file).toBe('db/add_posts.down.sql')
    expect(r.problems).toEqual([
      { file: 'db/pgshift.plan', code: 'plan-file-missing', message: 'db/pgshift.plan lists missing.sql, but there is no such file in the directory', hint: 'add the file, or remove the line from db/pgshift.plan' }
    ])
    expect(r.warnings).toEqual([{ file: 'db/extra.sql', message: 'db/extra.sql is not listed in db/pgshift.plan; it is not applied' }])
    expect(r.conventionNote).toMatch(/; order from db\/pgshift.plan \(3 listed\)$/)
  })
})

describe('refusals before reading', () => {
  test('a missing directory names the path, the defaults and the input', async () => {
    const ws = workspace({ 'README.md': '' })
    const r = await run(ws, 'migrations')
    expect(r.migrations).toEqual([])
    expect(codes(r)).toEqual(['migrations-dir-not-found'])
    expect(r.problems[0].message).toBe(
      `the migrations directory migrations does not exist (looked at ${join(ws, 'migrations')}; without migrations-dir pgshift tries supabase/migrations, migrations, db/migrations)`
    )
    expect(r.problems[0].hint).toContain('migrations-dir')
    const r2 = await run(ws, '')
    expect(r2.problems[0].message).toBe(`no migrations directory found in ${ws}: tried supabase/migrations, migrations, db/migrations`)
  })

  test('a directory outside the workspace is refused, also through a symlink', async () => {
    const outside = workspace({ 'm/001_a.sql': T('a') })
    const ws = workspace({ 'x.txt': '' })
    symlinkSync(join(outside, 'm'), join(ws, 'linked'))
    expect(codes(await run(ws, '../' + outside.split('/').pop() + '/m'))).toEqual(['dir-outside-workspace'])
    expect(codes(await run(ws, join(outside, 'm')))).toEqual(['dir-outside-workspace'])
    const r = await run(ws, 'linked')
    expect(codes(r)).toEqual(['dir-outside-workspace'])
    expect(r.migrations).toEqual([])
  })

  test('a file symlink pointing outside the workspace is skipped with a problem; one inside is read', async () => {
    const outside = workspace({ 'secret.sql': 'SELECT 1;' })
    const ws = workspace({ 'm/001_a.sql': T('a'), 'shared/002_b.sql': T('b') })
    symlinkSync(join(outside, 'secret.sql'), join(ws, 'm/003_secret.sql'))
    symlinkSync(join(ws, 'shared/002_b.sql'), join(ws, 'm/002_b.sql'))
    const r = await run(ws, 'm')
    expect(ids(r)).toEqual(['001_a', '002_b'])
    expect(r.migrations[1].up.source.file).toBe('m/002_b.sql')
    expect(r.problems.map((p) => [p.code, p.file])).toEqual([['symlink-outside-workspace', 'm/003_secret.sql']])
  })
})

describe('file contents', () => {
  test('invalid UTF-8 and NUL bytes are refused with the byte offset', async () => {
    const ws = workspace({
      'm/001_latin1.sql': Buffer.concat([Buffer.from("SELECT 'caf"), Buffer.from([0xe9]), Buffer.from("';")]),
      'm/002_utf16.sql': Buffer.from('\uFEFFSELECT 1;', 'utf16le'),
      'm/003_ok.sql': T('ok')
    })
    const r = await run(ws, 'm')
    expect(r.problems.map((p) => [p.code, p.file, p.message])).toEqual([
      ['invalid-utf8', 'm/001_latin1.sql', 'm/001_latin1.sql is not valid UTF-8: byte 0xe9 at byte offset 11 (saved as Latin-1 or Windows-1252?)'],
      ['nul-byte', 'm/002_utf16.sql', 'm/002_utf16.sql holds a NUL byte at byte offset 3; it is not a SQL text file (UTF-16, or binary?)']
    ])
    expect(ids(r)).toEqual(['003_ok'])
  })

  test('a file that holds U+FFFD itself is read as written; a down with a bad byte is refused like an up', async () => {
    // Discovery reads text in one call, which turns a bad byte into U+FFFD: a real U+FFFD must not be taken for one, nor hide one.
    const ws = workspace({
      'm/001_a.sql': "SELECT '\uFFFD';",
      'm/001_a.down.sql': Buffer.concat([Buffer.from("SELECT '\uFFFD"), Buffer.from([0xff]), Buffer.from("';")]),
      'm/002_b.sql': Buffer.concat([Buffer.from("SELECT 'a\u0000"), Buffer.from("';")])
    })
    const r = await run(ws, 'm')
    expect(r.problems.map((p) => [p.code, p.file, p.message])).toEqual([
      ['invalid-utf8', 'm/001_a.down.sql', 'm/001_a.down.sql is not valid UTF-8: byte 0xff at byte offset 11 (saved as Latin-1 or Windows-1252?)'],
      ['nul-byte', 'm/002_b.sql', 'm/002_b.sql holds a NUL byte at byte offset 9; it is not a SQL text file (UTF-16, or binary?)']
    ])
    expect(r.migrations.map((m) => [m.identity, m.up.source.text])).toEqual([['001_a', "SELECT '\uFFFD';"]])
  })

  test('parse problems carry the workspace-relative file and line:col, with a BOM and CRLF', async () => {
    const ws = workspace({ 'm/001_a.sql': '\uFEFFCREATE TABLE é (a int);\r\nSELECT 1;\r\n\\i other.sql\r\n', 'm/002_b.sql': 'SELECT 1;\nCOMMIT;\nSELECT 2;\n' })
    const r = await run(ws, 'm')
    expect(r.problems.map((p) => [p.code, p.file, p.position])).toEqual([
      ['psql-meta-command', 'm/001_a.sql', { line: 3, col: 1 }],
      ['stray-transaction-control', 'm/002_b.sql', { line: 2, col: 1 }]
    ])
    expect(r.problems[0].message).toMatch(/^psql meta-command \\i at m\/001_a.sql:3:1 is not SQL/)
    // the BOM is stripped from the text the scripts see
    expect(r.migrations[0].up.source.fileText.startsWith('CREATE')).toBe(true)
  })

  test('an empty migration file is a problem naming it', async () => {
    const r = await run(workspace({ 'm/001_a.sql': '-- nothing yet\n' }), 'm')
    expect(r.problems).toEqual([{ file: 'm/001_a.sql', code: 'empty-migration', message: 'empty migration: the file has no SQL statements; delete it or add SQL' }])
  })
})

describe('scale', () => {
  test('2,000 files are discovered and parsed quickly', async () => {
    const files: Record<string, string> = {}
    for (let i = 1; i <= 2000; i++) {
      files[`m/${i}_t${i}.sql`] = `CREATE TABLE t${i} (id bigint PRIMARY KEY, note text DEFAULT 'é');\nCREATE INDEX t${i}_note ON t${i} (note);\n`
    }
    const ws = workspace(files)
    const t0 = Date.now()
    const r = await run(ws, 'm')
    const ms = Date.now() - t0
    expect(r.problems).toEqual([])
    expect(r.migrations).toHaveLength(2000)
    expect(ids(r).slice(0, 3)).toEqual(['1_t1', '2_t2', '3_t3'])
    expect(ids(r)[1999]).toBe('2000_t2000')
    expect(ms).toBeLessThan(5000)
  })

  test('a 6 MB file parses in chunks with exact positions', async () => {
    const line = "INSERT INTO t VALUES (1, 'héllo 😀 wörld');\n"
    const n = Math.ceil(6e6 / line.length)
    const ws = workspace({ 'm/001_big.sql': 'CREATE TABLE t (a int, b text);\n' + line.repeat(n) + 'SELECT 1 FROM t;\n' })
    const r = await run(ws, 'm')
    expect(r.problems).toEqual([])
    const st = r.migrations[0].up.statements
    expect(st).toHaveLength(n + 2)
    expect(st[n + 1].position).toEqual({ line: n + 2, col: 1 })
    expect(st[n + 1].sql).toBe('SELECT 1 FROM t')
  })
})
