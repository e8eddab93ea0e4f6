// Machine-readable lint output (issue 16): the `lint-findings` JSON and a SARIF 2.1.0
// log that github/codeql-action/upload-sarif accepts, so findings can also show in code
// scanning. Pure: the action writes the file.
import { RULE_BY_ID, RULES } from './rules.js'
import type { LintFinding } from './types.js'

/** One entry of the `lint-findings` output. */
export interface LintFindingJson {
  rule: string
  file: string
  line: number
  col: number
  severity: LintFinding['severity']
  message: string
  /** The reason of a `-- pgshift-ignore` comment, when the finding is suppressed. */
  suppressed?: string
}

export function findingsJson(findings: LintFinding[]): LintFindingJson[] {
  return findings.map((f) => ({
    rule: f.rule,
    file: f.file,
    line: f.line,
    col: f.col,
    severity: f.severity,
    message: f.message,
    ...(f.suppressed ? { suppressed: f.suppressed } : {})
  }))
}

const DOCS = 'https://github.com/pgshift/pgshift/blob/main/docs/lint.md'

/**
 * A SARIF 2.1.0 log with one run. Every rule of the catalogue is listed (code scanning
 * shows a rule's help beside each alert); each finding is a result at file:line:col,
 * the path relative to the repository root, as upload-sarif expects. A suppressed
 * finding carries an in-source suppression with its reason, so code scanning shows it
 * as dismissed rather than open.
 */
export function toSarif(findings: LintFinding[], version: string): Record<string, unknown> {
  const index = new Map(RULES.map((r, i) => [r.id, i]))
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pgshift',
            semanticVersion: version,
            informationUri: 'https://github.com/pgshift/pgshift',
            rules: RULES.map((r) => ({
              id: r.id,
              name: r.id
                .split('-')
                .map((w) => w[0].toUpperCase() + w.slice(1))
                .join(''),
              shortDescription: { text: r.summary },
              fullDescription: { text: r.why },
              help: { text: `${r.why}\n\nSafe rewrite: ${r.fix}`, markdown: `${r.why}\n\n**Safe rewrite:** ${r.fix}` },
              helpUri: `${DOCS}#rules`,
              defaultConfiguration: { level: r.severity },
              properties: { tags: ['postgresql', 'migration', 'pgshift-lint'] }
            }))
          }
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: index.get(f.rule) ?? -1,
          level: RULE_BY_ID.get(f.rule)?.severity ?? f.severity,
          message: { text: `${f.message}\n\nWhy: ${f.why}\n\nSafe rewrite: ${f.fix}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(f.file), uriBaseId: '%SRCROOT%' },
                region: { startLine: f.line, startColumn: f.col }
              }
            }
          ],
          ...(f.suppressed ? { suppressions: [{ kind: 'inSource', justification: f.suppressed }] } : {})
        })),
        columnKind: 'unicodeCodePoints'
      }
    ]
  }
}
