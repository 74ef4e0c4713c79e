// How well each relay link serves this tab (failover): its latency (libp2p ping round trip), the errors
// it caused (failed dials, messages our validators rejected), and the age of its last template. A relay
// is a good work source while it is linked, its last template is fresh and it has not lied lately; a
// relay that dropped is redialled with a backoff that doubles per failed dial.

/** A template older than this no longer counts as fresh work (ms): devnet announces a template per block (one a minute), daemons re-announce on new transactions (30 s). */
export const TEMPLATE_FRESH_MS = 3 * 60_000
/** Errors are forgotten after this long (ms): a relay that erred once is trusted again later. */
export const ERROR_MEMORY_MS = 5 * 60_000
/** Errors within ERROR_MEMORY_MS that make a relay unfit as a work source (count): one rejected message may be a race, several are a liar. */
export const MAX_RECENT_ERRORS = 3
/** Redial backoff after a relay dropped (ms): first retry at once, then doubling from MIN to MAX per failed dial. */
export const REDIAL_MIN_MS = 500
export const REDIAL_MAX_MS = 30_000
/** Latency counted against a relay whose round trip is not measured yet (ms). */
const UNMEASURED_LATENCY_MS = 1_000

export interface RelayLinkHealth {
  id: string
  connected: boolean
  /** Last ping round trip (ms). */
  latencyMs?: number
  /** Errors within ERROR_MEMORY_MS. */
  recentErrors: number
  /** Wall-clock ms of the last template this relay published that we accepted. */
  lastTemplateAt?: number
  /** Failed dials since it was last linked. */
  dialFailures: number
  /** Earliest wall-clock ms of the next dial. */
  nextDialAt: number
  /** Higher is better; below 0: unfit as a work source (not linked, lying, or no fresh template). */
  score: number
}

interface Entry {
  connected: boolean
  latencyMs?: number
  errors: number[]
  lastTemplateAt?: number
  dialFailures: number
  nextDialAt: number
}

export class RelayHealthBook {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly now: () => number = Date.now) {}

  private entry(id: string): Entry {
    let e = this.entries.get(id)
    if (e === undefined) {
      e = { connected: false, errors: [], dialFailures: 0, nextDialAt: 0 }
      this.entries.set(id, e)
    }
    return e
  }

  linked(id: string): void {
    const e = this.entry(id)
    e.connected = true
    e.dialFailures = 0
    e.nextDialAt = 0
  }

  /** The link closed: the first redial may go at once. */
  dropped(id: string): void {
    const e = this.entry(id)
    e.connected = false
    e.nextDialAt = this.now()
  }

  dialFailed(id: string): void {
    const e = this.entry(id)
    e.connected = false
    e.dialFailures++
    e.nextDialAt = this.now() + redialDelayMs(e.dialFailures)
  }

  /** Whether a dial to this relay is due now (backoff passed). */
  dialDue(id: string): boolean {
    return this.entry(id).nextDialAt <= this.now()
  }

  latency(id: string, ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.entry(id).latencyMs = ms
  }

  /** A message of this relay our validators rejected, or work it served that proved wrong. */
  error(id: string): void {
    const e = this.entry(id)
    e.errors.push(this.now())
    if (e.errors.length > MAX_RECENT_ERRORS * 4) e.errors.splice(0, e.errors.length - MAX_RECENT_ERRORS * 4)
  }

  templateSeen(id: string): void {
    this.entry(id).lastTemplateAt = this.now()
  }

  has(id: string): boolean {
    return this.entries.has(id)
  }

  get(id: string): RelayLinkHealth {
    const e = this.entry(id)
    const now = this.now()
    const recentErrors = e.errors.filter((t) => now - t < ERROR_MEMORY_MS).length
    const fresh = e.lastTemplateAt !== undefined && now - e.lastTemplateAt < TEMPLATE_FRESH_MS
    // Unfit (negative) when unlinked, lying or without fresh work; else the faster and the fresher the better.
    const unfit = !e.connected || recentErrors >= MAX_RECENT_ERRORS || !fresh
    const latency = e.latencyMs ?? UNMEASURED_LATENCY_MS
    const age = e.lastTemplateAt === undefined ? TEMPLATE_FRESH_MS : now - e.lastTemplateAt
    const score = (unfit ? -1_000_000 : 0) - latency - age / 1_000 - recentErrors * 100
    return {
      id,
      connected: e.connected,
      ...(e.latencyMs !== undefined ? { latencyMs: e.latencyMs } : {}),
      recentErrors,
      ...(e.lastTemplateAt !== undefined ? { lastTemplateAt: e.lastTemplateAt } : {}),
      dialFailures: e.dialFailures,
      nextDialAt: e.nextDialAt,
      score
    }
  }

  all(): RelayLinkHealth[] {
    return [...this.entries.keys()].map((id) => this.get(id)).sort((a, b) => b.score - a.score)
  }
}

/** Delay before the next dial after `failures` failed dials in a row (ms). */
export function redialDelayMs(failures: number): number {
  if (failures <= 0) return 0
  return Math.min(REDIAL_MAX_MS, REDIAL_MIN_MS * 2 ** (failures - 1))
}
