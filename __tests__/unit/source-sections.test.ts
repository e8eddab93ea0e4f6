import { ensureParser } from '../../src/source/parser.js'
import { parseScript } from '../../src/source/script.js'
import { splitSections } from '../../src/source/sections.js'

beforeAll(async () => {
  await ensureParser()
})

describe('dbmate sections', () => {
  const file = '-- a header\n-- migrate:up\nCREATE TABLE t (a int);\n\n-- migrate:down\nDROP TABLE t;\n'

  test('up and down start at their marker lines and keep file positions', async () => {
    const s = splitSections('db/1_t.sql', file)
    expect(s.problems).toEqual([])
    expect(s.style).toBe('dbmate')
    expect(s.up).toEqual({ file: 'db/1_t.sql', fileText: file, offset: 12, text: '-- migrate:up\nCREATE TABLE t (a int);\n\n', role: 'up' })
    expect(s.down?.offset).toBe(file.indexOf('-- migrate:down'))
    expect(s.down?.text).toBe('-- migrate:down\nDROP TABLE t;\n')
    expect(s.preamble?.text).toBe('-- a header\n')
    const down = await parseScript(s.down!)
    expect(down.script.statements[0].position).toEqual({ line: 6, col: 1 })
    expect(down.script.statements[0].offset).toBe(file.indexOf('DROP'))
  })

  test('transaction:false on the up marker applies to the up section only', async () => {
    const text = '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- migrate:down\nDROP INDEX i;\n'
    const s = splitSections('x.sql', text)
    const up = await parseScript(s.up!)
    const down = await parseScript(s.down!)
    expect(up.script.nonTransactionalReasons).toEqual([
      { what: 'directive -- migrate:up transaction:false', position: { line: 1, col: 1 } },
      { what: 'CREATE INDEX CONCURRENTLY', position: { line: 2, col: 1 } }
    ])
    expect(down.script.runMode).toBe('transaction')
  })

  test('an optional verify section', () => {
    const s = splitSections('x.sql', '-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n-- migrate:verify\nSELECT 3;\n')
    expect(s.verify?.text).toBe('-- migrate:verify\nSELECT 3;\n')
  })

  test('a second up section is a problem with its line', () => {
    const s = splitSections('x.sql', '-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n-- migrate:up\nSELECT 3;\n')
    expect(s.problems.map((p) => [p.code, p.position])).toEqual([['duplicate-section', { line: 5, col: 1 }]])
    expect(s.up?.text).toBe('-- migrate:up\nSELECT 1;\n')
  })

  test('a down without an up is a problem', () => {
    const s = splitSections('x.sql', 'SELECT 1;\n-- migrate:down\nSELECT 2;\n')
    expect(s.problems.map((p) => p.code)).toEqual(['missing-up-section'])
  })

  test('-- migrate:upgrade is not a marker; a file without markers has no sections', () => {
    const s = splitSections('x.sql', '-- migrate:upgrade notes\nSELECT 1;\n')
    expect(s.style).toBeUndefined()
    expect(s.up).toBeUndefined()
  })
})

describe('goose sections', () => {
  test('Up/Down, StatementBegin/End are comments, NO TRANSACTION applies to the file', async () => {
    const text = [
      '-- +goose NO TRANSACTION',
      '-- +goose Up',
      '-- +goose StatementBegin',
      'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$;',
      '-- +goose StatementEnd',
      'CREATE INDEX CONCURRENTLY i ON t (a);',
      '',
      '-- +goose Down',
      'DROP INDEX CONCURRENTLY i;',
      'DROP FUNCTION f();',
      ''
    ].join('\r\n')
    const s = splitSections('db/00001_f.sql', text)
    expect(s.problems).toEqual([])
    expect(s.style).toBe('goose')
    expect(s.noTransaction).toEqual({ what: 'directive -- +goose NO TRANSACTION', position: { line: 1, col: 1 } })
    const up = await parseScript(s.up!, { forceNoTransaction: s.noTransaction!.what, forceNoTransactionPosition: s.noTransaction!.position })
    expect(up.problems).toEqual([])
    expect(up.script.statements.map((x) => [x.kind, x.position.line])).toEqual([
      ['CreateFunctionStmt', 4],
      ['IndexStmt', 6]
    ])
    expect(up.script.nonTransactionalReasons.map((r) => r.what)).toEqual(['directive -- +goose NO TRANSACTION', 'CREATE INDEX CONCURRENTLY'])
    const down = await parseScript(s.down!)
    expect(down.script.statements.map((x) => x.position.line)).toEqual([9, 10])
  })

  test('mixing dbmate and goose markers is a problem', () => {
    const s = splitSections('x.sql', '-- +goose Up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n')
    expect(s.problems.map((p) => p.code)).toEqual(['mixed-section-markers'])
  })
})
