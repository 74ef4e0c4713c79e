// The coinbase builder shared by browser miners and the relay's Stratum jobs (docs/design.md, Work and
// shares step 3): from a template announcement, the share-chain parent, a payout script and the
// extranonce layout, it derives the ShareInfo, the payouts and the coinbase, split as Stratum's
// coinb1 / coinb2 around the 8-byte extranonce (legacy serialization, as miners hash it).
import { concatBytes } from '../primitives/bytes'
import { bip34HeightPush } from '../primitives/coinbase'
import { sha256d } from '../primitives/hash'
import { encodeHeader } from '../primitives/header'
import { pushData } from '../primitives/script'
import { bitsToTarget, targetToBits } from '../primitives/target'
import { COINBASE_TAG, EXTRANONCE_BYTES, MAX_COINBASE_SCRIPTSIG_BYTES } from './constants'
import { serializeShareCoinbase, splitForStratum } from './coinbase-bytes'
import { fastFoldMerkleBranch } from '../primitives/sha256-fast'
import type { ShareNode } from './node'
import type { PayoutOutput } from './payouts'
import type { ShareChain } from './share-chain'
import { encodeShare } from './share-codec'
import { ZERO_HASH, encodeShareInfo, type ShareInfo } from './share-info'
import type { TemplateAnnouncement } from './template'

/** Coinbase transaction version we build (BIP68 relative locktimes need >= 2; harmless for a coinbase). */
export const DEFAULT_COINBASE_VERSION = 2

export interface ShareJobInit {
  chain: ShareChain
  template: TemplateAnnouncement
  templateId: Uint8Array
  payoutScript: Uint8Array
  /** Parent share; defaults to the chain's tip (undefined on an empty chain = first share). */
  parent?: ShareNode | undefined
  /**
   * Local clock, unix seconds. The share's timestamp is its header time, set by the miner when it
   * hashes; the job's `time` is the earliest valid one: max(template curtime, now, median).
   */
  now: number
  /**
   * The miner's own share target (e.g. shareTargetForHashrate of its measured hashrate); the job
   * uses the harder of it and the chain's required target. Default: the required target.
   */
  ownShareTarget?: bigint
  /** Bytes after the BIP34 height push, before the extranonce. Default: push("/otedama/"). */
  scriptSigTag?: Uint8Array
  coinbaseVersion?: number
  locktime?: number
}

export interface ShareJob {
  template: TemplateAnnouncement
  parent: ShareNode | undefined
  info: ShareInfo
  infoBytes: Uint8Array
  /** The share target of this job (the miner's own, at most the required one). */
  shareTarget: bigint
  /** The earliest header time a share on this job may carry (later is fine, up to the future bound). */
  time: number
  payouts: PayoutOutput[]
  /** Legacy coinbase before the extranonce (Stratum coinb1). */
  coinb1: Uint8Array
  /** Legacy coinbase after the extranonce (Stratum coinb2). */
  coinb2: Uint8Array
  /** BIP34 height push || tag: the scriptSig without its trailing EXTRANONCE_BYTES. */
  scriptSigPrefix: Uint8Array
  coinbaseVersion: number
  locktime: number
}

export function buildShareJob(init: ShareJobInit): ShareJob {
  const { chain, template } = init
  const parent = 'parent' in init ? init.parent : chain.tip
  const median = chain.medianTimePast(parent)
  const time = Math.max(template.curtime, init.now, median ?? 0)
  const shareBits = ownShareBits(chain.requiredShareTarget(parent), init.ownShareTarget)
  const info: ShareInfo = {
    prevShareId: parent ? parent.id : ZERO_HASH,
    payoutScript: init.payoutScript,
    shareBits,
    shareHeight: parent ? parent.height + 1 : 0,
    blockHeight: template.height,
    coinbaseValue: template.coinbaseValue,
    templateId: init.templateId,
    uncles: chain.uncleCandidates(parent).map((u) => u.id)
  }
  const infoBytes = encodeShareInfo(info)
  const scriptSigPrefix = concatBytes(bip34HeightPush(template.height), init.scriptSigTag ?? pushData(COINBASE_TAG))
  const scriptSigLength = scriptSigPrefix.length + EXTRANONCE_BYTES
  if (scriptSigLength > MAX_COINBASE_SCRIPTSIG_BYTES)
    throw new RangeError(`scriptSig of ${scriptSigLength} bytes exceeds ${MAX_COINBASE_SCRIPTSIG_BYTES}`)
  const payouts = chain.payouts(parent, template.coinbaseValue, init.payoutScript)
  const coinbaseVersion = init.coinbaseVersion ?? DEFAULT_COINBASE_VERSION
  const locktime = init.locktime ?? 0
  const serialized = serializeShareCoinbase({
    version: coinbaseVersion,
    scriptSig: concatBytes(scriptSigPrefix, new Uint8Array(EXTRANONCE_BYTES)),
    payouts,
    networkTag: chain.rules.networkTag,
    shareInfoBytes: infoBytes,
    witnessCommitment: template.witnessCommitment,
    locktime
  })
  const { coinb1, coinb2 } = splitForStratum(serialized, scriptSigLength, EXTRANONCE_BYTES)
  return {
    template,
    parent,
    info,
    infoBytes,
    shareTarget: bitsToTarget(shareBits),
    time,
    payouts: payouts.outputs,
    coinb1,
    coinb2,
    scriptSigPrefix,
    coinbaseVersion,
    locktime
  }
}

/** Compact bits of the harder of the required and the miner's own target (compact rounding only makes it harder). */
export function ownShareBits(required: bigint, own: bigint | undefined): number {
  const target = own !== undefined && own > 0n && own < required ? own : required
  return targetToBits(target)
}

/**
 * Own share targets aim at this many shares per share interval: easier than the required target (one
 * per interval for the whole pool) whenever the required target has caught up, so in steady state it
 * binds, and a miner's own target only bounds its rate while the required target is still climbing or
 * when one miner is most of the pool (README "Per-miner share difficulty").
 */
export const OWN_SHARES_PER_INTERVAL = 2

/**
 * The own share target of a miner hashing `hashesPerSecond`: OWN_SHARES_PER_INTERVAL shares expected
 * per `intervalSeconds`. Undefined for no measurement (use the required target).
 */
export function shareTargetForHashrate(hashesPerSecond: number, intervalSeconds: number): bigint | undefined {
  if (!(hashesPerSecond > 0) || !(intervalSeconds > 0)) return undefined
  const work = BigInt(Math.max(1, Math.floor((hashesPerSecond * intervalSeconds) / OWN_SHARES_PER_INTERVAL)))
  return (1n << 256n) / work - 1n
}

/** Full legacy coinbase for an 8-byte extranonce (extranonce1 || extranonce2). */
export function jobCoinbase(job: ShareJob, extranonce: Uint8Array): Uint8Array {
  if (extranonce.length !== EXTRANONCE_BYTES) throw new RangeError(`extranonce must be ${EXTRANONCE_BYTES} bytes`)
  return concatBytes(job.coinb1, extranonce, job.coinb2)
}

/** Merkle root of the block for this job and extranonce. */
export function jobMerkleRoot(job: ShareJob, extranonce: Uint8Array): Uint8Array {
  return fastFoldMerkleBranch(sha256d(jobCoinbase(job, extranonce)), job.template.merkleBranch)
}

/** The 80-byte header a miner grinds (nonce and ntime vary; version may roll inside the BIP310 mask). */
export function jobHeader(
  job: ShareJob,
  extranonce: Uint8Array,
  nonce: number,
  time = job.time,
  version = job.template.version
): Uint8Array {
  return encodeHeader({
    version,
    prevHash: job.template.prevHash,
    merkleRoot: jobMerkleRoot(job, extranonce),
    time,
    bits: job.template.bits,
    nonce
  })
}

/** The encoded share for a header found on this job. */
export function jobShare(
  job: ShareJob,
  networkTag: Uint8Array,
  extranonce: Uint8Array,
  header80: Uint8Array
): Uint8Array {
  return encodeShare({
    networkTag,
    header80,
    info: job.info,
    coinbase: {
      version: job.coinbaseVersion,
      scriptSig: concatBytes(job.scriptSigPrefix, extranonce),
      witnessCommitment: job.template.witnessCommitment,
      locktime: job.locktime
    },
    merkleBranch: job.template.merkleBranch
  })
}
