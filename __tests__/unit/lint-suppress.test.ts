// `-- pgshift-ignore <rule-id>[, <rule-id>]: <reason>`: a reason is required, unknown
// ids are reported, and only real comments count (not strings or function bodies).
import { lintMigrations } from '../../src/lint/index.js'
import { ensureParser } from '../../src/source/parser.js'
import { EXISTING, migration } from '../fixtures/lint/helpers.js'

beforeAll(async () => {
  await ensureParser()
})

const lint = async (sql: string) => lintMigrations([await migration('db/001_x.sql', sql)], { existingTables: EXISTING })
const brief = (fs: Awaited<ReturnType<typeof lint>>) => fs.map((f) => [f.rule, f.line, f.col, f.suppressed ?? null])

describe('with a reason', () => {
  test('a comment line suppresses the next statement only, keeping the finding with the reason', async () => {
    const fs = await lint(
      [
        '-- pgshift-ignore require-concurrent-index: orders holds 200 rows, a plain build takes 5 ms',
        'CREATE INDEX i1 ON orders (a);',
        'CREATE INDEX i2 ON orders (b);'
      ].join('\n')
    )
    expect(brief(fs)).toEqual([
      ['require-concurrent-index', 2, 1, 'orders holds 200 rows, a plain build takes 5 ms'],
      ['require-concurrent-index', 3, 1, null]
    ])
  })

  test('blank lines and other comments may sit between the comment and its statement', async () => {
    const fs = await lint('-- pgshift-ignore destructive: fixture rows only\n\n-- wipe the fixtures\nDELETE FROM orders;\n')
    expect(brief(fs)).toEqual([['destructive', 4, 1, 'fixture rows only']])
  })

  test("a comment on the statement's own line suppresses that statement", async () => {
    const fs = await lint('CREATE INDEX i1 ON orders (a); -- pgshift-ignore require-concurrent-index: tiny table\nCREATE INDEX i2 ON orders (b);\n')
    expect(brief(fs)).toEqual([
      ['require-concurrent-index', 1, 1, 'tiny table'],
      ['require-concurrent-index', 2, 1, null]
    ])
  })

  test('a comment inside a multi-line statement applies to it, including a finding on a later line', async () => {
    const fs = await lint(
      ['ALTER TABLE orders', '  -- pgshift-ignore volatile-default, prefer-gen-random-uuid: orders is empty in every environment', '  ADD COLUMN token uuid DEFAULT uuid_generate_v4();'].join('\n')
    )
    expect(brief(fs)).toEqual([
      ['volatile-default', 3, 25, 'orders is empty in every environment'],
      ['prefer-gen-random-uuid', 3, 33, 'orders is empty in every environment']
    ])
  })

  test('several ids, in any case, separated by commas or spaces', async () => {
    const fs = await lint('-- PGSHIFT-IGNORE Renaming destructive: the old name has no readers since v3\nALTER TABLE orders RENAME TO purchases;\n')
    expect(brief(fs)).toEqual([['renaming', 2, 1, 'the old name has no readers since v3']])
  })

  test('naming another rule suppresses nothing and is not a problem', async () => {
    const fs = await lint('-- pgshift-ignore renaming: wrong rule\nDELETE FROM orders;\n')
    expect(brief(fs)).toEqual([['destructive', 2, 1, null]])
  })

  test('a deferred finding (table-without-primary-key) is suppressed at its CREATE TABLE', async () => {
    const fs = await lint('-- pgshift-ignore table-without-primary-key: an append-only log\nCREATE TABLE audit (at timestamptz, what text);\n')
    expect(brief(fs)).toEqual([['table-without-primary-key', 2, 1, 'an append-only log']])
  })
})

describe('without a reason', () => {
  test('the finding stays unsuppressed and ignore-without-reason points at the comment', async () => {
    const fs = await lint('CREATE TABLE t (id bigint PRIMARY KEY);\n  -- pgshift-ignore require-concurrent-index\nCREATE INDEX i ON orders (a);\n')
    expect(brief(fs)).toEqual([
      ['ignore-without-reason', 2, 3, null],
      ['require-concurrent-index', 3, 1, null]
    ])
    expect(fs[0].severity).toBe('warning')
    expect(fs[0].message).toContain('require-concurrent-index')
  })

  test('an empty reason after the colon is no reason', async () => {
    const fs = await lint('-- pgshift-ignore destructive:   \nDELETE FROM orders;\n')
    expect(brief(fs)).toEqual([
      ['ignore-without-reason', 1, 1, null],
      ['destructive', 2, 1, null]
    ])
  })
})

describe('unknown rules', () => {
  test('a misspelt id is reported and suppresses nothing; a known id beside it still works', async () => {
    const fs = await lint('-- pgshift-ignore require-concurent-index, destructive: small table\nCREATE INDEX i ON orders (a);\nDELETE FROM orders;\n')
    expect(brief(fs)).toEqual([
      ['ignore-unknown-rule', 1, 1, null],
      ['require-concurrent-index', 2, 1, null],
      ['destructive', 3, 1, null]
    ])
    expect(fs[0].message).toContain('require-concurent-index')
  })

  test('the suppression rules themselves cannot be ignored, and an empty ignore names no rule', async () => {
    const fs = await lint('-- pgshift-ignore ignore-without-reason: x\n-- pgshift-ignore\nSELECT 1;\n')
    expect(brief(fs)).toEqual([
      ['ignore-unknown-rule', 1, 1, null],
      ['ignore-unknown-rule', 2, 1, null]
    ])
  })
})

describe('only real comments count', () => {
  test('the same text in a string or a function body suppresses nothing', async () => {
    const fs = await lint(
      [
        "SELECT '-- pgshift-ignore destructive: in a string';",
        'DELETE FROM orders;',
        'CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$',
        'BEGIN',
        '  -- pgshift-ignore destructive: in a body',
        'END $$;',
        'DELETE FROM customers;',
        '/* pgshift-ignore destructive: a block comment is not the syntax */',
        'UPDATE orders SET a = 1;'
      ].join('\n')
    )
    expect(brief(fs)).toEqual([
      ['destructive', 2, 1, null],
      ['destructive', 7, 1, null],
      ['destructive', 9, 1, null]
    ])
  })

  test('pgshift-ignored (another word) is not an ignore comment', async () => {
    const fs = await lint('-- pgshift-ignored destructive: no\nDELETE FROM orders;\n')
    expect(brief(fs)).toEqual([['destructive', 2, 1, null]])
  })
})
