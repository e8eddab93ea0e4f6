// The machine-readable lint (issue 16): the lint-findings JSON, and a SARIF file that
// validates against the SARIF 2.1.0 JSON schema (the schema as shipped in the npm
// package @microsoft/jest-sarif, validated with ajv's draft-04 build and ajv-formats).
import AjvDraft04 from 'ajv-draft-04'
import ajvFormats from 'ajv-formats'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { lintMigrations, RULES } from '../../src/lint/index.js'
import { findingsJson, toSarif } from '../../src/lint/sarif.js'
import { ensureParser } from '../../src/source/parser.js'
import { migration } from '../fixtures/lint/helpers.js'

// CommonJS packages: module.exports is the class (the plugin), .default the same for TypeScript.
const Ajv = AjvDraft04.default
const addFormats = ajvFormats.default
const require = createRequire(import.meta.url)
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>

function validator() {
  // unicodeRegExp: false because the schema's `language` pattern has a stray ']' that the
  // u flag refuses (JSON Schema patterns are ECMA-262 without it).
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false })
  addFormats(ajv)
  return ajv.compile(schema)
}

let findings: ReturnType<typeof lintMigrations>
beforeAll(async () => {
  await ensureParser()
  const m = await migration(
    'migrations/002 add ü.sql',
    "-- pgshift-ignore require-concurrent-index: 40 rows\nCREATE INDEX i ON orders (a);\nALTER TABLE orders ADD COLUMN n int NOT NULL;\nALTER TABLE orders ADD COLUMN r text;\nUPDATE orders SET r = 'x' WHERE r IS NULL;\n"
  )
  findings = lintMigrations([m], { existingTables: new Set(['public.orders']) })
})

test('the fixture has an error, warnings and a suppressed finding', () => {
  expect(findings.map((f) => [f.rule, f.severity, !!f.suppressed])).toEqual([
    ['require-concurrent-index', 'warning', true],
    ['adding-not-null-column', 'error', false],
    ['lock-held-until-commit', 'warning', false]
  ])
})

test('lint-findings: rule, file, line, col, severity, message (and the suppression reason)', () => {
  expect(findingsJson(findings)[0]).toEqual({
    rule: 'require-concurrent-index',
    file: 'migrations/002 add ü.sql',
    line: 2,
    col: 1,
    severity: 'warning',
    message: findings[0].message,
    suppressed: '40 rows'
  })
  expect(Object.keys(findingsJson(findings)[1]).sort()).toEqual(['col', 'file', 'line', 'message', 'rule', 'severity'])
})

test('the SARIF log validates against the SARIF 2.1.0 schema, with and without results', () => {
  const validate = validator()
  for (const log of [toSarif(findings, '1.0.0'), toSarif([], '1.0.0')]) {
    const ok = validate(JSON.parse(JSON.stringify(log)))
    expect(validate.errors ?? []).toEqual([])
    expect(ok).toBe(true)
  }
})

test('the validator rejects a broken log (so the test above can fail)', () => {
  const validate = validator()
  const log = toSarif(findings, '1.0.0') as { runs: Array<{ results: Array<Record<string, unknown>> }> }
  log.runs[0].results[0].level = 'fatal'
  expect(validate(log)).toBe(false)
  expect(validate({ version: '2.1.0' })).toBe(false)
})

test('results point at file:line:col relative to the repository, with the rule and its level; a suppression carries its reason', () => {
  const log = toSarif(findings, '1.0.0') as {
    runs: Array<{ tool: { driver: { rules: Array<{ id: string; defaultConfiguration: { level: string } }> } }; results: Array<Record<string, unknown>> }>
  }
  const run = log.runs[0]
  expect(run.tool.driver.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id))
  const [suppressed, error] = run.results
  expect(suppressed).toMatchObject({
    ruleId: 'require-concurrent-index',
    level: 'warning',
    locations: [{ physicalLocation: { artifactLocation: { uri: 'migrations/002%20add%20%C3%BC.sql', uriBaseId: '%SRCROOT%' }, region: { startLine: 2, startColumn: 1 } } }],
    suppressions: [{ kind: 'inSource', justification: '40 rows' }]
  })
  expect(error).toMatchObject({ ruleId: 'adding-not-null-column', level: 'error', ruleIndex: RULES.findIndex((r) => r.id === 'adding-not-null-column') })
  expect(error.suppressions).toBeUndefined()
})
