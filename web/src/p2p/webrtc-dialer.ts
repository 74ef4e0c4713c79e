// Browsers reach each other directly: a browser announces its `/p2p-circuit/webrtc` addresses (through
// its relay reservation) on the discovery topic; on discovering one we dial it, the relay carries the
// SDP/ICE signalling, and the data then flows browser to browser.
//
// One side dials. Discovery is symmetric, so two tabs see each other within the same announcement
// interval and, dialling at once, open two RTCPeerConnections over two relayed signalling links. Under CPU
// load (e2e/webrtc.e2e.ts with two busy loops beside it) the initiator half of both often never
// completed: each tab was left holding only the recipient half of a different connection, which the
// other side aborted a few seconds after the relay went away. So the tab whose peer id sorts lower
// dials; the other dials only if, RESPONDER_GRACE_MS after its first sighting, there is still no direct
// link (the lower tab may be full or its dials may keep failing).
//
// The dialer keeps its own timers rather than waiting for the next sighting: a tab re-announces the same
// addresses, gossipsub gives those identical messages the same id and delivers them once per seen-cache
// lifetime (minutes), so a failed dial would otherwise wait that long. Under load a dial's signalling
// can stall after the responder already opened its half (e2e runs with three busy loops: "signal timed
// out" after 10 s, then nothing for the rest of the test); the lower tab retries with backoff.
import type { Libp2p, PeerInfo } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { WebRTC } from '@multiformats/multiaddr-matcher'
import { createLogger } from '@otedama/shared/log'
import { errorMessage, BoundedMap } from '@otedama/shared/util'

const log = createLogger('p2p:webrtc')

/** Direct WebRTC links a browser keeps (gossipsub's mesh wants D = 6; a few spare). */
export const MAX_BROWSER_LINKS = 8
/** How long the higher-id tab leaves the dial to the lower-id one before dialling itself (ms). */
export const RESPONDER_GRACE_MS = 8_000
/** First retry after a failed dial (ms); doubled per failure up to MAX_RETRY_DELAY_MS. */
export const FIRST_RETRY_DELAY_MS = 2_000
export const MAX_RETRY_DELAY_MS = 30_000
/** Failed dials to one peer before the dialer waits for a new sighting (new addresses, or the seen cache expired). */
export const MAX_DIAL_ATTEMPTS = 6
/** How long one WebRTC dial (signalling through the relay, ICE, handshake) may take (ms). */
export const WEBRTC_DIAL_TIMEOUT_MS = 15_000
/** Peers we keep dial state for at most (the rest are simply treated as new). */
const MAX_REMEMBERED_PEERS = 1_000

export function isWebRtcAddress(addr: Multiaddr): boolean {
  return WebRTC.matches(addr)
}

/** True when the tab with id `self` is the one that dials `peer` first (the lower id dials). */
export function dialsFirst(self: string, peer: string): boolean {
  return self < peer
}

/** Timers the dialer schedules (tests drive them by hand). */
export interface DialTimers {
  set(fn: () => void, ms: number): unknown
  clear(handle: unknown): void
}

const realTimers: DialTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>)
}

interface PeerDialState {
  addrs: Multiaddr[]
  failures: number
  timer?: unknown
}

/** A dial error with the per-address causes libp2p wraps in an AggregateError. */
function dialErrorMessage(err: unknown): string {
  const causes = err instanceof AggregateError ? err.errors.map((e: unknown) => errorMessage(e)) : []
  return causes.length > 0 ? `${errorMessage(err)}: ${causes.join('; ')}` : errorMessage(err)
}

export class WebRtcDialer {
  private readonly dialing = new Set<string>()
  private readonly peers = new BoundedMap<string, PeerDialState>(MAX_REMEMBERED_PEERS)
  private stopped = false
  dialed = 0
  failed = 0

  constructor(
    private readonly node: Libp2p,
    private readonly timers: DialTimers = realTimers
  ) {}

  /** A tab announced itself on the discovery topic (tab-discovery.ts hands us every tab sighting). */
  sighted(info: PeerInfo): void {
    const addrs = info.multiaddrs.filter(isWebRtcAddress)
    if (addrs.length === 0 || this.stopped) return
    const peer = info.id.toString()
    if (this.hasDirectLink(peer)) return this.forget(peer)
    const known = this.peers.get(peer)
    if (known !== undefined) {
      // A new sighting: fresh addresses, and a peer that had exhausted its attempts gets a new round.
      known.addrs = addrs
      if (known.timer === undefined && !this.dialing.has(peer)) {
        known.failures = 0
        this.schedule(peer, known, dialsFirst(this.node.peerId.toString(), peer) ? 0 : RESPONDER_GRACE_MS)
      }
      return
    }
    const state: PeerDialState = { addrs, failures: 0 }
    this.peers.set(peer, state)
    if (dialsFirst(this.node.peerId.toString(), peer)) void this.dial(peer, state)
    else this.schedule(peer, state, RESPONDER_GRACE_MS)
  }

  /** Direct WebRTC connections (not the relayed signalling link). */
  directLinks(): number {
    return this.node.getConnections().filter((c) => c.multiplexer === '/webrtc' && c.limits == null).length
  }

  /** Cancels every pending retry (the node is stopping). */
  stop(): void {
    this.stopped = true
    for (const state of this.peers.values()) if (state.timer !== undefined) this.timers.clear(state.timer)
    this.peers.clear()
  }

  private hasDirectLink(peer: string): boolean {
    return this.node.getConnections().some((c) => c.remotePeer.toString() === peer && c.multiplexer === '/webrtc')
  }

  private forget(peer: string): void {
    const state = this.peers.get(peer)
    if (state?.timer !== undefined) this.timers.clear(state.timer)
    this.peers.delete(peer)
  }

  private schedule(peer: string, state: PeerDialState, delayMs: number): void {
    if (state.timer !== undefined) this.timers.clear(state.timer)
    state.timer = this.timers.set(() => {
      state.timer = undefined
      if (this.stopped || this.peers.get(peer) !== state) return
      if (this.hasDirectLink(peer)) return this.forget(peer)
      void this.dial(peer, state)
    }, delayMs)
  }

  private async dial(peer: string, state: PeerDialState): Promise<void> {
    if (this.dialing.has(peer) || this.hasDirectLink(peer)) return
    if (this.directLinks() >= MAX_BROWSER_LINKS) return // full: the other side may dial us after its grace
    this.dialing.add(peer)
    const lower = dialsFirst(this.node.peerId.toString(), peer)
    log.debug(
      `dialling ${peer} over WebRTC (${lower ? 'lower id dials first' : 'no link after the grace period'}${state.failures > 0 ? `, attempt ${state.failures + 1}` : ''})`
    )
    try {
      await this.node.dial(state.addrs, { signal: AbortSignal.timeout(WEBRTC_DIAL_TIMEOUT_MS) })
      this.dialed++
      this.forget(peer)
    } catch (err) {
      this.failed++
      state.failures++
      log.debug(`WebRTC dial to ${peer} failed: ${dialErrorMessage(err)}`)
      if (!this.stopped && state.failures < MAX_DIAL_ATTEMPTS && this.peers.get(peer) === state) {
        this.schedule(peer, state, Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** (state.failures - 1)))
      }
    } finally {
      this.dialing.delete(peer)
    }
  }
}
