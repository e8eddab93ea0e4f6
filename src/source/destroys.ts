// What a statement destroys, from its parse tree (never from its text): the
// tables a DROP TABLE or TRUNCATE empties, and the columns an ALTER TABLE drops.
// Used by the rollback's data-loss guard and by the safety copies (src/backup).
import { escapeIdentifier } from 'pg'
import type { Statement } from './types.js'

export interface Destroyed {
  /** The table as written, quoted: "public"."users", or "users" (resolved by search_path). */
  table: string
  /** Set for a dropped column. */
  column?: string
  /** 'DROP TABLE', 'TRUNCATE' or 'DROP COLUMN'. */
  how: string
}

const qualified = (parts: (string | undefined)[]) =>
  parts
    .filter((x): x is string => Boolean(x))
    .map((p) => escapeIdentifier(p))
    .join('.')

export function destroyedBy(s: Pick<Statement, 'kind' | 'node'>): Destroyed[] {
  // The tree is read only for the kinds that can destroy (a released tree is parsed again: see source/script.ts).
  if (s.kind !== 'DropStmt' && s.kind !== 'AlterTableStmt' && s.kind !== 'TruncateStmt') return []
  const n = s.node as Record<string, unknown>
  if (s.kind === 'DropStmt' && n.removeType === 'OBJECT_TABLE') {
    const objects = (n.objects as { List?: { items?: { String?: { sval?: string } }[] } }[]) ?? []
    return objects.map((o) => ({ table: qualified((o.List?.items ?? []).map((i) => i.String?.sval)), how: 'DROP TABLE' }))
  }
  if (s.kind === 'AlterTableStmt' && (n.objtype === undefined || n.objtype === 'OBJECT_TABLE')) {
    const rel = n.relation as { schemaname?: string; relname?: string } | undefined
    if (!rel?.relname) return []
    const table = qualified([rel.schemaname, rel.relname])
    const cmds = (n.cmds as { AlterTableCmd?: { subtype?: string; name?: string } }[]) ?? []
    return cmds
      .filter((c) => c.AlterTableCmd?.subtype === 'AT_DropColumn' && c.AlterTableCmd.name)
      .map((c) => ({ table, column: c.AlterTableCmd?.name, how: 'DROP COLUMN' }))
  }
  if (s.kind === 'TruncateStmt') {
    const rels = (n.relations as { RangeVar?: { schemaname?: string; relname?: string } }[]) ?? []
    return rels.map((r) => ({ table: qualified([r.RangeVar?.schemaname, r.RangeVar?.relname]), how: 'TRUNCATE' }))
  }
  return []
}
