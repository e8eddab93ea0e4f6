// The run lock (DESIGN 1): an advisory lock held by a second connection, taken by
// polling pg_try_advisory_xact_lock with backoff. Never block in
// pg_advisory_lock: a blocked waiter deadlocks with CREATE INDEX CONCURRENTLY run
// by the holder (Flyway #1654, golang-migrate #960). The migration connection
// never holds the key, so CIC on it waits for nobody.
//
// The lock lives inside a transaction that stays open on the lock connection for
// the whole run (docs/RELIABILITY.md, "The run lock"), not as a session lock:
// - An open transaction pins one server session even through a transaction-mode
//   pooler (PgBouncer, Supavisor), so the lock and everything done on the lock
//   connection stay on one backend. A session lock taken through such a pooler
//   lands on whichever backend served that statement: another client can then
//   "take" it again on the same backend, and the unlock goes elsewhere, leaving
//   the lock held by a pooled backend for good (issue 13).
// - It ends with the transaction: ROLLBACK, a closed connection, a killed backend
//   or a pooler dropping the server all release it. Nothing can leave it behind.
// - The transaction has no xid and, between statements, no snapshot
//   (backend_xmin is null), so it holds back neither VACUUM nor CREATE INDEX
//   CONCURRENTLY, which waits only for transactions that hold a snapshot.
// - idle_session_timeout does not apply inside a transaction, and the
//   transaction turns idle_in_transaction_session_timeout and (PG 17)
//   transaction_timeout off for itself: an idle cut cannot take the lock away
//   in the middle of a run.
// The key is the same lock tag as a session lock on it, so older pgshift runners
// (and a psql session holding pg_advisory_lock(key)) still exclude each other.
// Whether the lock is still held is checked, on the server, inside each
// migration's transaction before its COMMIT (engine/executor.ts, runGuardSql).
// The check does not read pg_locks (pg_lock_status copies the whole lock table:
// about 0.6 ms a call, 0.6-0.9 s of server time at 1,000 migrations). The lock's
// transaction also takes a second advisory lock on a random key of its own (the
// run's witness, in the two-int4 key space): both are transaction locks of one
// transaction, so both end together and nothing releases one alone. The guard
// tries the witness from the migration connection: if the try succeeds, the lock
// transaction is gone and so is the run lock.
import type pg from 'pg'
import { createHash, randomBytes } from 'node:crypto'

/** A stable 64-bit key per history schema, so two pgshift setups in one database don't block each other. */
export function lockKey(historySchema: string): string {
  const h = createHash('sha256').update(`pgshift:${historySchema}`).digest()
  return h.readBigInt64BE(0).toString()
}

/** Seconds for messages: 0.3s, 4.5s, 60s (a sub-second lock-wait must not read "0s"). */
export function seconds(ms: number): string {
  return `${ms < 10_000 ? Math.round(ms / 100) / 10 : Math.round(ms / 1000)}s`
}

export interface LockHolder {
  pid: number
  applicationName: string
  clientAddr: string | null
  backendStart: string
  state: string | null
}

export class LockNotAcquired extends Error {
  constructor(
    readonly waitedMs: number,
    readonly holders: LockHolder[]
  ) {
    const who = holders.length
      ? holders.map((h) => `pid ${h.pid} (${h.applicationName || 'no application_name'}${h.clientAddr ? ` from ${h.clientAddr}` : ''}, connected ${h.backendStart})`).join('; ')
      : 'a session that has since gone'
    super(`another runner holds the pgshift lock: ${who}; waited ${seconds(waitedMs)} (lock-wait)`)
    this.name = 'LockNotAcquired'
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * The run's witness: a random two-int4 advisory key that the lock's transaction
 * holds with the run lock (see the header). Held by nobody else: a try from any
 * other session fails exactly while that transaction is open.
 */
export interface Witness {
  a: number
  b: number
}

export function newWitness(): Witness {
  const r = randomBytes(8)
  return { a: r.readInt32BE(0), b: r.readInt32BE(4) }
}

/** The lock as taken: the key, the server backend that holds it and the run's witness (for the per-commit check). */
export interface RunLock {
  key: string
  holderPid: number
  witness: Witness
}

/**
 * One attempt: a transaction that turns off the timeouts that would end it while
 * it idles (only those the server has), then tries the key and, once the key is
 * ours, the witness (both in one statement: CASE evaluates the second only after
 * the first succeeded). The key is a decimal bigint we computed (lockKey), the
 * witness two integers, so both are inlined: one round trip.
 */
export function tryLockSql(key: string, witness: Witness): string {
  if (!/^-?\d+$/.test(key)) throw new Error(`not a lock key: ${key}`)
  if (![witness.a, witness.b].every((x) => Number.isSafeInteger(x) && x >= -(2 ** 31) && x < 2 ** 31)) throw new Error('not a witness key')
  return (
    "BEGIN;SELECT pg_catalog.set_config(name, '0', true) FROM pg_catalog.pg_settings WHERE name IN ('idle_in_transaction_session_timeout', 'transaction_timeout');" +
    `SELECT CASE WHEN pg_catalog.pg_try_advisory_xact_lock(${key}::bigint) THEN pg_catalog.pg_try_advisory_xact_lock(${witness.a}, ${witness.b}) ELSE false END AS ok, pg_catalog.pg_backend_pid() AS pid`
  )
}

/**
 * Polls until the lock is ours or `waitMs` has passed. `onWait` is called once,
 * when the first attempt fails, so long waits are visible in the log. On success
 * the lock connection is left inside the transaction that holds the lock.
 */
export async function acquireRunLock(
  lockClient: pg.Client,
  key: string,
  waitMs: number,
  onWait?: (holders: LockHolder[]) => void,
  isCancelled: () => boolean = () => false
): Promise<RunLock> {
  const started = Date.now()
  let delay = 50
  let told = false
  for (;;) {
    // A new witness each attempt: a key some other session happens to hold fails only that attempt.
    const witness = newWitness()
    const results = (await lockClient.query(tryLockSql(key, witness))) as unknown as pg.QueryResult<{ ok: boolean; pid: number }>[]
    const row = results[results.length - 1]?.rows[0]
    if (row?.ok) return { key, holderPid: row.pid, witness }
    await lockClient.query('ROLLBACK')
    const waited = Date.now() - started
    if (isCancelled()) throw Object.assign(new Error('cancelled while waiting for the pgshift lock'), { next: 'Nothing was changed: the run was cancelled before it got the lock.' })
    if (waited >= waitMs) throw new LockNotAcquired(waited, await lockHolders(lockClient, key))
    if (!told && onWait) {
      told = true
      onWait(await lockHolders(lockClient, key))
    }
    await sleep(Math.min(delay, Math.max(0, waitMs - waited)) + Math.floor(Math.random() * 20))
    delay = Math.min(delay * 2, 1000)
  }
}

/** Ends the lock's transaction, which releases the lock. */
export async function releaseRunLock(lockClient: pg.Client): Promise<void> {
  await lockClient.query('ROLLBACK')
}

/** The key as pg_locks shows it: classid (high 32 bits) and objid (low 32 bits), objsubid 1. */
export function lockKeyParts(key: string): { classid: number; objid: number } {
  const u = BigInt.asUintN(64, BigInt(key))
  return { classid: Number(u >> 32n), objid: Number(u & 0xffffffffn) }
}

/** Who holds the key: pid, application_name and client address from pg_stat_activity. */
export async function lockHolders(client: pg.Client, key: string): Promise<LockHolder[]> {
  const { classid, objid } = lockKeyParts(key)
  const r = await client.query(
    `SELECT a.pid, a.application_name, host(a.client_addr) AS client_addr, a.backend_start, a.state
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [classid, objid]
  )
  return r.rows.map((x) => ({
    pid: x.pid,
    applicationName: x.application_name,
    clientAddr: x.client_addr,
    backendStart: new Date(x.backend_start).toISOString(),
    state: x.state
  }))
}
