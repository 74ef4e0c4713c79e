// A JobSource for Stratum tests built from real primitives: a real coinbase (BIP34 height, tag,
// 8-byte extranonce, payout + OP_RETURN outputs) split by the shared coinbase code, a real merkle
// branch over made-up txids, real targets. Used until (and beside) the share chain's builder.
import { randomBytes } from 'node:crypto'
import { getChainParams } from '@otedama/shared/chain'
import type { ChainParams } from '@otedama/shared/chain'
import { buildCoinbaseTx, coinbaseStratumParts } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { coinbaseMerkleBranch, merkleRoot } from '@otedama/shared/primitives'
import { opReturnScript, pushData } from '@otedama/shared/primitives'
import { bitsToTarget } from '@otedama/shared/primitives'
import type { CoinbaseParts, JobSource, StratumWork } from '../../src/stratum'

export const devnet: ChainParams = getChainParams('devnet')

export interface TestWorkInit {
  chain?: ChainParams
  height?: number
  prevHash?: Uint8Array
  shareParent?: Uint8Array | null
  /** Block bits; default: the easiest the chain allows is too easy for tests of "not a block", so 0x1d00ffff. */
  bits?: number
  shareTarget?: bigint
  /** Transactions besides the coinbase (made-up txids; the branch is real). */
  txCount?: number
  time?: number
  /** Extra coinbase bytes (an OP_RETURN of this size) to make notifies large. */
  padBytes?: number
}

export interface TestWork extends StratumWork {
  txids: Uint8Array[]
  /** How many coinbases were built (one per job and payout script). */
  builds: number
}

export function makeTestWork(init: TestWorkInit = {}): TestWork {
  const height = init.height ?? 1000
  const txids = Array.from({ length: init.txCount ?? 5 }, () => new Uint8Array(randomBytes(32)))
  const bits = init.bits ?? 0x1d00ffff
  const pad = init.padBytes === undefined ? undefined : new Uint8Array(init.padBytes).fill(0x55)
  const work: TestWork = {
    id: Buffer.from(randomBytes(8)).toString('hex'),
    height,
    version: 0x20000000,
    prevHash: init.prevHash ?? new Uint8Array(randomBytes(32)),
    bits,
    blockTarget: bitsToTarget(bits),
    shareTarget: init.shareTarget ?? bitsToTarget(0x1f00ffff),
    shareParent: init.shareParent === undefined ? new Uint8Array(randomBytes(32)) : init.shareParent,
    time: init.time ?? Math.floor(Date.now() / 1000),
    minTime: (init.time ?? Math.floor(Date.now() / 1000)) - 600,
    merkleBranch: coinbaseMerkleBranch(txids),
    txids,
    builds: 0,
    buildCoinbase(payoutScript: Uint8Array): CoinbaseParts {
      work.builds++
      const outputs = [
        { value: 50_0000_0000n, script: payoutScript },
        { value: 0n, script: opReturnScript(new Uint8Array(randomBytes(32))) }
      ]
      if (pad !== undefined) outputs.push({ value: 0n, script: opReturnScript(pad) })
      const tx = buildCoinbaseTx({
        height,
        scriptSigPrefix: pushData(new TextEncoder().encode('/otedama-test/')),
        extranonce: new Uint8Array(8),
        outputs
      })
      return { ...coinbaseStratumParts(tx, 8), context: { payoutScript } }
    }
  }
  return work
}

/** Work on the same block with a new share-chain parent. */
export function nextShareTip(work: TestWork): TestWork {
  return makeTestWork({
    prevHash: work.prevHash,
    height: work.height,
    bits: work.bits,
    shareTarget: work.shareTarget,
    txCount: work.txids.length
  })
}

/** Work on a new block. */
export function nextBlock(work: TestWork): TestWork {
  return makeTestWork({
    height: work.height + 1,
    bits: work.bits,
    shareTarget: work.shareTarget,
    txCount: work.txids.length
  })
}

/** A JobSource the test drives by hand. */
export class TestJobSource implements JobSource {
  private listeners = new Set<(work: StratumWork) => void>()
  constructor(public work: TestWork | undefined) {}
  current = (): StratumWork | undefined => this.work
  onWork = (listener: (work: StratumWork) => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  push(work: TestWork): void {
    this.work = work
    for (const l of this.listeners) l(work)
  }
}

/** Independent check of a found header: the coinbase txid folded with the txids gives the header's merkle root. */
export function headerMerkleMatches(header: Uint8Array, coinbaseTx: Uint8Array, txids: Uint8Array[]): boolean {
  const root = merkleRoot([sha256d(coinbaseTx), ...txids])
  return Buffer.from(header.subarray(36, 68)).equals(Buffer.from(root))
}
