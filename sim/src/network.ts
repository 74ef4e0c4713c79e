// The simulated network: peers (relays and browser tabs), their gossipsub meshes, and the link model
// (a per-link one-way delay drawn log-normal around a class median when the link opens, packet loss
// paid as retransmission timeouts since libp2p streams are reliable, and a sender's uplink that sends
// one message after another).
import type { ShareChain } from '@otedama/shared/sharechain'
import type { TallyVote } from '@otedama/shared/quorum'
import {
  GOSSIPSUB_D,
  GOSSIPSUB_D_HI,
  RELAYS_PER_BROWSER,
  RELAY_MESH_D,
  type LinkClass,
  type PeerKind,
  type SimConfig
} from './config'
import type { Prng } from './prng'

/** Packets one message is cut into (a typical path MTU payload, bytes). */
const PACKET_BYTES = 1200
/** Retransmissions of one packet before the model gives up doubling the timeout (TCP backs off exponentially). */
const MAX_RETRANSMIT_DOUBLINGS = 6

export interface SimPeer {
  index: number
  kind: PeerKind
  online: boolean
  /** Bumped when the slot's browser leaves and a new one joins: in-flight events for the old one are dropped. */
  generation: number
  chain: ShareChain
  /** Shares (by simulator index) this peer has received by gossip or fetch, validated or not yet: when first received. */
  seen: SeenTimes
  /** Shares waiting for a missing parent or uncle (by its key). */
  waiting: Map<string, { share: number; from: number; live: boolean }[]>
  /** Missing shares already requested (by key). */
  requested: Set<string>
  /** Gossipsub mesh on the share topic: neighbour index -> one-way delay of the link, seconds. */
  mesh: Map<number, number>
  bytesIn: number
  bytesOut: number
  /** Virtual time the uplink is free again. */
  uplinkFreeAt: number
  /** Attestations seen (by simulator index) and votes per template. */
  attestationsSeen: SeenTimes
  votes: Map<number, TallyVote[]>
  confirmedTemplates: Set<number>
  /**
   * Duplicates sent to this peer that the simulator counted when they were sent instead of queueing
   * them (Simulation.deliverDuplicate): arrival time, sequence number, bytes, 1 for a share (0 for an
   * attestation), four numbers each, so a peer that leaves before one arrives can take it back.
   */
  pendingDuplicates: number[]
}

/**
 * Simulator indices (shares, attestations) to the virtual time a peer first held each: one dense array
 * per peer (a peer holds nearly every share), NaN where not held. Same answers as a Map<number, number>
 * at 8 bytes an entry.
 */
export class SeenTimes {
  private times = new Float64Array(0)

  has(index: number): boolean {
    return index < this.times.length && !Number.isNaN(this.times[index])
  }

  get(index: number): number | undefined {
    if (index >= this.times.length) return undefined
    const t = this.times[index]
    return Number.isNaN(t) ? undefined : t
  }

  set(index: number, time: number): void {
    if (index >= this.times.length) {
      const grown = new Float64Array(Math.max(64, 2 * this.times.length, index + 1)).fill(Number.NaN)
      grown.set(this.times)
      this.times = grown
    }
    this.times[index] = time
  }
}

export function linkClassOf(a: PeerKind, b: PeerKind): LinkClass {
  if (a === 'relay' && b === 'relay') return 'relay-relay'
  return a === 'browser' && b === 'browser' ? 'browser-browser' : 'browser-relay'
}

export class LinkModel {
  constructor(
    private readonly config: SimConfig,
    private readonly rng: Prng
  ) {}

  /** One-way delay of a new link between peers of these kinds, seconds. */
  drawDelay(a: PeerKind, b: PeerKind): number {
    const m = this.config.links[linkClassOf(a, b)]
    return this.rng.logNormal(m.medianDelaySeconds, m.delaySigma)
  }

  /** Extra seconds that packet loss costs one message of `bytes` on a link of this class. */
  lossDelay(a: PeerKind, b: PeerKind, bytes: number): number {
    const loss = Math.min(0.99, this.config.links[linkClassOf(a, b)].packetLoss + this.config.extraPacketLoss)
    if (loss <= 0) return 0
    let extra = 0
    const packets = Math.ceil(bytes / PACKET_BYTES)
    for (let i = 0; i < packets; i++) {
      for (let k = 0; this.rng.next() < loss; k++)
        extra += this.config.retransmitSeconds * 2 ** Math.min(k, MAX_RETRANSMIT_DOUBLINGS)
    }
    return extra
  }
}

/** Opens a mesh link both ways (gossipsub grafts are mutual on the share topic). */
export function connect(peers: SimPeer[], links: LinkModel, a: number, b: number): void {
  if (a === b || peers[a].mesh.has(b)) return
  const delay = links.drawDelay(peers[a].kind, peers[b].kind)
  peers[a].mesh.set(b, delay)
  peers[b].mesh.set(a, delay)
}

export function disconnect(peers: SimPeer[], a: number): number[] {
  const neighbours = [...peers[a].mesh.keys()]
  for (const b of neighbours) peers[b].mesh.delete(a)
  peers[a].mesh.clear()
  return neighbours
}

/** Relays graft RELAY_MESH_D other relays (all of them when fewer). */
export function meshRelays(peers: SimPeer[], relays: number[], links: LinkModel, rng: Prng): void {
  for (const r of relays) {
    let tries = 0
    while (countKind(peers, r, 'relay') < Math.min(RELAY_MESH_D, relays.length - 1) && tries++ < 10 * relays.length) {
      connect(peers, links, r, relays[rng.int(relays.length)])
    }
  }
}

/**
 * A browser grafts RELAYS_PER_BROWSER relays (which keep every peer that grafts them) and browsers up to
 * gossipsub's D, choosing among browsers whose mesh is below D_hi.
 */
export function meshBrowser(
  peers: SimPeer[],
  b: number,
  relays: number[],
  browsers: number[],
  links: LinkModel,
  rng: Prng
): void {
  let tries = 0
  while (countKind(peers, b, 'relay') < Math.min(RELAYS_PER_BROWSER, relays.length) && tries++ < 100)
    connect(peers, links, b, relays[rng.int(relays.length)])
  tries = 0
  while (peers[b].mesh.size < GOSSIPSUB_D && tries++ < 20 * GOSSIPSUB_D) {
    const c = browsers[rng.int(browsers.length)]
    if (peers[c].online && peers[c].mesh.size < GOSSIPSUB_D_HI) connect(peers, links, b, c)
  }
}

function countKind(peers: SimPeer[], p: number, kind: PeerKind): number {
  let n = 0
  for (const q of peers[p].mesh.keys()) if (peers[q].kind === kind) n++
  return n
}
