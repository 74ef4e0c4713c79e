// How a simulated share is made. The simulator cannot grind 100 TH/s, so every hashrate is divided by
// one scale factor chosen so that the pool's hashrate finds a share every interval at about
// `scaledHashesPerShare` hashes; the share-chain floor (minShareTarget) is lowered to match. Then the
// finder grinds REAL sha256d PoW on a job the real job builder made from its own chain view, so every
// peer's real validation (PoW included) judges it unchanged. All consensus math is linear in work
// (retarget, PPLNS weights, fork choice), so who earns what is the unscaled network's answer.
import { encodeHeader, sha256d, bigIntToHash } from '@otedama/shared/primitives'
import {
  buildShareJob,
  jobMerkleRoot,
  jobShare,
  type ShareChain,
  type TemplateAnnouncement
} from '@otedama/shared/sharechain'
import type { Prng } from './prng'

export interface SimMiner {
  index: number
  /** The peer whose chain view the miner works on: its own tab, or the relay its rig is connected to. */
  peer: number
  /** Real hashrate, H/s (sha256d), and scaled for grinding. */
  hashrate: number
  scaledHashrate: number
  payoutScript: Uint8Array
  /** Relay binding tag in the scriptSig (rigs bind their work to their relay's key), or undefined. */
  scriptSigTag: Uint8Array | undefined
  ownShareTarget: bigint | undefined
  /** Compact bits of ownShareTarget (when it is defined and positive), for the rate model. */
  ownShareBits: number
  /** Shares found. */
  found: number
}

const HEADER_NONCE_OFFSET = 76
/** Nonces tried before the extranonce rolls (a scaled share needs ~1 000; this bounds a pathological job). */
const MAX_NONCES_PER_EXTRANONCE = 0xffffffff

/** Finds a share for `miner` on its view's tip: the real job builder, then real PoW at the job's target. */
export function mineShare(
  chain: ShareChain,
  miner: SimMiner,
  template: TemplateAnnouncement,
  templateId: Uint8Array,
  unixNow: number,
  rng: Prng
): { bytes: Uint8Array; hashes: number } {
  const job = buildShareJob({
    chain,
    template,
    templateId,
    payoutScript: miner.payoutScript,
    now: unixNow,
    ...(miner.ownShareTarget !== undefined ? { ownShareTarget: miner.ownShareTarget } : {}),
    ...(miner.scriptSigTag !== undefined ? { scriptSigTag: miner.scriptSigTag } : {})
  })
  const targetLE = bigIntToHash(job.shareTarget)
  let hashes = 0
  for (;;) {
    const extranonce = rng.bytes(8)
    const header = encodeHeader({
      version: template.version,
      prevHash: template.prevHash,
      merkleRoot: jobMerkleRoot(job, extranonce),
      time: job.time,
      bits: template.bits,
      nonce: 0
    })
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength)
    for (let nonce = rng.nextU32(), n = 0; n < MAX_NONCES_PER_EXTRANONCE; n++, nonce = (nonce + 1) >>> 0) {
      view.setUint32(HEADER_NONCE_OFFSET, nonce, true)
      hashes++
      if (atMostLE(sha256d(header), targetLE))
        return { bytes: jobShare(job, chain.rules.networkTag, extranonce, header), hashes }
    }
  }
}

/** hash <= target, both 256-bit little-endian, from the most significant byte. */
function atMostLE(hash: Uint8Array, targetLE: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) if (hash[i] !== targetLE[i]) return hash[i] < targetLE[i]
  return true
}
