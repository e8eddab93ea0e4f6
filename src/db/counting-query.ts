// A multi-statement simple query that also tells how many statements completed:
// the server sends one CommandComplete per statement, so when the query fails the
// count names the failing statement, even for errors that carry no position.
import type pg from 'pg'

export interface CountedQuery {
  /** One result per statement (array rows). Empty on error. */
  results: pg.QueryArrayResult[]
  error?: unknown
  completed: number
}

export async function queryCountingStatements(client: pg.Client, sql: string): Promise<CountedQuery> {
  // node-postgres emits each protocol message on its connection; this listener is ours alone.
  const connection = (client as unknown as { connection: NodeJS.EventEmitter }).connection
  let completed = 0
  const count = () => {
    completed++
  }
  connection.on('commandComplete', count)
  try {
    const res = (await client.query({ text: sql, rowMode: 'array' })) as unknown as pg.QueryArrayResult | pg.QueryArrayResult[]
    return { results: Array.isArray(res) ? res : [res], completed }
  } catch (error) {
    return { results: [], error, completed }
  } finally {
    connection.off('commandComplete', count)
  }
}
