// Every rule: a positive fixture (exact line and column of each finding of the rule;
// other rules may fire beside it, e.g. validate-in-same-transaction in a file that
// also sets NOT NULL) and negative fixtures with no finding of any rule (the same text
// in a comment, a string and a function body, the safe rewrite, and the same statement
// on a table created earlier in the set).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { lintMigrations, RULES } from '../../src/lint/index.js'
import { ensureParser, scanSql } from '../../src/source/parser.js'
import { EXISTING, FIXTURES, fixture, listSql } from '../fixtures/lint/helpers.js'

beforeAll(async () => {
  await ensureParser()
})

const POSITIVE: Record<string, Array<[number, number]>> = {
  'require-concurrent-index': [[2, 1], [3, 1]],
  'concurrently-mixed-file': [[2, 1]],
  'adding-not-null-column': [[2, 14]],
  'changing-column-type': [[1, 33], [3, 16]],
  'constraint-missing-not-valid': [[1, 24], [2, 24], [3, 49]],
  'set-not-null': [[2, 1]],
  'add-pk-or-unique-without-index': [[1, 24], [2, 27]],
  renaming: [[1, 1], [2, 1], [3, 1], [4, 1]],
  destructive: [[1, 1], [2, 1], [3, 1], [4, 1], [5, 1]],
  'table-without-primary-key': [[1, 1]],
  // random(), gen_random_uuid(), bigserial; then functions it cannot prove non-volatile:
  // myjsonb(), gen_salt(), generate_ulid(), uuid_generate_v7(), and one the set creates without IMMUTABLE.
  'volatile-default': [[1, 42], [2, 54], [3, 31], [5, 41], [6, 41], [7, 41], [8, 39], [10, 41]],
  'lock-without-timeout': [[1, 1], [2, 1], [3, 1]],
  'prefer-gen-random-uuid': [[2, 31], [5, 43]],
  'blocking-maintenance': [[1, 1], [2, 1], [3, 1]],
  'validate-in-same-transaction': [[2, 1], [4, 1]],
  'lock-held-until-commit': [[2, 1], [3, 1], [4, 1]],
  'require-concurrent-index-drop': [[1, 1], [2, 1]],
  'require-concurrent-detach-partition': [[1, 1]],
  'drop-database': [[1, 1]],
  'server-wide-change': [[1, 1], [2, 1], [3, 1], [4, 1], [5, 1], [6, 1], [7, 1], [8, 1], [9, 1]],
  'drop-not-null': [[1, 1]],
  'prefer-bigint-key': [[1, 23], [2, 25], [3, 25]],
  'prefer-identity': [[1, 25], [2, 53]],
  'adding-exclusion-constraint': [[1, 24]],
  'prefer-jsonb': [[1, 55], [2, 36]],
  'too-many-index-columns': [[2, 1]],
  'prefer-text-over-char': [[1, 30], [2, 40]],
  'prefer-timestamptz': [[1, 47], [2, 42]]
}

const safetyRules = RULES.filter((r) => !r.id.startsWith('ignore-'))

describe('the rule catalogue', () => {
  test('ids are unique kebab-case, each with a severity, a why and a fix', () => {
    const ids = RULES.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const r of RULES) {
      expect(r.id).toMatch(/^[a-z]+(-[a-z0-9]+)*$/)
      expect(['error', 'warning']).toContain(r.severity)
      expect(r.summary.length).toBeGreaterThan(10)
      expect(r.why.length).toBeGreaterThan(40)
      expect(r.fix.length).toBeGreaterThan(20)
    }
    expect(safetyRules).toHaveLength(28)
  })

  test('every safety rule has a positive expectation and fixtures', () => {
    expect(Object.keys(POSITIVE).sort()).toEqual(safetyRules.map((r) => r.id).sort())
    for (const r of safetyRules) {
      expect(existsSync(join(FIXTURES, 'rules', `${r.id}.pos.sql`))).toBe(true)
      expect(existsSync(join(FIXTURES, 'rules', `${r.id}.neg.sql`))).toBe(true)
    }
  })

  test('docs/lint.md lists every rule with its severity', () => {
    const doc = readFileSync(join(process.cwd(), 'docs/lint.md'), 'utf8')
    for (const r of RULES) expect(doc).toMatch(new RegExp(`\\| \`${r.id}\` \\| ${r.severity} \\|`))
    expect(doc).toContain('-- pgshift-ignore')
  })
})

describe.each(safetyRules.map((r) => r.id))('%s', (id) => {
  test('the positive fixture fires exactly there', async () => {
    const m = await fixture(`rules/${id}.pos.sql`)
    const findings = lintMigrations([m], { existingTables: EXISTING }).filter((f) => f.rule === id)
    expect(findings.map((f) => [f.rule, f.line, f.col])).toEqual(POSITIVE[id].map(([line, col]) => [id, line, col]))
    const rule = RULES.find((r) => r.id === id)!
    for (const f of findings) {
      expect(f.severity).toBe(rule.severity)
      expect(f.identity).toBe(`${id}.pos`)
      expect(f.file).toBe(`__tests__/fixtures/lint/rules/${id}.pos.sql`)
      expect(f.message.length).toBeGreaterThan(20)
      expect(f.why.length).toBeGreaterThan(20)
      expect(f.fix.length).toBeGreaterThan(20)
      expect(f.suppressed).toBeUndefined()
    }
  })

  test('the positive fixture is silent when no table existed before', async () => {
    const m = await fixture(`rules/${id}.pos.sql`)
    const findings = lintMigrations([m], { existingTables: new Set() }).filter((f) => f.rule === id)
    // Rules about new tables, type choices or the file itself do not depend on the snapshot.
    const independent = [
      'table-without-primary-key',
      'prefer-gen-random-uuid',
      'concurrently-mixed-file',
      'drop-database',
      'server-wide-change',
      'prefer-bigint-key',
      'prefer-identity',
      'prefer-jsonb',
      'prefer-text-over-char',
      'prefer-timestamptz',
      'too-many-index-columns'
    ]
    // SET lock_timeout = 0 is about the file; an enum value's rename is about a type, not a table.
    const expected = independent.includes(id) ? POSITIVE[id].length : (({ 'lock-without-timeout': 1, renaming: 1 } as Record<string, number>)[id] ?? 0)
    expect(findings).toHaveLength(expected)
  })

  const negatives = listSql('rules').filter((f) => f.startsWith(`rules/${id}.neg`))
  test.each(negatives)('%s has no finding at all', async (rel) => {
    const m = await fixture(rel)
    expect(lintMigrations([m], { existingTables: EXISTING })).toEqual([])
  })

  test('the negative fixture holds the dangerous text in a comment, a string and a dollar-quoted body', () => {
    const text = readFileSync(join(FIXTURES, 'rules', `${id}.neg.sql`), 'utf8')
    const kinds = new Set(scanSql(text).map((t) => (t.tokenName === 'SCONST' && t.text.startsWith('$') ? 'DOLLAR' : t.tokenName)))
    expect(kinds).toContain('SQL_COMMENT')
    expect(kinds).toContain('SCONST')
    expect(kinds).toContain('DOLLAR')
  })
})
