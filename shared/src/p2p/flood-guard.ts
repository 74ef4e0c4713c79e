// Per-peer rate bound on gossip, checked before anything else a validator does (no decoding, no
// hashing): a token bucket per peer admits GOSSIP_MESSAGES_PER_PEER_PER_SECOND with a burst; messages
// over it are ignored (never forwarded, no P4 penalty: a stale share is not a lie), and counted. A peer
// whose excess keeps growing is a flooder whatever its messages hold — the whole network makes about one
// share per 10 s (docs/design.md) — so once its decaying excess passes a bound the node is told, once, and
// disconnects it. Measured effect: bench/p2p.bench.ts (README, Measured).
import {
  GOSSIP_FLOOD_EXCESS_HALF_LIFE_MS,
  GOSSIP_FLOOD_EXCESS_MESSAGES,
  GOSSIP_MESSAGE_BURST_PER_PEER,
  GOSSIP_MESSAGES_PER_PEER_PER_SECOND
} from './limits'
import { TokenBucket } from '../util/token-bucket'

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

/**
 * Bytes one token of the rate bound pays for: a share (well under 1 KiB) costs 1, a 64 KiB attestation
 * batch 16. So a peer cannot move more bytes through our validators by sending fewer, larger messages.
 */
export const GOSSIP_COST_UNIT_BYTES = 4 * 1024

/** Tokens a gossip message of `bytes` costs its sender. */
export function messageCost(bytes: number): number {
  return 1 + Math.floor(Math.max(0, bytes - 1) / GOSSIP_COST_UNIT_BYTES)
}

/**
 * Excess charged for one RPC frame over gossipsub's inbound size limit (dropped undecoded): a quarter of
 * the flooder bound, so a peer sending such frames is disconnected and banned at the fourth within the
 * excess half-life, while a one-off (a frame swollen by piggybacked control) is forgiven.
 */
export const OVERSIZED_FRAME_EXCESS = GOSSIP_FLOOD_EXCESS_MESSAGES / 4

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
  bucket: TokenBucket
  excess: number
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
   * One gossip message from `peer` costing `cost` tokens (messageCost: one per started
   * GOSSIP_COST_UNIT_BYTES): 'admit' within its rate, 'over-rate' past it, and 'flooder' exactly once,
   * on the message that takes its excess past the bound (that message is over-rate too).
   */
  check(peer: string, cost = 1): FloodGuardDecision {
    if (this.params.messagesPerSecond === Infinity) return 'admit'
    const now = this.now()
    const state = this.stateOf(peer, now)
    if (state.bucket.tryTake(now, cost)) return 'admit'
    return this.addExcess(state, cost)
  }

  /**
   * Charges `excess` messages' worth of misbehaviour to `peer` outright (an RPC frame over the size
   * limit: it was never decoded, so there is nothing to validate or score). 'flooder' once, as check().
   */
  charge(peer: string, excess: number): FloodGuardDecision {
    if (this.params.messagesPerSecond === Infinity) return 'over-rate'
    return this.addExcess(this.stateOf(peer, this.now()), excess)
  }

  private addExcess(state: PeerState, excess: number): FloodGuardDecision {
    state.excess += excess
    if (!state.reported && state.excess >= this.params.flooderExcessMessages) {
      state.reported = true
      return 'flooder'
    }
    return 'over-rate'
  }

  private stateOf(peer: string, now: number): PeerState {
    let state = this.peers.get(peer)
    if (state === undefined) {
      this.evict(now)
      state = {
        bucket: new TokenBucket(this.params.messagesPerSecond, this.params.burst, now),
        excess: 0,
        reported: false
      }
    } else {
      this.peers.delete(peer) // re-inserted below: Map order = least recently seen first
      const elapsedMs = state.bucket.refill(now)
      state.excess *= Math.pow(0.5, elapsedMs / this.params.excessHalfLifeMs)
    }
    this.peers.set(peer, state)
    return state
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
      if (this.peers.size < MAX_TRACKED_PEERS && now - state.bucket.lastRefillMs < IDLE_PEER_MS) break
      this.peers.delete(peer)
    }
  }
}
