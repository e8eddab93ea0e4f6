// Static migration lint (issue 6 item 1): see docs/lint.md.
export { lintMigrations } from './linter.js'
export { RULES } from './rules.js'
export type { LintContext, LintFinding, LintRule, LintSeverity } from './types.js'
