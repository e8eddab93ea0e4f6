// Static migration lint (issue 6 item 1): see docs/lint.md.
export { lintInSteps, lintMigrations, type LintSteps } from './linter.js'
export { RULES } from './rules.js'
export { factsWanted, type FactsWanted } from './wanted.js'
export type { ColumnFacts, LintContext, LintFacts, LintFinding, LintRule, LintSeverity, TableFacts } from './types.js'
