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

/** `afterSend` runs once the message is written, while the server works on it. */
export async function queryCountingStatements(client: pg.Client, sql: string, afterSend?: () => void): Promise<CountedQuery> {
  // node-postgres emits each protocol message on its connection; this listener is ours alone.
  const connection = (client as unknown as { connection: NodeJS.EventEmitter }).connection
  let completed = 0
  const count = () => {
    completed++
  }
  connection.on('commandComplete', count)
  try {
    // pg writes the message inside query() when the connection is idle (one query at a time here).
    const pending = client.query({ text: sql, rowMode: 'array' })
    afterSend?.()
    const res = (await pending) as unknown as pg.QueryArrayResult | pg.QueryArrayResult[]
    return { results: Array.isArray(res) ? res : [res], completed }
  } catch (error) {
    return { results: [], error, completed }
  } finally {
    connection.off('commandComplete', count)
  }
}
