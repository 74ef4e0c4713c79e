// The hashing part of share validation, as pure functions over serializable inputs so a Web Worker
// (or a worker_thread) can run them in batches: PoW against the share target, then the coinbase
// rebuilt from the derived payouts + commitment and folded up the merkle branch to the header's root.
import { equalBytes } from '../primitives/bytes'
import { bip34HeightPush } from '../primitives/coinbase'
import { powHash, sha256d, type PowAlgorithm } from '../primitives/hash'
import { fastFoldMerkleBranch } from '../primitives/sha256-fast'
import { bigIntToHash, bitsToTarget, meetsTarget } from '../primitives/target'
import { shareCoinbaseTxid, type SerializedPayouts } from './coinbase-bytes'
import { decodeShare, type Share } from './share-codec'
import { ACCEPT, reject, type ShareVerdict } from './verdict'

/** Everything the hashing checks need; plain data (structured-clone safe). */
export interface ShareWorkInput {
  shareBytes: Uint8Array
  networkTag: Uint8Array
  pow: PowAlgorithm
  /**
   * Payout outputs derived from the share chain at the share's parent (serialized); undefined for a
   * history share whose window is not held (PoW only, README "Sync").
   */
  payouts: Pick<SerializedPayouts, 'count' | 'bytes'> | undefined
}

/** sha256d of the header: the share id (and, on sha256d chains, the PoW hash). */
export function shareIdOf(share: Share): Uint8Array {
  return sha256d(share.header80)
}

// Shares in one retarget step carry the same bits and shares on one template the same height:
// the last target (as 32 little-endian bytes) and BIP34 push are kept, so the hot path neither
// converts hashes to bigints nor allocates the push.
let lastShareBits = -1
let lastTargetLE: Uint8Array = new Uint8Array(32)
let lastPushHeight = -1
let lastHeightPush: Uint8Array = new Uint8Array(0)

/** hash <= target, both 256-bit little-endian numbers, compared from the most significant byte. */
function atMostLE(hash: Uint8Array, targetLE: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) if (hash[i] !== targetLE[i]) return hash[i] < targetLE[i]
  return true
}

/** PoW of a share against its own claimed target. */
export function checkSharePow(share: Share, id: Uint8Array, pow: PowAlgorithm): boolean {
  const bits = share.info.shareBits
  if (pow !== 'sha256d') return meetsTarget(powHash(pow, share.header80), bitsToTarget(bits))
  if (bits !== lastShareBits) {
    lastTargetLE = bigIntToHash(bitsToTarget(bits))
    lastShareBits = bits
  }
  return id.length === 32 && atMostLE(id, lastTargetLE)
}

function heightPushOf(blockHeight: number): Uint8Array {
  if (blockHeight !== lastPushHeight) {
    lastHeightPush = bip34HeightPush(blockHeight)
    lastPushHeight = blockHeight
  }
  return lastHeightPush
}

function startsWith(b: Uint8Array, prefix: Uint8Array): boolean {
  if (b.length < prefix.length) return false
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix[i]) return false
  return true
}

/** The coinbase parts and the header agree with the derived payouts and commitment. */
export function checkShareCoinbase(
  share: Share,
  networkTag: Uint8Array,
  payouts: Pick<SerializedPayouts, 'count' | 'bytes'>
): ShareVerdict {
  const sig = share.coinbase.scriptSig
  if (!startsWith(sig, heightPushOf(share.info.blockHeight))) {
    return reject('scriptsig', 'coinbase scriptSig does not start with the BIP34 height push')
  }
  const txid = shareCoinbaseTxid({
    version: share.coinbase.version,
    scriptSig: sig,
    payouts,
    networkTag,
    shareInfoBytes: share.infoBytes,
    witnessCommitment: share.coinbase.witnessCommitment,
    locktime: share.coinbase.locktime
  })
  const root = fastFoldMerkleBranch(txid, share.merkleBranch)
  if (!equalBytes(root, share.header.merkleRoot))
    return reject('merkle-root', 'rebuilt coinbase does not fold to the header merkle root')
  return ACCEPT
}

/** PoW, then coinbase + merkle; `id` is sha256d(header). */
export function verifyShareWork(
  share: Share,
  id: Uint8Array,
  networkTag: Uint8Array,
  pow: PowAlgorithm,
  payouts: Pick<SerializedPayouts, 'count' | 'bytes'> | undefined
): ShareVerdict {
  if (!checkSharePow(share, id, pow)) return reject('pow', 'header hash above the share target')
  return payouts === undefined ? ACCEPT : checkShareCoinbase(share, networkTag, payouts)
}

/** Worker entry: decode each share again (cheap) and run the hashing checks. */
export function verifyShareWorkBatch(inputs: ShareWorkInput[]): ShareVerdict[] {
  return inputs.map((input) => {
    let share: Share
    try {
      share = decodeShare(input.shareBytes)
    } catch {
      return reject('decode')
    }
    return verifyShareWork(share, shareIdOf(share), input.networkTag, input.pow, input.payouts)
  })
}
