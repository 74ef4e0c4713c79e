// Shared parts of the P2P benchmarks (p2p, p2p-relays, p2p-browser): bench shares with real sha256d PoW
// under an easy target, a light gossip peer (what a browser is to a relay), child-process plumbing and
// percentiles. Not a benchmark itself (no .bench.ts suffix).
import type { ChildProcess } from 'node:child_process'
import { ACCEPT, ignore, reject, SHARE_HEADER_OFFSET, type Verdict } from '@otedama/shared/p2p'
import {
  createGossipScorePolicy,
  GossipRouter,
  networkTopics,
  sharedGossipOptions,
  type PublishableTopicKind,
  type PubSubLike,
  type ValidatedTopicKind
} from '@otedama/shared/p2p'
import { sha256d } from '@otedama/shared/primitives'
import '../relay/src/p2p/shims'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { PeerId } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { startDelayProxy as startLinkProxy } from './scenario-links'

export const HEADER_BYTES = 80
/** Payload byte 0: 1 = stale share (valid PoW, ignored by the validator, never penalised). */
export const STALE_FLAG_OFFSET = SHARE_HEADER_OFFSET + HEADER_BYTES
/** Payload bytes 1..8: the publisher's wall clock (ms, float64) so any process can time a hop. */
export const STAMP_OFFSET = STALE_FLAG_OFFSET + 1
/** ~ a real share (~620 B). */
export const SHARE_BYTES = SHARE_HEADER_OFFSET + HEADER_BYTES + 400
/** Largest bench share the validator takes (the share topic's real limit is 4 KiB). */
const MAX_BENCH_SHARE_BYTES = 4096

/** Wall clock with sub-ms resolution, comparable across processes on one machine. */
export function wallNowMs(): number {
  return performance.timeOrigin + performance.now()
}

/** sha256d(header) with its top nibble zero: a 1/16 target, so a share costs ~16 hashes to make. */
function meets(header: Uint8Array): boolean {
  return sha256d(header)[31] < 16
}

/** A share whose header carries `seq`; forged = the PoW fails (a hostile peer's share). */
export function makeShare(seq: number, stale: boolean, forged = false): Uint8Array {
  const share = new Uint8Array(SHARE_BYTES)
  share[0] = 1
  share[STALE_FLAG_OFFSET] = stale ? 1 : 0
  const header = share.subarray(SHARE_HEADER_OFFSET, SHARE_HEADER_OFFSET + HEADER_BYTES)
  const view = new DataView(header.buffer, header.byteOffset, HEADER_BYTES)
  view.setFloat64(4, seq)
  view.setFloat64(12, Math.random())
  for (let nonce = 0; ; nonce++) {
    view.setUint32(76, nonce, true)
    if (meets(header) !== forged) return share
  }
}

export function seqOf(share: Uint8Array): number {
  return new DataView(share.buffer, share.byteOffset + SHARE_HEADER_OFFSET).getFloat64(4)
}

/** Writes the publish time into the payload (outside the header: the share id does not change). */
export function stamp(share: Uint8Array): Uint8Array {
  new DataView(share.buffer, share.byteOffset + STAMP_OFFSET).setFloat64(0, wallNowMs())
  return share
}

export function stampOf(share: Uint8Array): number {
  return new DataView(share.buffer, share.byteOffset + STAMP_OFFSET).getFloat64(0)
}

/** Cheapest checks first: size, version, the hash, then the stale flag. */
export function validateBenchShare(bytes: Uint8Array): Verdict {
  if (bytes.length < STAMP_OFFSET + 8 || bytes.length > MAX_BENCH_SHARE_BYTES) return reject('size')
  if (bytes[0] !== 1) return reject('version')
  if (!meets(bytes.subarray(SHARE_HEADER_OFFSET, SHARE_HEADER_OFFSET + HEADER_BYTES))) return reject('pow')
  if (bytes[STALE_FLAG_OFFSET] === 1) return ignore('stale')
  return ACCEPT
}

/** A light peer, as a browser is to the relay: one link to a relay, gossipsub under the shared policy. */
export interface LightPeer {
  readonly peerId: string
  publish(kind: PublishableTopicKind, bytes: Uint8Array): Promise<number>
  on(kind: ValidatedTopicKind, handler: (bytes: Uint8Array) => void): () => void
  stop(): Promise<void>
}

export async function startLightPeer(relayAddr: string): Promise<LightPeer> {
  const topics = networkTopics('devnet')
  const policy = createGossipScorePolicy()
  const node = await createLibp2p({
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub: gossipsub({ ...sharedGossipOptions(topics, policy), doPX: false }) }
  })
  const router = new GossipRouter<PeerId>({
    pubsub: node.services.pubsub as unknown as PubSubLike<PeerId>,
    topics,
    validators: { share: (bytes) => validateBenchShare(bytes) },
    graylistThreshold: policy.graylistThreshold
  })
  router.start()
  await node.dial(multiaddr(relayAddr))
  return {
    peerId: node.peerId.toString(),
    publish: (kind, bytes) => router.publish(kind, bytes),
    on: (kind, handler) => router.on(kind, handler),
    async stop() {
      router.stop()
      await node.stop()
    }
  }
}

/** Resolves with the first message from `child` that has `key`. */
export function once<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: Record<string, unknown>): void => {
      if (key in m) {
        child.off('message', onMessage)
        resolve(m as T)
      }
    }
    child.on('message', onMessage)
  })
}

export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) =>
    child.exitCode === null && child.signalCode === null ? child.once('exit', () => resolve()) : resolve()
  )
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

export interface Spread {
  n: number
  p50: number
  p95: number
  p99: number
  max: number
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b)
  const round = (v: number): number => +v.toFixed(2)
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? NaN)
  }
}

export function describeSpread(s: Spread): string {
  return `n ${s.n}, p50 ${s.p50} ms, p95 ${s.p95} ms, p99 ${s.p99} ms, max ${s.max} ms`
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A loopback TCP proxy that delays every chunk by `oneWayDelayMs` in each direction (order kept: one
 * delay for all): a link with RTT 2 x delay, without touching the machine's network settings. The
 * proxy itself is scenario-links.ts's (settable delay and jitter); this is it without jitter.
 */
export async function startDelayProxy(
  targetPort: number,
  oneWayDelayMs: number
): Promise<{ port: number; close(): Promise<void> }> {
  return await startLinkProxy(targetPort, { meanMs: oneWayDelayMs, jitterMs: 0 })
}
