// The run lock (DESIGN 1): a session advisory lock held by a second, idle
// connection, taken by polling pg_try_advisory_lock with backoff. Never block in
// pg_advisory_lock: a blocked waiter deadlocks with CREATE INDEX CONCURRENTLY run
// by the holder (Flyway #1654, golang-migrate #960). The migration connection
// never holds the key, so CIC on it waits for nobody.
import type pg from 'pg'
import { createHash } from 'node:crypto'

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
 * Polls until the lock is ours or `waitMs` has passed. `onWait` is called once,
 * when the first attempt fails, so long waits are visible in the log.
 */
export async function acquireRunLock(
  lockClient: pg.Client,
  key: string,
  waitMs: number,
  onWait?: (holders: LockHolder[]) => void,
  isCancelled: () => boolean = () => false
): Promise<void> {
  const started = Date.now()
  let delay = 50
  let told = false
  for (;;) {
    const r = await lockClient.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key])
    if (r.rows[0]?.ok) return
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

export async function releaseRunLock(lockClient: pg.Client, key: string): Promise<void> {
  await lockClient.query('SELECT pg_advisory_unlock($1::bigint)', [key])
}

/** Who holds the key: pid, application_name and client address from pg_stat_activity. */
export async function lockHolders(client: pg.Client, key: string): Promise<LockHolder[]> {
  const k = BigInt(key)
  const u = BigInt.asUintN(64, k)
  const classid = Number(u >> 32n)
  const objid = Number(u & 0xffffffffn)
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
