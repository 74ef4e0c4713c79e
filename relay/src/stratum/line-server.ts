// The connection base under the Stratum server (after p2pool's tcp_server): a TCP server of
// newline-delimited lines with every limit in one place — line length, message rate, invalid input,
// idle time, connections per IP and in total, slow readers, and IP bans after repeated drops.
// It knows nothing of Stratum: a handler per connection receives lines and the close.
import { createServer, type Server, type Socket } from 'node:net'
import { createLogger } from '@otedama/shared/log'
import { TokenBucket } from '@otedama/shared/util'
import type { BanList } from './ban-list'

const log = createLogger('stratum:net')

export interface LineServerLimits {
  host: string
  port: number
  /** Longest line accepted (bytes, newline excluded). */
  maxLineBytes: number
  maxConnections: number
  maxConnectionsPerIp: number
  /** User-space bytes queued for a client before it is dropped as a slow reader. */
  writeHighWaterBytes: number
  /** Token bucket on lines per connection (lines/s sustained, lines burst). */
  messageRatePerSecond: number
  messageBurst: number
  /** Invalid lines before the connection is dropped. */
  maxInvalidMessages: number
  /** Accept -> ready (subscribed and authorized) deadline (ms). */
  idleBeforeReadyMs: number
  /** Ready connections silent this long are dropped (ms). */
  idleAfterReadyMs: number
  /** How often limits on time are checked (ms). */
  tickMs: number
}

/** Why a connection ended or was refused; `misbehaved` reasons count as strikes toward a ban. */
export type DropReason =
  | 'client-closed'
  | 'socket-error'
  | 'oversize-line'
  | 'invalid-messages'
  | 'rate-limit'
  | 'bad-submits'
  | 'slow-reader'
  | 'idle'
  | 'shutdown'

export type RefuseReason = 'banned' | 'per-ip-limit' | 'server-full' | 'draining'

/**
 * Drops that strike the IP toward a ban: protocol abuse (oversize lines, garbage, floods). A rig with a
 * broken hasher (bad-submits) is dropped alone: other rigs behind the same address keep mining.
 */
const MISBEHAVIOUR: ReadonlySet<DropReason> = new Set(['oversize-line', 'invalid-messages', 'rate-limit'])

export interface LineHandler {
  /** One line, newline and trailing CR removed, never empty. */
  onLine: (line: string) => void
  onClose: (reason: DropReason) => void
}

export interface LineServerCounters {
  accepted: number
  refused: Record<RefuseReason, number>
  dropped: Record<DropReason, number>
  bans: number
}

export class LineConnection {
  readonly acceptedAt: number
  lastLineAt: number
  /** Set by the protocol once the client is set up; switches the idle rule. */
  ready = false
  closed = false
  private pending: Buffer | undefined
  private readonly lineBucket: TokenBucket
  private invalidMessages = 0
  /** The line being handled was given back its rate-limit token (an accepted submit). */
  private lineRefunded = false
  private lineTookToken = false
  handler: LineHandler | undefined

  constructor(
    readonly id: number,
    readonly remoteAddress: string,
    readonly remotePort: number,
    private readonly socket: Socket,
    private readonly server: LineServer
  ) {
    this.acceptedAt = this.lastLineAt = Date.now()
    this.lineBucket = new TokenBucket(server.limits.messageRatePerSecond, server.limits.messageBurst, this.acceptedAt)
  }

  /** Queues text for the client; false (and the connection dropped) when it is a slow reader. */
  send(text: string): boolean {
    if (this.closed) return false
    this.socket.write(text)
    if (this.socket.writableLength > this.server.limits.writeHighWaterBytes) {
      this.drop('slow-reader', `${this.socket.writableLength} bytes unread`)
      return false
    }
    return true
  }

  /** The line being handled does not count toward the rate limit (an accepted submit). */
  refundLine(): void {
    if (this.lineRefunded) return
    this.lineRefunded = true
    if (this.lineTookToken) this.lineBucket.giveBack()
  }

  /** Counts an invalid line; drops the connection at the limit. Returns false once dropped. */
  invalidMessage(detail: string): boolean {
    this.invalidMessages++
    if (this.invalidMessages >= this.server.limits.maxInvalidMessages) {
      this.drop('invalid-messages', `${this.invalidMessages} invalid lines, last: ${detail}`)
      return false
    }
    return true
  }

  /** Closes the connection; misbehaviour reasons add a strike against the IP (maybe a ban). */
  drop(reason: DropReason, detail = ''): void {
    if (this.closed) return
    this.closed = true
    this.server.onDropped(this, reason, detail)
    this.socket.destroy()
  }

  /** Ends the connection after flushing what is queued (graceful). */
  end(): void {
    if (this.closed) return
    this.socket.end()
  }

  /** @internal */
  onData(chunk: Buffer): void {
    const max = this.server.limits.maxLineBytes
    let start = 0
    for (;;) {
      const newline = chunk.indexOf(10, start)
      if (newline === -1) break
      let line: Buffer
      if (this.pending !== undefined) {
        line = Buffer.concat([this.pending, chunk.subarray(start, newline)])
        this.pending = undefined
      } else {
        line = chunk.subarray(start, newline)
      }
      start = newline + 1
      if (line.length > max) return this.drop('oversize-line', `line of ${line.length} bytes`)
      let end = line.length
      while (end > 0 && (line[end - 1] === 13 || line[end - 1] === 32)) end--
      if (end === 0) continue
      // The line is handled first: an accepted submit gives its token back, so only other lines
      // (garbage, rejected submits, chatter) can exhaust the bucket.
      this.lastLineAt = Date.now()
      this.lineTookToken = this.lineBucket.tryTake(this.lastLineAt)
      this.lineRefunded = false
      this.handler?.onLine(line.toString('utf8', 0, end))
      if (this.closed) return
      if (!this.lineTookToken && !this.lineRefunded)
        return this.drop(
          'rate-limit',
          `more than ${this.server.limits.messageRatePerSecond} lines/s besides accepted shares`
        )
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start)
      // Copy: keeping a view would pin the whole chunk for as long as a slow client takes.
      this.pending = this.pending === undefined ? Buffer.from(rest) : Buffer.concat([this.pending, rest])
      if (this.pending.length > max) this.drop('oversize-line', `over ${max} bytes without a newline`)
    }
  }
}

export class LineServer {
  readonly counters: LineServerCounters = {
    accepted: 0,
    refused: { banned: 0, 'per-ip-limit': 0, 'server-full': 0, draining: 0 },
    dropped: {
      'client-closed': 0,
      'socket-error': 0,
      'oversize-line': 0,
      'invalid-messages': 0,
      'rate-limit': 0,
      'bad-submits': 0,
      'slow-reader': 0,
      idle: 0,
      shutdown: 0
    },
    bans: 0
  }

  private readonly server: Server
  private readonly live = new Set<LineConnection>()
  private readonly perIp = new Map<string, number>()
  private nextId = 1
  private draining = false
  private ticker: NodeJS.Timeout | undefined
  private closed: Promise<void> = Promise.resolve()

  constructor(
    readonly limits: LineServerLimits,
    readonly bans: BanList,
    private readonly createHandler: (conn: LineConnection) => LineHandler
  ) {
    this.server = createServer({ noDelay: true }, (socket) => this.onSocket(socket))
    this.server.on('error', (err) => log.error('listener error', err))
  }

  async listen(): Promise<{ host: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      // Large backlog: thousands of rigs reconnect at once after a relay restart (ckpool uses 8192).
      this.server.listen({ host: this.limits.host, port: this.limits.port, backlog: 8192 }, () => {
        this.server.off('error', reject)
        resolve()
      })
    })
    this.ticker = setInterval(() => this.checkIdle(), this.limits.tickMs)
    this.ticker.unref()
    const address = this.server.address()
    if (address === null || typeof address === 'string') throw new Error('Stratum listener has no TCP address')
    return { host: address.address, port: address.port }
  }

  connections(): IterableIterator<LineConnection> {
    return this.live.values()
  }

  get size(): number {
    return this.live.size
  }

  /** Stops accepting; live connections stay until closed by the caller or their clients. */
  stopAccepting(): void {
    this.draining = true
    if (this.ticker !== undefined) clearInterval(this.ticker)
    if (this.server.listening) {
      // net.Server.close calls back only once every connection is gone: closeAll() awaits that.
      this.closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    }
  }

  /** Destroys every live connection and resolves when the listener is fully closed. */
  async closeAll(reason: DropReason = 'shutdown'): Promise<void> {
    this.stopAccepting()
    for (const conn of [...this.live]) conn.drop(reason)
    await this.closed
  }

  /** @internal: bookkeeping for a connection that ended (dropped by us or closed by the client). */
  onDropped(conn: LineConnection, reason: DropReason, detail: string): void {
    if (!this.live.delete(conn)) return
    const n = (this.perIp.get(conn.remoteAddress) ?? 1) - 1
    if (n <= 0) this.perIp.delete(conn.remoteAddress)
    else this.perIp.set(conn.remoteAddress, n)
    this.counters.dropped[reason]++
    if (MISBEHAVIOUR.has(reason)) {
      log.info(`dropped ${conn.remoteAddress}:${conn.remotePort} (${reason}): ${detail}`)
      if (this.bans.strike(conn.remoteAddress, `${reason}: ${detail}`) !== undefined) {
        this.counters.bans++
        // Banned: new connections from the IP are refused; its other connections that have not set
        // up a rig are closed, rigs already mining behind the same address keep going.
        for (const other of [...this.live])
          if (other.remoteAddress === conn.remoteAddress && !other.ready) other.drop('shutdown', 'IP banned')
      }
    } else if (reason !== 'client-closed' && reason !== 'shutdown') {
      log.debug(`dropped ${conn.remoteAddress}:${conn.remotePort} (${reason}): ${detail}`)
    }
    try {
      conn.handler?.onClose(reason)
    } catch (err) {
      log.error('close handler failed', err)
    }
  }

  private onSocket(socket: Socket): void {
    const address = socket.remoteAddress ?? 'unknown'
    const refuse = this.refusal(address)
    if (refuse !== undefined) {
      this.counters.refused[refuse]++
      socket.on('error', () => {})
      socket.destroy()
      return
    }
    this.counters.accepted++
    this.perIp.set(address, (this.perIp.get(address) ?? 0) + 1)
    const conn = new LineConnection(this.nextId++, address, socket.remotePort ?? 0, socket, this)
    this.live.add(conn)
    socket.on('data', (chunk: Buffer) => conn.onData(chunk))
    socket.on('error', (err) => {
      if (conn.closed) return
      conn.closed = true
      this.onDropped(conn, 'socket-error', err.message)
    })
    socket.on('close', () => {
      if (conn.closed) return
      conn.closed = true
      this.onDropped(conn, 'client-closed', '')
    })
    conn.handler = this.createHandler(conn)
  }

  private refusal(address: string): RefuseReason | undefined {
    if (this.draining) return 'draining'
    if (this.bans.banOf(address) !== undefined) return 'banned'
    if (this.live.size >= this.limits.maxConnections) return 'server-full'
    if ((this.perIp.get(address) ?? 0) >= this.limits.maxConnectionsPerIp) return 'per-ip-limit'
    return undefined
  }

  private checkIdle(): void {
    const now = Date.now()
    for (const conn of [...this.live]) {
      if (!conn.ready && now - conn.acceptedAt > this.limits.idleBeforeReadyMs) {
        conn.drop('idle', 'not subscribed and authorized in time')
      } else if (conn.ready && now - conn.lastLineAt > this.limits.idleAfterReadyMs) {
        conn.drop('idle', `silent for ${Math.round((now - conn.lastLineAt) / 1000)} s`)
      }
    }
  }
}
