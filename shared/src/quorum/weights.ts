// Relay weights from the share chain (sharechain/README.md, Quorums): a relay key weighs the work, in
// the PPLNS window at the tip, of the shares bound to it (binding.ts), credited as the window credits
// payouts: a share its own target's work, an uncle its work less the uncle penalty, the penalty to the
// share that named it. Every peer computes this from its own chain, so two peers on the same tip hold
// the same weights; a key without work in the window weighs nothing and has no vote.
import type { ShareNode } from '../sharechain/node'
import type { ShareChain } from '../sharechain/share-chain'
import { uncleCredit } from '../sharechain/window'
import { boundRelayKey, relayKeyHex } from './binding'

export interface RelayWeights {
  /** Changes whenever any weight may have changed (the tip's share id; committees are redrawn then). */
  readonly version: string
  /** Work bound to each relay key (hex), only keys with work > 0. */
  readonly byKey: ReadonlyMap<string, bigint>
  /** All work in the window, bound or not. */
  readonly windowWork: bigint
}

export const NO_WEIGHTS: RelayWeights = { version: 'empty', byKey: new Map(), windowWork: 0n }

/** Cache of each node's bound key: a node's scriptSig never changes (null: unbound). */
const keyOfNode = new WeakMap<ShareNode, string | null>()

function boundKeyOf(node: ShareNode): string | undefined {
  let key = keyOfNode.get(node)
  if (key === undefined) {
    key = boundRelayKey(node.share.coinbase.scriptSig) ?? null
    keyOfNode.set(node, key)
  }
  return key ?? undefined
}

/** The weights of the window ending at `tip` (windowShares main-chain shares and their uncles). */
export function windowRelayWeights(
  tip: ShareNode | undefined,
  windowShares: number,
  unclePenaltyPercent: number
): RelayWeights {
  if (tip === undefined) return NO_WEIGHTS
  const byKey = new Map<string, bigint>()
  const credit = (key: string | undefined, work: bigint): void => {
    if (key !== undefined && work > 0n) byKey.set(key, (byKey.get(key) ?? 0n) + work)
  }
  let windowWork = 0n
  let node: ShareNode | undefined = tip
  for (let i = 0; i < windowShares && node !== undefined; i++, node = node.parent) {
    let own = node.work
    for (const uncle of node.uncles) {
      const toUncle = uncleCredit(uncle.work, unclePenaltyPercent)
      own += uncle.work - toUncle
      credit(boundKeyOf(uncle), toUncle)
    }
    credit(boundKeyOf(node), own)
    windowWork += node.poolWork
  }
  return { version: tip.key, byKey, windowWork }
}

/** Weights of a share chain's tip window, recomputed only when the tip moves. */
export class RelayWeightBook {
  private cached: RelayWeights = NO_WEIGHTS

  constructor(private readonly chain: ShareChain) {}

  current(): RelayWeights {
    const tip = this.chain.tip
    if (tip === undefined) return NO_WEIGHTS
    if (this.cached.version !== tip.key)
      this.cached = windowRelayWeights(tip, this.chain.rules.windowShares, this.chain.rules.unclePenaltyPercent)
    return this.cached
  }
}

/** Weights given outright (tests, tools): peer id bytes with their work. */
export function fixedRelayWeights(
  entries: ReadonlyArray<readonly [Uint8Array, bigint]>,
  version = 'fixed'
): RelayWeights {
  const byKey = new Map<string, bigint>()
  let windowWork = 0n
  for (const [peerId, work] of entries) {
    if (work <= 0n) continue
    const key = relayKeyHex(peerId)
    byKey.set(key, (byKey.get(key) ?? 0n) + work)
    windowWork += work
  }
  return { version, byKey, windowWork }
}
