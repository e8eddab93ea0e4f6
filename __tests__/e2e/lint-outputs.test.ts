// The bundled action's machine-readable lint (issue 16): the lint-findings output and
// the lint-sarif file, which validates against the SARIF 2.1.0 schema.
import AjvDraft04 from 'ajv-draft-04'
import ajvFormats from 'ajv-formats'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { freshDatabase, type TestDatabase } from '../support/db.js'
import { runAction } from '../support/action-runner.js'
import { makeWorkspace } from '../support/workspace.js'

// CommonJS packages: module.exports is the class (the plugin), .default the same for TypeScript.
const Ajv = AjvDraft04.default
const addFormats = ajvFormats.default
const require = createRequire(import.meta.url)
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>

let db: TestDatabase
beforeEach(async () => {
  db = await freshDatabase()
})
afterEach(async () => {
  await db.drop()
})

test('lint-findings and lint-sarif (bundled action): the findings as JSON and as a valid SARIF 2.1.0 file', async () => {
  const files = { '001_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, customer bigint);\n' }
  expect((await runAction({ workspace: makeWorkspace(files), inputs: { 'database-url': db.url, mode: 'apply', 'migrations-dir': 'migrations' } })).code).toBe(0)
  const ws = makeWorkspace({
    ...files,
    '002_check.sql': 'ALTER TABLE orders ADD CONSTRAINT orders_customer_positive CHECK (customer > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_positive;\n'
  })
  const r = await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode: 'plan', 'migrations-dir': 'migrations' } })
  expect(r.code).toBe(0)
  const findings = JSON.parse(r.outputs['lint-findings']!) as Array<Record<string, unknown>>
  expect(findings).toEqual([
    { rule: 'validate-in-same-transaction', file: 'migrations/002_check.sql', line: 2, col: 1, severity: 'warning', message: expect.stringContaining('held until COMMIT') }
  ])
  const path = r.outputs['lint-sarif']!
  expect(existsSync(path)).toBe(true)
  const log = JSON.parse(readFileSync(path, 'utf8')) as { runs: Array<{ results: Array<{ ruleId: string; locations: unknown[] }> }> }
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false })
  addFormats(ajv)
  const validate = ajv.compile(schema)
  expect(validate(log) ? [] : validate.errors).toEqual([])
  expect(log.runs[0].results.map((x) => x.ruleId)).toEqual(['validate-in-same-transaction'])
  expect(log.runs[0].results[0].locations).toEqual([{ physicalLocation: { artifactLocation: { uri: 'migrations/002_check.sql', uriBaseId: '%SRCROOT%' }, region: { startLine: 2, startColumn: 1 } } }])

  // lint: off still writes both, empty.
  const off = await runAction({ workspace: ws, inputs: { 'database-url': db.url, mode: 'plan', 'migrations-dir': 'migrations', lint: 'off' } })
  expect(off.outputs['lint-findings']).toBe('[]')
  expect((JSON.parse(readFileSync(off.outputs['lint-sarif']!, 'utf8')) as { runs: Array<{ results: unknown[] }> }).runs[0].results).toEqual([])
})
