// Blocks the pool found, as this tab saw them: a share in our chain (or on the block topic) whose
// header meets its block bits. Status starts "submitted" and follows the quorum's block attestations;
// what each block paid me comes from the same payouts every peer derives for its coinbase.
import { bytesToHex } from '@otedama/shared/primitives'
import { powHash } from '@otedama/shared/primitives'
import { hashToDisplayHex } from '@otedama/shared/primitives'
import { bitsToTarget, meetsTarget } from '@otedama/shared/primitives'
import type { BlockClaim } from '@otedama/shared/quorum'
import type { ShareNode } from '@otedama/shared/sharechain'
import type { BlockView } from '../app/state/pool.svelte'
import type { ShareState } from './share-state'
import { BoundedMap } from '@otedama/shared/util'

/** Blocks listed (newest first); older ones are dropped. */
export const MAX_BLOCKS_SHOWN = 100

const STATUS_OF: Record<BlockClaim, BlockView['status']> = {
  accepted: 'accepted',
  orphaned: 'orphaned',
  confirmed: 'mature'
}

export class BlockBook {
  private readonly blocks = new BoundedMap<string, BlockView>(MAX_BLOCKS_SHOWN)
  /** Statuses attested before we saw the block itself. */
  private readonly early = new BoundedMap<string, BlockView['status']>(MAX_BLOCKS_SHOWN)

  constructor(private readonly state: ShareState) {}

  /** Records `node` if it is a block; returns true when it was new. */
  consider(node: ShareNode, myScriptKey: string | undefined): boolean {
    const key = bytesToHex(node.id)
    if (this.blocks.has(key)) return false
    const header = node.share.header
    if (!meetsTarget(powHash(this.state.rules.pow, node.share.header80), bitsToTarget(header.bits))) return false
    const payouts = this.state.chain.payouts(node.parent, node.share.info.coinbaseValue, node.payoutScript)
    const paidToMe = payouts.outputs
      .filter((o) => myScriptKey !== undefined && bytesToHex(o.script) === myScriptKey)
      .reduce((sum, o) => sum + o.value, 0n)
    this.blocks.set(key, {
      hash: hashToDisplayHex(node.id),
      height: node.share.info.blockHeight,
      status: this.early.get(key) ?? 'submitted',
      paidToMe
    })
    this.early.delete(key)
    return true
  }

  /** A status the quorum confirmed for a block hash (internal byte order, hex). */
  setStatus(blockHashHex: string, claim: BlockClaim): boolean {
    const block = this.blocks.get(blockHashHex)
    if (block === undefined) {
      this.early.set(blockHashHex, STATUS_OF[claim])
      return false
    }
    block.status = STATUS_OF[claim]
    return true
  }

  list(): BlockView[] {
    return [...this.blocks.values()].reverse().map((b) => ({ ...b }))
  }
}
