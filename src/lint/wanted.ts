// What the lint would like to know from a database at hand, read from the migrations
// before linting, so the engine asks the catalog about those objects only.
import type { Migration } from '../source/types.js'
import { findAll, funcName, list, names, namesKey, rangeVarKey, unwrap } from './tree.js'

export interface FactsWanted {
  /** Tables an ALTER TABLE changes: their columns and NOT NULL checks are looked up. */
  tables: string[]
  /** Functions called inside ALTER TABLE statements (ADD COLUMN defaults): their volatility. */
  functions: string[]
  /** Indexes dropped or reindexed: their tables. */
  indexes: string[]
}

export function factsWanted(migrations: Migration[]): FactsWanted {
  const tables = new Set<string>()
  const functions = new Set<string>()
  const indexes = new Set<string>()
  for (const m of migrations) {
    for (const s of m.up.statements) {
      if (s.kind === 'AlterTableStmt') {
        const key = rangeVarKey(s.node.relation)
        if (key) tables.add(key)
        findAll(s.node.cmds, 'FuncCall', (f) => {
          const name = funcName(f)
          if (name) functions.add(name)
        })
      } else if (s.kind === 'DropStmt' && s.node.removeType === 'OBJECT_INDEX') {
        for (const o of list(s.node, 'objects')) {
          const key = namesKey(names(unwrap(o, 'List')?.items))
          if (key) indexes.add(key)
        }
      } else if (s.kind === 'ReindexStmt' && s.node.kind === 'REINDEX_OBJECT_INDEX') {
        const key = rangeVarKey(s.node.relation)
        if (key) indexes.add(key)
      }
    }
  }
  return { tables: [...tables], functions: [...functions], indexes: [...indexes] }
}
