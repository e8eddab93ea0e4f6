// A fresh database per test, on the run's embedded Postgres.
import pg from 'pg'
import { randomBytes } from 'node:crypto'

export function adminUrl(): string {
  const url = process.env.PGSHIFT_TEST_ADMIN_URL
  if (!url) throw new Error('PGSHIFT_TEST_ADMIN_URL is not set: run the tests through jest (globalSetup starts Postgres)')
  return url
}

/** The Postgres 15 server of the run (the Supabase shim and pg_dump tests need it). */
export function adminUrl15(): string {
  const url = process.env.PGSHIFT_TEST_ADMIN_URL_15
  if (!url) throw new Error('PGSHIFT_TEST_ADMIN_URL_15 is not set: run the tests through jest (globalSetup starts Postgres)')
  return url
}

export function urlFor(database: string, base = adminUrl()): string {
  const u = new URL(base)
  u.pathname = `/${database}`
  return u.toString()
}

export interface TestDatabase {
  name: string
  url: string
  query: <R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>
  drop: () => Promise<void>
}

/** A new empty database on the run's Postgres 17, or on the one given by `admin` (e.g. adminUrl15()). */
export async function freshDatabase(admin = adminUrl()): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`
  await withClient(admin, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0`))
  const url = urlFor(name, admin)
  return {
    name,
    url,
    query: async (sql, params) => withClient(url, async (c) => (await c.query(sql, params)).rows),
    drop: async () => {
      await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
    }
  }
}

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}
