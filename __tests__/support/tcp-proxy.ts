// A small TCP proxy in front of the embedded Postgres, for fault injection.
//
//   const proxy = await startTcpProxy({ listenLater: true })   // port reserved, nothing listens: ECONNREFUSED
//   const url = proxy.url(adminUrl())                           // same URL, proxy's host and port
//   setTimeout(() => proxy.listen(), 1000)                      // start accepting later
//
// Faults, all changeable while running:
//   refuseFirst(k)         the next k connections are reset at once (client sees ECONNRESET / terminated)
//   failFirst(k, sqlstate) the next k connections get a Postgres FATAL ErrorResponse (e.g. 57P03, 53300)
//   pause() / resume()     stop / restart forwarding in both directions (data is held, not lost)
//   cutAfterBytes(n, dir)  forward n more bytes in that direction on each connection, then cut it
//   cutAll()               destroy every live connection now
//   onChunk                hook deciding per chunk: 'forward' | 'drop' | 'cut'
//   blackhole()            new connections are accepted and never answered; live ones stop forwarding
//                          silently in both directions (no RST, no FIN: a dead network path)
//   cutAfterCommit(opts)   watch the client->server stream for a simple Query holding COMMIT (and `match`);
//                          forward it, then cut the connection when the server's COMMIT reply arrives, before
//                          any of that reply reaches the client: the server committed, the client never knows
//   tls                    terminate TLS with this key/cert (answers SSLRequest with 'S'); requireTls
//                          answers a plain start-up with FATAL 28000, like a hostssl-only pg_hba.conf
import net from 'node:net'
import tls from 'node:tls'

export type Direction = 'toServer' | 'toClient'
export type ChunkVerdict = 'forward' | 'drop' | 'cut'

export interface TcpProxyOptions {
  /** Where to forward. Default: the host and port of PGSHIFT_TEST_ADMIN_URL. */
  targetHost?: string
  targetPort?: number
  listenHost?: string
  /** Reserve a free port but do not listen until listen() is called. */
  listenLater?: boolean
  refuseFirst?: number
  failFirst?: { count: number; sqlstate: string; message?: string }
  paused?: boolean
  tls?: { key: string | Buffer; cert: string | Buffer }
  requireTls?: boolean
  onChunk?: (dir: Direction, chunk: Buffer, connection: number) => ChunkVerdict
}

export interface TcpProxyStats {
  accepted: number
  refused: number
  failed: number
  forwardedToServer: number
  forwardedToClient: number
  live: number
  tlsConnections: number
  blackholed: number
  commitCuts: number
}

export interface CommitCutOptions {
  /** Only a Query whose text also contains this arms the cut. */
  match?: string | RegExp
  /** How many cuts to make (default 1); later COMMITs pass. */
  times?: number
}

const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104

function errorResponse(sqlstate: string, message: string): Buffer {
  const fields = Buffer.concat([
    Buffer.from('SFATAL\0VFATAL\0', 'utf8'),
    Buffer.from(`C${sqlstate}\0M${message}\0`, 'utf8'),
    Buffer.from([0])
  ])
  const head = Buffer.alloc(5)
  head.write('E', 0, 'ascii')
  head.writeInt32BE(fields.length + 4, 1)
  return Buffer.concat([head, fields])
}

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, host, () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

interface Link {
  id: number
  client: net.Socket
  server?: net.Socket
  held: { dir: Direction; chunk: Buffer }[]
  budget: Partial<Record<Direction, number>>
  closed: boolean
  /** Client->server bytes not yet framed into whole messages (for cutAfterCommit). */
  framing?: { buf: Buffer; typed: boolean }
  /** A COMMIT query went to the server: cut when its reply comes. */
  commitArmed?: boolean
  replyTail?: Buffer
}

export class TcpProxy {
  readonly host: string
  readonly port: number
  readonly targetHost: string
  readonly targetPort: number
  readonly stats: TcpProxyStats = { accepted: 0, refused: 0, failed: 0, forwardedToServer: 0, forwardedToClient: 0, live: 0, tlsConnections: 0, blackholed: 0, commitCuts: 0 }
  private server: net.Server | undefined
  private links = new Set<Link>()
  private nextId = 1
  private refuseLeft: number
  private failLeft: number
  private failWith: { sqlstate: string; message: string }
  private isPaused: boolean
  private cut: Partial<Record<Direction, number>> = {}
  private readonly opts: TcpProxyOptions
  private closed = false
  private isBlackholed = false
  private sinks = new Set<net.Socket>()
  private commitCut: { match?: string | RegExp; left: number } | undefined

  constructor(host: string, port: number, opts: TcpProxyOptions, targetHost: string, targetPort: number) {
    this.host = host
    this.port = port
    this.opts = opts
    this.targetHost = targetHost
    this.targetPort = targetPort
    this.refuseLeft = opts.refuseFirst ?? 0
    this.failLeft = opts.failFirst?.count ?? 0
    this.failWith = { sqlstate: opts.failFirst?.sqlstate ?? '57P03', message: opts.failFirst?.message ?? 'the database system is starting up' }
    this.isPaused = opts.paused ?? false
  }

  /** `base` with the proxy's host and port (the rest unchanged, byte for byte). */
  url(base: string): string {
    return base.replace(/@([^@/?#]+)(?=[/?#]|$)/, `@${this.host}:${this.port}`)
  }

  get listening(): boolean {
    return this.server?.listening ?? false
  }

  /** Starts accepting connections (for listenLater). A no-op once closed, so a late timer cannot leak a server. */
  async listen(): Promise<void> {
    if (this.server || this.closed) return
    const server = net.createServer((socket) => this.accept(socket))
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, this.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  }

  refuseFirst(k: number): void {
    this.refuseLeft = k
  }

  failFirst(k: number, sqlstate: string, message = 'injected by tcp-proxy'): void {
    this.failLeft = k
    this.failWith = { sqlstate, message }
  }

  pause(): void {
    this.isPaused = true
  }

  resume(): void {
    this.isPaused = false
    for (const link of this.links) this.flush(link)
  }

  /** Each live and future connection forwards `n` more bytes in `dir`, then is cut. */
  cutAfterBytes(n: number, dir: Direction = 'toClient'): void {
    this.cut[dir] = n
    for (const link of this.links) link.budget[dir] = n
  }

  cutAll(): void {
    for (const link of [...this.links]) this.drop(link)
    for (const s of [...this.sinks]) s.destroy()
    this.sinks.clear()
  }

  /** A dead path: everything sent is swallowed, nothing comes back, nothing is closed. */
  blackhole(): void {
    this.isBlackholed = true
  }

  /** Back to forwarding for new connections (blackholed live ones stay dead). */
  unblackhole(): void {
    this.isBlackholed = false
  }

  /** Lose the acknowledgement of the next COMMIT(s): see the header. */
  cutAfterCommit(opts: CommitCutOptions = {}): void {
    this.commitCut = { match: opts.match, left: opts.times ?? 1 }
    for (const link of this.links) link.framing ??= { buf: Buffer.alloc(0), typed: false }
  }

  /** Stops listening and cuts every connection. */
  async close(): Promise<void> {
    this.closed = true
    this.cutAll()
    const server = this.server
    if (!server) return
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** Frames client->server messages; a simple Query holding COMMIT (and the match) arms the cut. */
  private watchForCommit(link: Link, bytes: Buffer): void {
    const f = link.framing as { buf: Buffer; typed: boolean }
    f.buf = Buffer.concat([f.buf, bytes])
    for (;;) {
      const head = f.typed ? 5 : 4
      if (f.buf.length < head) return
      const len = f.buf.readInt32BE(f.typed ? 1 : 0)
      const total = f.typed ? len + 1 : len
      if (f.buf.length < total) return
      const msg = f.buf.subarray(0, total)
      f.buf = f.buf.subarray(total)
      if (!f.typed) {
        // SSL/GSS requests are followed by another untyped message; a start-up message is not.
        const code = msg.readInt32BE(4)
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) f.typed = true
        continue
      }
      if (msg[0] !== 0x51 /* Q */ || !this.commitCut || this.commitCut.left <= 0) continue
      const text = msg.subarray(5).toString('utf8')
      const m = this.commitCut.match
      const matches = m === undefined || (typeof m === 'string' ? text.includes(m) : m.test(text))
      if (/\bCOMMIT\b/i.test(text) && matches) {
        this.commitCut.left--
        link.commitArmed = true
        link.replyTail = Buffer.alloc(0)
      }
    }
  }

  /** Whether the server's reply so far holds the CommandComplete of COMMIT ('C', length, "COMMIT\0"). */
  private commitReplyIn(link: Link, chunk: Buffer): boolean {
    const seen = Buffer.concat([link.replyTail ?? Buffer.alloc(0), chunk])
    link.replyTail = seen.subarray(Math.max(0, seen.length - 16))
    let at = seen.indexOf('COMMIT\0', 0, 'latin1')
    while (at !== -1) {
      if (at >= 5 && seen[at - 5] === 0x43 /* C */) return true
      at = seen.indexOf('COMMIT\0', at + 1, 'latin1')
    }
    return false
  }

  private drop(link: Link): void {
    if (link.closed) return
    link.closed = true
    link.client.destroy()
    link.server?.destroy()
    this.links.delete(link)
    this.stats.live = this.links.size
  }

  private accept(raw: net.Socket): void {
    this.stats.accepted++
    raw.on('error', () => {})
    if (this.isBlackholed) {
      this.stats.blackholed++
      this.sinks.add(raw)
      raw.on('data', () => {})
      raw.on('close', () => this.sinks.delete(raw))
      return
    }
    if (this.refuseLeft > 0) {
      this.refuseLeft--
      this.stats.refused++
      raw.resetAndDestroy()
      return
    }
    const link: Link = { id: this.nextId++, client: raw, held: [], budget: { ...this.cut }, closed: false, framing: this.commitCut ? { buf: Buffer.alloc(0), typed: false } : undefined }
    this.links.add(link)
    this.stats.live = this.links.size
    raw.on('close', () => this.drop(link))
    if (this.failLeft > 0 || this.opts.tls) {
      this.negotiate(link, raw)
    } else {
      this.startForwarding(link, raw, Buffer.alloc(0))
    }
  }

  /** Reads the start-up packets: answers SSL/GSS requests, injects failures, terminates TLS. */
  private negotiate(link: Link, socket: net.Socket | tls.TLSSocket, secure = false): void {
    let buf = Buffer.alloc(0)
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      if (buf.length < 8) return
      const len = buf.readInt32BE(0)
      if (buf.length < len) return
      const code = buf.readInt32BE(4)
      socket.off('data', onData)
      const rest = buf.subarray(len)
      if (code === SSL_REQUEST && !secure) {
        if (this.opts.tls) {
          socket.write('S')
          const secureSocket = new tls.TLSSocket(socket as net.Socket, { isServer: true, key: this.opts.tls.key, cert: this.opts.tls.cert })
          secureSocket.on('error', () => this.drop(link))
          this.stats.tlsConnections++
          link.client = secureSocket
          this.negotiate(link, secureSocket, true)
          return
        }
        socket.write('N')
        this.negotiate(link, socket, secure)
        if (rest.length) socket.emit('data', rest)
        return
      }
      if (code === GSSENC_REQUEST) {
        socket.write('N')
        this.negotiate(link, socket, secure)
        if (rest.length) socket.emit('data', rest)
        return
      }
      // A start-up message.
      if (this.failLeft > 0) {
        this.failLeft--
        this.stats.failed++
        socket.end(errorResponse(this.failWith.sqlstate, this.failWith.message))
        return
      }
      if (this.opts.requireTls && !secure) {
        this.stats.failed++
        socket.end(errorResponse('28000', 'no pg_hba.conf entry for host "127.0.0.1", no encryption (tcp-proxy requireTls)'))
        return
      }
      this.startForwarding(link, socket, buf)
    }
    socket.on('data', onData)
  }

  private startForwarding(link: Link, client: net.Socket | tls.TLSSocket, first: Buffer): void {
    const server = net.connect(this.targetPort, this.targetHost)
    link.server = server
    server.on('error', () => this.drop(link))
    server.on('close', () => this.drop(link))
    if (first.length) link.held.push({ dir: 'toServer', chunk: first })
    client.on('data', (chunk: Buffer) => {
      link.held.push({ dir: 'toServer', chunk })
      this.flush(link)
    })
    server.on('data', (chunk: Buffer) => {
      link.held.push({ dir: 'toClient', chunk })
      this.flush(link)
    })
    server.on('connect', () => this.flush(link))
  }

  private flush(link: Link): void {
    if (this.isPaused || link.closed || !link.server || link.server.connecting) return
    while (link.held.length > 0 && !link.closed) {
      const { dir, chunk } = link.held.shift() as { dir: Direction; chunk: Buffer }
      if (this.isBlackholed) continue
      if (dir === 'toClient' && link.commitArmed && this.commitReplyIn(link, chunk)) {
        this.stats.commitCuts++
        this.drop(link)
        return
      }
      const verdict = this.opts.onChunk?.(dir, chunk, link.id) ?? 'forward'
      if (verdict === 'drop') continue
      if (verdict === 'cut') {
        this.drop(link)
        return
      }
      let out = chunk
      const budget = link.budget[dir]
      if (budget !== undefined) {
        out = chunk.subarray(0, Math.max(0, budget))
        link.budget[dir] = budget - out.length
      }
      const to = dir === 'toServer' ? link.server : link.client
      if (dir === 'toServer' && link.framing && out.length) this.watchForCommit(link, out)
      if (out.length) to.write(out)
      if (dir === 'toServer') this.stats.forwardedToServer += out.length
      else this.stats.forwardedToClient += out.length
      if (budget !== undefined && out.length < chunk.length) {
        // Let the partial write reach the peer, then cut.
        setImmediate(() => this.drop(link))
        return
      }
      if (budget !== undefined && link.budget[dir] === 0) {
        setImmediate(() => this.drop(link))
        return
      }
    }
  }
}

export async function startTcpProxy(opts: TcpProxyOptions = {}): Promise<TcpProxy> {
  let targetHost = opts.targetHost
  let targetPort = opts.targetPort
  if (!targetHost || !targetPort) {
    const admin = process.env.PGSHIFT_TEST_ADMIN_URL
    if (!admin) throw new Error('startTcpProxy: give targetHost/targetPort or run under jest (PGSHIFT_TEST_ADMIN_URL)')
    const u = new URL(admin)
    targetHost ??= u.hostname
    targetPort ??= Number(u.port || 5432)
  }
  const host = opts.listenHost ?? '127.0.0.1'
  const port = await freePort(host)
  const proxy = new TcpProxy(host, port, opts, targetHost, targetPort)
  if (!opts.listenLater) await proxy.listen()
  return proxy
}
