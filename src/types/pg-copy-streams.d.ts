// The part of pg-copy-streams (COPY ... TO STDOUT as a readable stream) that pgshift uses.
declare module 'pg-copy-streams' {
  import type { Readable } from 'node:stream'
  import type { Submittable } from 'pg'
  export interface CopyToStream extends Readable, Submittable {
    /** Rows copied, known once the stream ends (from the server's COPY n tag). */
    rowCount: number
  }
  export function to(sql: string): CopyToStream
}
