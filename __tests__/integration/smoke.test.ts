import { loadModule, parseSync } from 'libpg-query'
import { freshDatabase } from '../support/db.js'

test('parser and server are reachable', async () => {
  await loadModule()
  expect(parseSync('select 1').stmts).toHaveLength(1)
  const db = await freshDatabase()
  const rows = await db.query<{ one: number }>('select 1 as one')
  expect(rows[0].one).toBe(1)
  await db.drop()
})
