// What the Pool screen shows, computed from this tab's own share chain (no server's word): tip, window,
// my shares in it, my PPLNS part of the next block, hashrate estimates from share and block work.
import { hashToDisplayHex } from '@otedama/shared/primitives'
import { bitsToTarget, targetToWork } from '@otedama/shared/primitives'
import type { HeaderChain } from '@otedama/shared/sharechain'
import type { TemplateAnnouncement } from '@otedama/shared/sharechain'
import type { ShareView } from '../app/state/pool.svelte'
import type { ShareState } from './share-state'

/** Shares back the pool hashrate is measured over (work / time of their timestamps). */
export const POOL_HASHRATE_SHARES = 60
/** Blocks back the network hashrate is measured over when the header chain holds them. */
export const NETWORK_HASHRATE_BLOCKS = 30
/** Recent shares listed on the Pool screen. */
export const RECENT_SHARES = 20
const PPM = 1_000_000n

export interface PoolSnapshot {
  tipHeight: number
  windowCount: number
  windowShares: number
  shareIntervalSeconds: number
  myWindowShares: number
  myExpectedPayout: bigint
  poolHashrate: number
  networkHashrate: number
  shareWork: number
  blockWork: number
  recentShares: ShareView[]
}

export function poolSnapshot(
  state: ShareState,
  myScriptKey: string | undefined,
  template: TemplateAnnouncement | undefined
): PoolSnapshot {
  const { chain, rules } = state
  const tip = chain.tip
  const window = chain.tipWindow()
  let myWindowShares = 0
  const recentShares: ShareView[] = []
  if (tip !== undefined) {
    for (const node of chain.ancestors(tip, rules.windowShares)) {
      const mine = node.payoutKey === myScriptKey
      if (mine) myWindowShares++
      if (recentShares.length < RECENT_SHARES)
        recentShares.push({ id: hashToDisplayHex(node.id), height: node.height, mine })
    }
  }
  // My part of the next block if someone else finds it now: the PPLNS split of the value after the
  // finder bonus (payouts.ts), before the dust lottery (which keeps expectations unchanged).
  let myExpectedPayout = 0n
  const value = template?.coinbaseValue ?? tip?.share.info.coinbaseValue ?? 0n
  const mine = myScriptKey === undefined ? undefined : window.weights.find((w) => w.key === myScriptKey)
  if (mine !== undefined && window.totalWeight > 0n) {
    const rest = value - (value * BigInt(rules.finderBonusPpm)) / PPM
    myExpectedPayout = (rest * mine.weight) / window.totalWeight
  }
  const blockBits = template?.bits ?? tip?.share.header.bits
  const blockWork = blockBits === undefined ? 0 : Number(targetToWork(bitsToTarget(blockBits)))
  return {
    tipHeight: tip?.height ?? 0,
    windowCount: window.shares,
    windowShares: rules.windowShares,
    shareIntervalSeconds: rules.shareIntervalSeconds,
    myWindowShares,
    myExpectedPayout,
    poolHashrate: poolHashrate(state),
    networkHashrate: networkHashrate(state.headers, blockWork, rules.targetBlockSeconds),
    shareWork: Number(targetToWork(bitsToTarget(chain.nextShareBits(tip)))),
    blockWork,
    recentShares
  }
}

/** Work of the last shares over the time their timestamps span (hashes per second). */
export function poolHashrate(state: ShareState): number {
  const tip = state.chain.tip
  if (tip === undefined) return 0
  let oldest = tip
  for (const node of state.chain.ancestors(tip, POOL_HASHRATE_SHARES + 1)) oldest = node
  const seconds = tip.timestamp - oldest.timestamp
  if (oldest === tip || seconds <= 0) return 0
  return Number(tip.cumulativeWork - oldest.cumulativeWork) / seconds
}

/** From header times when we hold enough headers, else the block work over the target block time. */
export function networkHashrate(
  headers: HeaderChain | undefined,
  blockWork: number,
  targetBlockSeconds: number
): number {
  if (headers !== undefined) {
    const tip = headers.tip
    const fromHeight = Math.max(tip.height - NETWORK_HASHRATE_BLOCKS, 0)
    const hash = headers.hashAtHeight(fromHeight)
    const from = hash === undefined ? undefined : headers.get(hash)
    if (from !== undefined && from.time > 0 && tip.time > from.time && tip.height > from.height) {
      return Number(tip.cumulativeWork - from.cumulativeWork) / (tip.time - from.time)
    }
  }
  return blockWork / targetBlockSeconds
}
