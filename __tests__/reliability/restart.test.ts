// The database is not there yet (T17) or the path to it is dead (blackhole): a
// dedicated Postgres of this test is stopped and started later; the shared server
// of the run is never touched.
import { dedicatedPostgres, startCli, type DedicatedPostgres } from '../support/faults.js'
import { startTcpProxy } from '../support/tcp-proxy.js'
import { withClient } from '../support/db.js'
import { makeWorkspace } from '../support/workspace.js'

let server: DedicatedPostgres
beforeAll(async () => {
  server = await dedicatedPostgres()
}, 120_000)
afterAll(async () => {
  await server?.destroy()
})

const WS = { '001_a.sql': 'CREATE TABLE a (id int);\n', '002_b.sql': 'CREATE TABLE b (id int);\n' }

test('T17 Postgres stopped, started after the run began: the CLI waits through ECONNREFUSED, then applies', async () => {
  await server.stop()
  const cli = startCli(makeWorkspace(WS), ['apply', '--connect-timeout', '60s'], { DATABASE_URL: server.url })
  await cli.waitForStderr(/waiting for .*attempt 2/)
  await server.start()
  const r = await cli.done
  expect(r.stderr).toMatch(/connection refused/i)
  expect(r.code).toBe(0)
  const rows = await withClient(server.url, async (c) => (await c.query('SELECT identity FROM pgshift.schema_history ORDER BY 1')).rows)
  expect(rows.map((x) => x.identity)).toEqual(['001_a', '002_b'])
}, 120_000)

test('T17 with connect-timeout 0 a stopped server fails at once with advice, and nothing is retried', async () => {
  await server.stop()
  try {
    const r = await startCli(makeWorkspace(WS), ['apply', '--connect-timeout', '0'], { DATABASE_URL: server.url }).done
    expect(r.code).toBe(1)
    expect(r.stdout + r.stderr).toMatch(/ECONNREFUSED|not accepting connections/)
    expect(r.stderr).not.toMatch(/attempt 2/)
  } finally {
    await server.start()
  }
}, 60_000)

test('a blackholed path (accepts, never answers): the attempt times out after connect_timeout with a clear error, no hang', async () => {
  const proxy = await startTcpProxy({ targetHost: '127.0.0.1', targetPort: server.port })
  proxy.blackhole()
  try {
    const url = proxy.url(server.url) + '?connect_timeout=2'
    const r = await startCli(makeWorkspace(WS), ['apply', '--connect-timeout', '0'], { DATABASE_URL: url }).done
    expect(proxy.stats.blackholed).toBeGreaterThanOrEqual(1)
    expect(r.code).toBe(1)
    expect(r.stdout + r.stderr).toMatch(/did not answer|ETIMEDOUT|timeout/i)
  } finally {
    await proxy.close()
  }
}, 60_000)
