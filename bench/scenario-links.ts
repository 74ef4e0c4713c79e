// The scenario bench's links and meters: a loopback TCP proxy that delays bytes by a settable one-way
// delay with jitter (each direction on its own; byte order kept, as TCP keeps it), and a sampler of any
// process's CPU and resident memory from /proc. Not a benchmark itself (no .bench.ts suffix).
import { readFileSync } from 'node:fs'
import { connect, createServer, type Socket } from 'node:net'

/** Chunks in flight through one proxy at most (bounded memory; past it the link is closed). */
const MAX_DELAYED_CHUNKS = 100_000
/** Linux clock ticks per second for /proc/<pid>/stat utime and stime (USER_HZ, 100 on every Linux ABI). */
const CLOCK_TICKS_PER_SECOND = 100
/** /proc/<pid>/statm counts pages of this size (bytes). */
const PAGE_BYTES = 4096

export interface LinkDelay {
  /** Mean one-way delay (ms). */
  meanMs: number
  /** Each chunk's delay is uniform in meanMs ± jitterMs, but never earlier than the chunk before it. */
  jitterMs: number
}

export interface DelayProxy {
  readonly port: number
  /** Applies to chunks that arrive from now on. */
  setDelay(delay: LinkDelay): void
  close(): Promise<void>
}

/**
 * Why a byte-delaying proxy and not a delay inside gossip: it delays everything on the link (noise
 * handshakes, yamux windows, gossipsub control frames, sync replies, pings) as a long link does, with
 * no change to the code under test, and without root (tc netem would need it and would touch every
 * process on this shared machine).
 */
export async function startDelayProxy(targetPort: number, initial: LinkDelay): Promise<DelayProxy> {
  let delay = initial
  const sockets = new Set<Socket>()
  let inFlight = 0
  const pipeDelayed = (from: Socket, to: Socket): void => {
    // Deliveries are due in order: a chunk is never sent before the one ahead of it (TCP keeps order).
    // One queue and one timer per direction: a timer per chunk does not keep order (Node fires timers of
    // different durations that fall due in the same millisecond in either order), and with jitter that
    // reordered bytes inside a noise stream, which then stalled for good.
    const queue: Array<{ dueAt: number; deliver: () => void }> = []
    let timer: NodeJS.Timeout | undefined
    let lastDueAt = 0
    const flush = (): void => {
      timer = undefined
      const now = performance.now()
      while (queue.length > 0 && queue[0].dueAt <= now) queue.shift()!.deliver()
      if (queue.length > 0) timer = setTimeout(flush, Math.max(0, queue[0].dueAt - now))
    }
    const later = (deliver: () => void): void => {
      if (delay.meanMs === 0 && queue.length === 0) return deliver()
      const jitter = delay.jitterMs === 0 ? 0 : (Math.random() * 2 - 1) * delay.jitterMs
      lastDueAt = Math.max(lastDueAt, performance.now() + Math.max(0, delay.meanMs + jitter))
      queue.push({ dueAt: lastDueAt, deliver })
      if (timer === undefined) timer = setTimeout(flush, Math.max(0, lastDueAt - performance.now()))
    }
    from.on('data', (chunk) => {
      if (++inFlight > MAX_DELAYED_CHUNKS) return void from.destroy()
      later(() => {
        inFlight--
        if (!to.destroyed) to.write(chunk)
      })
    })
    from.on('end', () => later(() => to.end()))
    from.on('error', () => to.destroy())
    from.on('close', () => later(() => to.destroy()))
  }
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1')
    client.setNoDelay(true)
    upstream.setNoDelay(true)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
    }
    pipeDelayed(client, upstream)
    pipeDelayed(upstream, client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    setDelay: (d) => {
      delay = d
    },
    close: async () =>
      await new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}

export interface ProcessSample {
  /** CPU seconds (user + system, all threads) since the process started. */
  cpuSeconds: number
  rssBytes: number
}

/** One reading of /proc/<pid>: undefined once the process is gone. */
export function readProcess(pid: number): ProcessSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces), from its closing parenthesis: state is field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const utime = Number(fields[11])
    const stime = Number(fields[12])
    const rssPages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1])
    return { cpuSeconds: (utime + stime) / CLOCK_TICKS_PER_SECOND, rssBytes: rssPages * PAGE_BYTES }
  } catch {
    return undefined
  }
}

export interface ProcessSeries {
  role: string
  pid: number
  /** Per second: CPU (% of one core over that second) and RSS (bytes). */
  cpuPercent: number[]
  rssBytes: number[]
  /** Phase label of each second. */
  phase: string[]
}

/** Samples every process once a second: CPU over each second from the /proc counters, and RSS. */
export class ProcessMeter {
  readonly series: ProcessSeries[] = []
  private last = new Map<number, { at: number; cpuSeconds: number }>()
  private timer: NodeJS.Timeout | undefined
  phase = 'setup'

  add(role: string, pid: number): void {
    this.series.push({ role, pid, cpuPercent: [], rssBytes: [], phase: [] })
  }

  start(intervalMs: number): void {
    this.sample()
    this.timer = setInterval(() => this.sample(), intervalMs)
  }

  stop(): void {
    clearInterval(this.timer)
  }

  private sample(): void {
    const at = performance.now()
    for (const s of this.series) {
      const now = readProcess(s.pid)
      if (now === undefined) continue
      const before = this.last.get(s.pid)
      this.last.set(s.pid, { at, cpuSeconds: now.cpuSeconds })
      if (before === undefined) continue
      s.cpuPercent.push((100 * (now.cpuSeconds - before.cpuSeconds)) / ((at - before.at) / 1000))
      s.rssBytes.push(now.rssBytes)
      s.phase.push(this.phase)
    }
  }
}
