// A migration that runs long says it is alive (issue 19): every interval (10 s by
// default; PGSHIFT_HEARTBEAT, a duration such as 500ms or 30s, or off) one line with
// the time so far and the statement running now, file:line. A file that runs as one
// transaction is sent in one round trip, so there the line names the transaction's
// first statement and says so; statement-by-statement files name the exact statement. The CLI prints it under
// the migration's title; the action logs it inside the migration's log group.
import { parseDuration } from '../settings.js'
import type { RunLogger } from './run.js'

/** Where the executor is: updated before each statement (and as a transactional file's statements complete). */
export interface ExecCursor {
  file: string
  /** 1-based line of the statement running now, in `file`. */
  line?: number
  /** 1-based statement number and the file's count. */
  statement?: number
  total?: number
  /** The file runs as one transaction in one round trip: which statement runs now is not known. */
  transaction?: boolean
}

export const DEFAULT_HEARTBEAT_MS = 10_000

export function heartbeatMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = (env.PGSHIFT_HEARTBEAT ?? '').trim().toLowerCase()
  if (v === '') return DEFAULT_HEARTBEAT_MS
  if (v === 'off' || v === '0') return 0
  const ms = parseDuration(v)
  return ms === undefined ? DEFAULT_HEARTBEAT_MS : Math.max(100, ms)
}

export function heartbeatText(label: string, elapsedMs: number, c: ExecCursor): string {
  const where = c.line ? `${c.file}:${c.line}` : c.file
  const which = c.transaction
    ? `one transaction of ${c.total ?? '?'} statement${c.total === 1 ? '' : 's'} from `
    : c.statement
      ? `statement ${c.statement}${c.total ? ` of ${c.total}` : ''} at `
      : 'at '
  return `${label}: still running after ${Math.round(elapsedMs / 1000)} s, ${which}${where}`
}

/** Runs `fn` with a cursor it can move; every interval, logs where it is. */
export async function withHeartbeat<T>(log: RunLogger, label: string, file: string, fn: (cursor: ExecCursor) => Promise<T>): Promise<T> {
  const cursor: ExecCursor = { file }
  const every = heartbeatMs()
  if (every === 0) return fn(cursor)
  const started = performance.now()
  const timer = setInterval(() => {
    const text = heartbeatText(label, performance.now() - started, cursor)
    if (log.heartbeat) log.heartbeat(text)
    else log.info(text)
  }, every)
  timer.unref()
  try {
    return await fn(cursor)
  } finally {
    clearInterval(timer)
  }
}
