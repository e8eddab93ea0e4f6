// The Supabase CLI's names and split, the history input, and how the Supabase
// lint reaches the renderers. The CLI itself judges the split end to end in
// __tests__/integration/supabase-history.test.ts.
import { collectAnnotations } from '../../src/action/annotations.js'
import { insertSupabaseRowSql, splitLikeSupabase, supabaseVersionOf } from '../../src/db/supabase-history.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { renderText } from '../../src/report/text.js'
import { parseSettings, SettingsError } from '../../src/settings.js'
import { ensureParser, parseSql } from '../../src/source/parser.js'
import { runReport } from '../support/reports.js'

beforeAll(async () => {
  await ensureParser()
})

function split(text: string): string[] {
  const parsed = parseSql(text)
  if (!parsed.ok) throw new Error(parsed.error.message)
  return splitLikeSupabase(text, parsed.statements)
}

test.each([
  ['20240101000000_init.sql', { version: '20240101000000', name: 'init' }],
  ['supabase/migrations/004_a_b.sql', { version: '004', name: 'a_b' }],
  ['20240101_x.down.sql', { version: '20240101', name: 'x.down' }],
  ['2024-01-02_dashed.sql', undefined],
  ['init.sql', undefined],
  ['V1__flyway.sql', undefined],
  ['123.sql', undefined]
])('the CLI reads %s as %j', (file, expected) => {
  expect(supabaseVersionOf(file)).toEqual(expected)
})

test('split: comments stay with the next statement, a trailing comment is its own element, quoted semicolons do not split', () => {
  expect(split(`-- head\ncreate table t (a text default ';');\n\ncreate function f() returns int language sql as $$ select 1; $$;\n-- tail\n`)).toEqual([
    "-- head\ncreate table t (a text default ';')",
    'create function f() returns int language sql as $$ select 1; $$',
    '-- tail'
  ])
})

test('split: a BEGIN ATOMIC body is one statement; empty statements vanish', () => {
  expect(split('create function two() returns int language sql\nbegin atomic\n  select 1;\n  select 2;\nend;;\nselect 3')).toEqual([
    'create function two() returns int language sql\nbegin atomic\n  select 1;\n  select 2;\nend',
    'select 3'
  ])
})

test('the insert escapes every value and writes only the columns the table has', () => {
  const e = { version: '1', name: "o'brien", statements: ["select 'x'"] }
  expect(insertSupabaseRowSql(e, new Set(['version', 'name', 'statements']))).toBe(
    `INSERT INTO supabase_migrations.schema_migrations (version, name, statements) VALUES ('1', 'o''brien', ARRAY['select ''x''']::text[])`
  )
  expect(insertSupabaseRowSql(e, new Set(['version']))).toBe(`INSERT INTO supabase_migrations.schema_migrations (version) VALUES ('1')`)
  expect(insertSupabaseRowSql({ ...e, statements: [] }, new Set(['version', 'statements']))).toMatch(/VALUES \('1', '\{\}'::text\[\]\)$/)
})

test('the history input: auto by default, three values, a clear error otherwise', () => {
  expect(parseSettings({ 'database-url': 'postgres://x@h/d' }, '/tmp').history).toBe('auto')
  expect(parseSettings({ 'database-url': 'postgres://x@h/d', history: 'supabase' }, '/tmp').history).toBe('supabase')
  expect(() => parseSettings({ 'database-url': 'postgres://x@h/d', history: 'flyway' }, '/tmp')).toThrow(SettingsError)
  expect(() => parseSettings({ 'database-url': 'postgres://x@h/d', history: 'flyway' }, '/tmp')).toThrow(/history: 'flyway' is not one of auto \| native \| supabase/)
})

const finding = {
  rule: 'supabase/rls-disabled-in-public',
  supabaseLint: '0013_rls_disabled_in_public',
  url: 'https://supabase.com/docs/guides/database/database-linter?lint=0013_rls_disabled_in_public',
  object: 'table public.notes',
  message: 'Table public.notes is in an exposed schema without row level security.',
  file: 'supabase/migrations/001_a.sql',
  line: 3,
  level: 'warning' as const
}

test('renderers: a Supabase lint finding carries its rule, its link and its file:line', () => {
  const r = runReport({ status: 'success', supabaseLint: [finding], supabaseHistory: { reason: 'history: supabase', table: 'supabase_migrations.schema_migrations', adopted: ['001_a'], backfilled: [] } })
  const md = renderMarkdown(r)
  expect(md).toContain('### Supabase lint of the applied schema: 1 finding')
  expect(md).toContain('([why](https://supabase.com/docs/guides/database/database-linter?lint=0013_rls_disabled_in_public))')
  expect(md).toContain('supabase/migrations/001_a.sql:3')
  expect(md).toContain('1 file applied by the Supabase CLI adopted')
  expect(renderText(r, { color: false })).toContain('supabase/migrations/001_a.sql:3: warning: Table public.notes')
  const { warnings, errors } = collectAnnotations(r)
  expect(warnings).toContainEqual(expect.objectContaining({ title: 'pgshift Supabase lint: supabase/rls-disabled-in-public', file: 'supabase/migrations/001_a.sql', line: 3 }))
  expect(errors).toEqual([])
  expect(collectAnnotations(runReport({ supabaseLint: [{ ...finding, level: 'error' }] })).errors).toContainEqual(expect.objectContaining({ line: 3 }))
})
