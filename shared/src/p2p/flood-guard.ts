// Per-peer rate bound on gossip, checked before anything else a validator does (no decoding, no
// hashing): a token bucket per peer admits GOSSIP_MESSAGES_PER_PEER_PER_SECOND with a burst; messages
// over it are ignored (never forwarded, no P4 penalty: a stale share is not a lie), and counted. A peer
// whose excess keeps growing is a flooder whatever its messages hold — the whole network makes about one
// share per 10 s (DESIGN.md) — so once its decaying excess passes a bound the node is told, once, and
// disconnects it. Measured effect: bench/p2p.bench.ts (README, Measured).
import {
  GOSSIP_FLOOD_EXCESS_HALF_LIFE_MS,
  GOSSIP_FLOOD_EXCESS_MESSAGES,
  GOSSIP_MESSAGE_BURST_PER_PEER,
  GOSSIP_MESSAGES_PER_PEER_PER_SECOND
} from './limits'

export interface FloodGuardParams {
  /** Sustained gossip messages per second one peer may send (all validated topics together). */
  messagesPerSecond: number
  /** Messages a peer may send at once above the sustained rate (bucket size). */
  burst: number
  /** Ignored over-rate messages (decaying, see excessHalfLifeMs) at which a peer is reported as a flooder. */
  flooderExcessMessages: number
  /** Half-life of the excess count (ms): a brief overshoot is forgotten, a sustained flood is not. */
  excessHalfLifeMs: number
}

export const defaultFloodGuardParams: Readonly<FloodGuardParams> = {
  messagesPerSecond: GOSSIP_MESSAGES_PER_PEER_PER_SECOND,
  burst: GOSSIP_MESSAGE_BURST_PER_PEER,
  flooderExcessMessages: GOSSIP_FLOOD_EXCESS_MESSAGES,
  excessHalfLifeMs: GOSSIP_FLOOD_EXCESS_HALF_LIFE_MS
}

export class FloodGuardParamsError extends Error {
  constructor(message: string) {
    super(`flood guard: ${message}`)
    this.name = 'FloodGuardParamsError'
  }
}

export function createFloodGuardParams(partial: Partial<FloodGuardParams> = {}): FloodGuardParams {
  const params = { ...defaultFloodGuardParams, ...partial }
  for (const [name, value] of Object.entries(params)) {
    if (!(value > 0)) throw new FloodGuardParamsError(`${name} must be > 0 (use Infinity to disable), got ${value}`)
  }
  if (params.burst < 1) throw new FloodGuardParamsError(`burst must be >= 1 message, got ${params.burst}`)
  return params
}

/** Peers tracked at most; idle ones are dropped first (a peer's state is a few numbers). */
const MAX_TRACKED_PEERS = 10_000
/** A peer's state is forgotten after this long without a message (ms). */
const IDLE_PEER_MS = 60_000

interface PeerState {
  tokens: number
  excess: number
  updatedMs: number
  reported: boolean
}

export type FloodGuardDecision = 'admit' | 'over-rate' | 'flooder'

export class PeerFloodGuard {
  private readonly peers = new Map<string, PeerState>()

  constructor(
    private readonly params: FloodGuardParams = createFloodGuardParams(),
    private readonly now: () => number = Date.now
  ) {}

  /**
   * One gossip message from `peer`: 'admit' within its rate, 'over-rate' past it, and 'flooder' exactly
   * once, on the message that takes its excess past the bound (that message is over-rate too).
   */
  check(peer: string): FloodGuardDecision {
    if (this.params.messagesPerSecond === Infinity) return 'admit'
    const now = this.now()
    let state = this.peers.get(peer)
    if (state === undefined) {
      this.evict(now)
      state = { tokens: this.params.burst, excess: 0, updatedMs: now, reported: false }
    } else {
      this.peers.delete(peer) // re-inserted below: Map order = least recently seen first
      const elapsedMs = Math.max(0, now - state.updatedMs) // clocks may step back
      state.tokens = Math.min(this.params.burst, state.tokens + (elapsedMs / 1000) * this.params.messagesPerSecond)
      state.excess *= Math.pow(0.5, elapsedMs / this.params.excessHalfLifeMs)
      state.updatedMs = now
    }
    this.peers.set(peer, state)
    if (state.tokens >= 1) {
      state.tokens -= 1
      return 'admit'
    }
    state.excess += 1
    if (!state.reported && state.excess >= this.params.flooderExcessMessages) {
      state.reported = true
      return 'flooder'
    }
    return 'over-rate'
  }

  /** Forgets a peer (disconnected); a flooder that comes back starts with a full bucket but is banned. */
  forget(peer: string): void {
    this.peers.delete(peer)
  }

  get trackedPeers(): number {
    return this.peers.size
  }

  private evict(now: number): void {
    for (const [peer, state] of this.peers) {
      if (this.peers.size < MAX_TRACKED_PEERS && now - state.updatedMs < IDLE_PEER_MS) break
      this.peers.delete(peer)
    }
  }
}
