// The hashing part of share validation, as pure functions over serializable inputs so a Web Worker
// (or a worker_thread) can run them in batches: PoW against the share target, then the coinbase
// rebuilt from the derived payouts + commitment and folded up the merkle branch to the header's root.
import { equalBytes } from '../primitives/bytes'
import { bip34HeightPush } from '../primitives/coinbase'
import { powHash, type PowAlgorithm } from '../primitives/hash'
import { fastSha256d } from './fast-sha256'
import { bitsToTarget, meetsTarget } from '../primitives/target'
import { shareCoinbaseTxid, type SerializedPayouts } from './coinbase-bytes'
import { foldBranch } from './merkle-fold'
import { decodeShare, type Share } from './share-codec'
import { ACCEPT, reject, type ShareVerdict } from './verdict'

/** Everything the hashing checks need; plain data (structured-clone safe). */
export interface ShareWorkInput {
  shareBytes: Uint8Array
  networkTag: Uint8Array
  pow: PowAlgorithm
  /** Payout outputs derived from the share chain at the share's parent (serialized). */
  payouts: Pick<SerializedPayouts, 'count' | 'bytes'>
}

/** sha256d of the header: the share id (and, on sha256d chains, the PoW hash). */
export function shareIdOf(share: Share): Uint8Array {
  return fastSha256d(share.header80)
}

/** PoW of a share against its own claimed target. */
export function checkSharePow(share: Share, id: Uint8Array, pow: PowAlgorithm): boolean {
  const hash = pow === 'sha256d' ? id : powHash(pow, share.header80)
  return meetsTarget(hash, bitsToTarget(share.info.shareBits))
}

/** The coinbase parts and the header agree with the derived payouts and commitment. */
export function checkShareCoinbase(share: Share, networkTag: Uint8Array, payouts: Pick<SerializedPayouts, 'count' | 'bytes'>): ShareVerdict {
  const heightPush = bip34HeightPush(share.info.blockHeight)
  const sig = share.coinbase.scriptSig
  if (sig.length < heightPush.length || !equalBytes(sig.subarray(0, heightPush.length), heightPush)) {
    return reject('scriptsig', 'coinbase scriptSig does not start with the BIP34 height push')
  }
  const txid = shareCoinbaseTxid({
    version: share.coinbase.version,
    scriptSig: sig,
    payouts: { outputs: [], count: payouts.count, bytes: payouts.bytes },
    networkTag,
    shareInfoBytes: share.infoBytes,
    witnessCommitment: share.coinbase.witnessCommitment,
    locktime: share.coinbase.locktime
  })
  const root = foldBranch(txid, share.merkleBranch)
  if (!equalBytes(root, share.header.merkleRoot)) return reject('merkle-root', 'rebuilt coinbase does not fold to the header merkle root')
  return ACCEPT
}

/** PoW, then coinbase + merkle; `id` is sha256d(header). */
export function verifyShareWork(share: Share, id: Uint8Array, networkTag: Uint8Array, pow: PowAlgorithm, payouts: Pick<SerializedPayouts, 'count' | 'bytes'>): ShareVerdict {
  if (!checkSharePow(share, id, pow)) return reject('pow', 'header hash above the share target')
  return checkShareCoinbase(share, networkTag, payouts)
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
