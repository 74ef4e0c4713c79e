// The live metrics stream (Server-Sent Events): one JSON frame a second to every client, with a cap on
// clients in all and per IP (one client holding every slot would deny the stream to everyone), and
// backpressure: a client that does not read its frames is dropped once its backlog passes a bound,
// instead of the relay buffering frames for it without end.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createLogger } from '@otedama/shared/log'
import { clientIp } from './guard'

const log = createLogger('http/stream')

/** Live stream clients at once (connections); more get 503. */
export const MAX_STREAM_CLIENTS = 256
/** Live stream clients from one IP address (a few tabs and a dashboard); more get 429. */
export const MAX_STREAM_CLIENTS_PER_IP = 4
/** Metrics push period (ms): DESIGN's 1-second metrics. */
export const STREAM_INTERVAL_MS = 1000
/** Frames a client may leave unread in the relay's buffer (bytes, beyond the kernel's): ~30 frames. */
export const MAX_STREAM_BACKLOG_BYTES = 16 * 1024

export interface StreamCounters {
  /** Clients dropped for not reading their frames. */
  slowDropped: number
  /** Refused: per-IP cap (429) and global cap (503). */
  refusedPerIp: number
  refusedFull: number
}

interface Client {
  res: ServerResponse
  ip: string
}

type Refusal = { status: 429 | 503; code: string; message: string }

export class LiveStream {
  readonly counters: StreamCounters = { slowDropped: 0, refusedPerIp: 0, refusedFull: 0 }
  private readonly clients = new Set<Client>()
  private readonly perIp = new Map<string, number>()
  private readonly timer: ReturnType<typeof setInterval>

  constructor(
    private readonly frame: () => unknown,
    private readonly maxClients = MAX_STREAM_CLIENTS,
    private readonly maxPerIp = MAX_STREAM_CLIENTS_PER_IP
  ) {
    this.timer = setInterval(() => this.push(), STREAM_INTERVAL_MS)
    this.timer.unref()
  }

  get size(): number {
    return this.clients.size
  }

  /** Opens a stream on `res`, or returns why not (the caller answers with that). */
  open(req: IncomingMessage, res: ServerResponse): Refusal | undefined {
    const ip = clientIp(req.socket)
    if ((this.perIp.get(ip) ?? 0) >= this.maxPerIp) {
      this.counters.refusedPerIp++
      return {
        status: 429,
        code: 'too-many-streams',
        message: `at most ${this.maxPerIp} live streams per address; close one first`
      }
    }
    if (this.clients.size >= this.maxClients) {
      this.counters.refusedFull++
      return { status: 503, code: 'busy', message: `the live stream is full (${this.maxClients} clients); retry later` }
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no'
    })
    res.write(`retry: ${STREAM_INTERVAL_MS * 3}\n\ndata: ${JSON.stringify(this.frame())}\n\n`)
    const client: Client = { res, ip }
    this.clients.add(client)
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1)
    let gone = false
    const drop = (): void => {
      if (gone) return
      gone = true
      this.clients.delete(client)
      const left = (this.perIp.get(ip) ?? 1) - 1
      if (left <= 0) this.perIp.delete(ip)
      else this.perIp.set(ip, left)
    }
    req.on('close', drop)
    res.on('close', drop)
    res.on('error', drop)
    return undefined
  }

  private push(): void {
    if (this.clients.size === 0) return
    const frame = `data: ${JSON.stringify(this.frame())}\n\n`
    for (const client of this.clients) {
      if (client.res.writableLength > MAX_STREAM_BACKLOG_BYTES) {
        this.counters.slowDropped++
        log.info(`${client.ip}: live stream client ${client.res.writableLength} bytes behind, dropped`)
        client.res.destroy()
        continue
      }
      client.res.write(frame)
    }
  }

  /** Ends every stream and the push timer. */
  close(): void {
    clearInterval(this.timer)
    for (const client of this.clients) client.res.end()
    this.clients.clear()
    this.perIp.clear()
  }
}
