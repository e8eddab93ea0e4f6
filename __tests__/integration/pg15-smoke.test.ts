import { adminUrl15, freshDatabase } from '../support/db.js'

test('the run also has a Postgres 15 server', async () => {
  const db = await freshDatabase(adminUrl15())
  try {
    const [row] = await db.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")
    expect(Number(row.v)).toBeGreaterThanOrEqual(150000)
    expect(Number(row.v)).toBeLessThan(160000)
  } finally {
    await db.drop()
  }
})
