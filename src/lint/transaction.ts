// Which statements of a file share a transaction, and the table locks each one still
// holds. Postgres releases a lock at COMMIT, not when the statement that took it ends,
// so in a file that runs in one transaction (pgshift's default) a lock taken by the
// first statement is held through every later one. Files that run statement by
// statement (a CONCURRENTLY statement, a -- pgshift:no-transaction directive) share
// a transaction only inside their BEGIN ... COMMIT blocks.
import type { Statement } from '../source/types.js'

// pg_locks modes, numbered as Postgres numbers them (LockStmt.mode uses the same numbers).
export const SHARE_UPDATE_EXCLUSIVE = 4
export const SHARE = 5
export const SHARE_ROW_EXCLUSIVE = 6
export const ACCESS_EXCLUSIVE = 8

const NAMES = ['', 'ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE']

export const lockName = (mode: number): string => NAMES[mode] ?? `mode ${mode}`

export interface Lock {
  table: string
  mode: number
}

export interface HeldLock extends Lock {
  /** The statement that took it, and its line. */
  statement: number
  line: number
  /** The statement that took it has findings of its own. */
  flagged: boolean
}

export class Transaction {
  private open: boolean
  /** Locks that block writes (SHARE and stronger), strongest per table. */
  private readonly held = new Map<string, HeldLock>()
  /** Constraints added NOT VALID in this transaction: `table\0name` -> where, the lock, the tables locked. */
  private readonly notValidAdds = new Map<string, { line: number; mode: number; tables: string[] }>()

  /** `whole`: the file runs in one transaction. */
  constructor(private readonly whole: boolean) {
    this.open = whole
  }

  /** Before a statement: BEGIN opens a transaction in a statement-by-statement file. */
  enter(s: Statement): void {
    if (!this.whole && s.transactionControl === 'begin') {
      this.reset()
      this.open = true
    }
  }

  /** After a statement: COMMIT / ROLLBACK ends it; in autocommit every statement ends its own. */
  leave(s: Statement): void {
    if (this.whole) return
    if (!this.open || s.transactionControl === 'commit' || s.transactionControl === 'rollback') {
      this.reset()
      this.open = false
    }
  }

  /** Write-blocking locks taken before `statement` and still held. */
  heldBy(statement: number): HeldLock[] {
    return [...this.held.values()].filter((h) => h.statement !== statement)
  }

  took(statement: number, line: number, locks: Lock[], flagged: boolean): void {
    if (!this.open) return
    for (const l of locks) {
      if (l.mode < SHARE) continue
      const h = this.held.get(l.table)
      if (!h || h.mode < l.mode) this.held.set(l.table, { ...l, statement, line, flagged })
    }
  }

  addedNotValid(table: string, name: string, line: number, mode: number, tables: string[]): void {
    if (this.open) this.notValidAdds.set(`${table}\u0000${name.toLowerCase()}`, { line, mode, tables })
  }

  /** The NOT VALID add of `name` on `table` earlier in this transaction, if any. */
  notValid(table: string, name: string): { line: number; mode: number; tables: string[] } | undefined {
    return this.notValidAdds.get(`${table}\u0000${name.toLowerCase()}`)
  }

  private reset(): void {
    this.held.clear()
    this.notValidAdds.clear()
  }
}
