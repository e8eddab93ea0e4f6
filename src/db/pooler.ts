// Run-time detection of a transaction-mode pooler (PgBouncer pool_mode=transaction,
// Supavisor on 6543), whatever the port or URL says. The URL check (url.ts) only
// knows port 6543 and pgbouncer=true; PgBouncer's own default port is 6432, and a
// pooler can listen anywhere.
//
// What no pooler in session mode and no direct connection can do: give two live
// client connections the same server backend, or move one client connection to
// another backend. Both happen in transaction mode, where a backend goes back to
// the pool at the end of every transaction (PgBouncer hands the most recently
// released one out first: server_round_robin = 0, LIFO). So:
//   1. the two connections' backend pids, read at connect, must differ;
//   2. while the migration connection holds a transaction open (pinning its
//      backend), the lock connection must still be on the backend it had, and the
//      migration connection on its own;
//   3. after that transaction ends, the migration connection must still be on it.
// A positive is certain (no false alarm on a direct or session-pooled connection);
// a negative can be luck under concurrency. That is why the lock statement's
// backend is compared too (lockConnectionMoved), and the same pid comparison
// runs inside every transaction that commits a change, the history table's
// creation first (engine/executor.ts runGuardSql): a backend that moves stops
// the run there, before that transaction commits.
import type pg from 'pg'
import { backendPid } from './connect.js'
import { transactionPoolerError, type ConnectionTarget, type ConnectionError } from './url.js'

async function pidOf(c: pg.Client): Promise<number> {
  return (await c.query<{ pid: number }>('SELECT pg_catalog.pg_backend_pid() AS pid')).rows[0]?.pid as number
}

/** Why these two connections look pooled in transaction mode, or undefined when they do not. */
export async function transactionPoolerEvidence(client: pg.Client, lockClient: pg.Client): Promise<string | undefined> {
  const m0 = backendPid(client)
  const l0 = backendPid(lockClient)
  if (m0 === undefined || l0 === undefined) return undefined
  if (m0 === l0) return `two connections of this run were served by the same server backend (pid ${m0})`
  let m1: number
  let l1: number
  try {
    // BEGIN and the pid in one message (one round trip); the transaction pins the backend either way.
    const begun = (await client.query('BEGIN;SELECT pg_catalog.pg_backend_pid() AS pid')) as unknown as pg.QueryResult<{ pid: number }>[]
    m1 = begun[begun.length - 1]?.rows[0]?.pid as number
    l1 = await pidOf(lockClient)
  } finally {
    await client.query('COMMIT')
  }
  const m2 = await pidOf(client)
  if (m1 !== m0 || m2 !== m0) return `the migration connection moved from server backend ${m0} to ${m1 !== m0 ? m1 : m2} between transactions`
  if (l1 !== l0) return `the lock connection moved from server backend ${l0} to ${l1} between transactions`
  return undefined
}

/**
 * After the lock: the lock's transaction runs on the backend the lock connection
 * had at connect. The lock statement returns its backend's pid, so this costs no
 * round trip, and it catches the case the probe above can miss: a transaction
 * pooler hands out the most recently released backend first, so a probe whose
 * connections each get "their" backend back by that rule sees no move, while the
 * lock statement that follows usually lands on the migration connection's.
 */
export function lockConnectionMoved(lockClient: pg.Client, holderPid: number): string | undefined {
  const l0 = backendPid(lockClient)
  if (l0 === undefined || l0 === holderPid) return undefined
  return `the lock connection moved from server backend ${l0} to ${holderPid} between transactions`
}

/** Throws the transaction-pooler refusal (the session-pooler fix) when the connections show one. */
export async function refuseTransactionPooler(target: ConnectionTarget, client: pg.Client, lockClient: pg.Client): Promise<void> {
  const evidence = await transactionPoolerEvidence(client, lockClient)
  if (evidence) throw transactionPoolerError(target, `${evidence}, which only a transaction-mode pooler does`) as ConnectionError
}
