// The run guard (engine/executor.ts runGuardSql) proves the run lock through its
// witness (db/lock.ts): a random key the lock's transaction holds with the run lock.
// These cases run the guard's SQL on a second connection, as the executor does,
// against the real server's lock table.
import pg from 'pg'
import { acquireRunLock, lockKey, releaseRunLock, tryLockSql, type RunLock } from '../../src/db/lock.js'
import { LOCK_LOST_SQLSTATE, runGuardSql } from '../../src/engine/executor.js'
import { freshDatabase, withClient, adminUrl, type TestDatabase } from '../support/db.js'

let db: TestDatabase
let lockClient: pg.Client
let migration: pg.Client
const key = lockKey('pgshift')

beforeEach(async () => {
  db = await freshDatabase()
  lockClient = new pg.Client({ connectionString: db.url })
  migration = new pg.Client({ connectionString: db.url })
  lockClient.on('error', () => {})
  await Promise.all([lockClient.connect(), migration.connect()])
})
afterEach(async () => {
  await Promise.all([lockClient.end().catch(() => {}), migration.end().catch(() => {})])
  await db.drop()
})

/** Runs the guard inside a transaction on the migration connection; the error's SQLSTATE, or 'ok'. */
async function guard(runLock: RunLock): Promise<string> {
  try {
    await migration.query(`BEGIN;${runGuardSql({ client: migration, runLock })};COMMIT`)
    return 'ok'
  } catch (e) {
    await migration.query('ROLLBACK')
    return (e as { code?: string }).code ?? 'no code'
  }
}

/** The advisory locks the server shows, by holder: [pid, objsubid] (objsubid 1: a bigint key, 2: two int4 keys). */
async function advisory(): Promise<Array<{ pid: number; objsubid: number }>> {
  return db.query(`SELECT pid, objsubid::int FROM pg_locks WHERE locktype = 'advisory' AND granted ORDER BY objsubid`)
}

test('while the lock transaction is open the guard passes, and the migration connection is left holding nothing', async () => {
  const runLock = await acquireRunLock(lockClient, key, 1000)
  // The lock's transaction holds the run key and the witness, nothing else does.
  expect(await advisory()).toEqual([
    { pid: runLock.holderPid, objsubid: 1 },
    { pid: runLock.holderPid, objsubid: 2 }
  ])
  for (let i = 0; i < 3; i++) expect(await guard(runLock)).toBe('ok')
  // A failed try takes nothing: still only the lock transaction's two locks.
  await migration.query('BEGIN')
  await migration.query(runGuardSql({ client: migration, runLock }))
  expect((await advisory()).map((r) => r.pid)).toEqual([runLock.holderPid, runLock.holderPid])
  await migration.query('ROLLBACK')
})

test('the lock transaction ended (ROLLBACK): the guard raises PGSLK and the transaction it guards rolls back', async () => {
  const runLock = await acquireRunLock(lockClient, key, 1000)
  await releaseRunLock(lockClient)
  await migration.query('CREATE TABLE t (x int)')
  await expect(migration.query(`BEGIN;INSERT INTO t VALUES (1);${runGuardSql({ client: migration, runLock })};COMMIT`)).rejects.toMatchObject({ code: LOCK_LOST_SQLSTATE })
  await migration.query('ROLLBACK')
  expect(await db.query('SELECT * FROM t')).toEqual([])
  // The witness the failed try took went with the rolled-back transaction.
  expect(await advisory()).toEqual([])
})

test('the lock backend terminated: PGSLK', async () => {
  const runLock = await acquireRunLock(lockClient, key, 1000)
  await withClient(adminUrl(), (c) => c.query('SELECT pg_terminate_backend($1)', [runLock.holderPid]))
  expect(await guard(runLock)).toBe(LOCK_LOST_SQLSTATE)
})

test('another session holds the run key after ours was lost: the guard still raises (it proves our transaction, not the key)', async () => {
  const runLock = await acquireRunLock(lockClient, key, 1000)
  await releaseRunLock(lockClient)
  const other = new pg.Client({ connectionString: db.url })
  await other.connect()
  try {
    await other.query('SELECT pg_advisory_lock($1::bigint)', [key])
    expect(await guard(runLock)).toBe(LOCK_LOST_SQLSTATE)
  } finally {
    await other.end()
  }
})

test('an attempt whose witness some other session holds fails and releases the run key; the next attempt takes a new witness', async () => {
  const witness = { a: 12345, b: -678 }
  const other = new pg.Client({ connectionString: db.url })
  await other.connect()
  try {
    await other.query('SELECT pg_advisory_lock(12345, -678)')
    const r = (await lockClient.query(tryLockSql(key, witness))) as unknown as pg.QueryResult<{ ok: boolean }>[]
    expect(r[r.length - 1]?.rows[0]?.ok).toBe(false)
    await lockClient.query('ROLLBACK')
    const runLock = await acquireRunLock(lockClient, key, 1000)
    expect(runLock.witness).not.toEqual(witness)
    expect(await guard(runLock)).toBe('ok')
  } finally {
    await other.end()
  }
})
