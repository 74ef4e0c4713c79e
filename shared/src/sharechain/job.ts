// The coinbase builder shared by browser miners and the relay's Stratum jobs (DESIGN.md, Work and
// shares step 3): from a template announcement, the share-chain parent, a payout script and the
// extranonce layout, it derives the ShareInfo, the payouts and the coinbase, split as Stratum's
// coinb1 / coinb2 around the 8-byte extranonce (legacy serialization, as miners hash it).
import { concatBytes } from '../primitives/bytes'
import { bip34HeightPush } from '../primitives/coinbase'
import { sha256d } from '../primitives/hash'
import { encodeHeader } from '../primitives/header'
import { pushData } from '../primitives/script'
import { bitsToTarget } from '../primitives/target'
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
  /** Local clock, unix seconds; the share timestamp is max(now, median-time-past + 1). */
  now: number
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
  shareTarget: bigint
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
  const timestamp = median === undefined ? init.now : Math.max(init.now, median + 1)
  const shareBits = chain.nextShareBits(parent)
  const info: ShareInfo = {
    prevShareId: parent ? parent.id : ZERO_HASH,
    payoutScript: init.payoutScript,
    shareBits,
    timestamp,
    shareHeight: parent ? parent.height + 1 : 0,
    blockHeight: template.height,
    coinbaseValue: template.coinbaseValue,
    templateId: init.templateId
  }
  const infoBytes = encodeShareInfo(info)
  const scriptSigPrefix = concatBytes(bip34HeightPush(template.height), init.scriptSigTag ?? pushData(COINBASE_TAG))
  const scriptSigLength = scriptSigPrefix.length + EXTRANONCE_BYTES
  if (scriptSigLength > MAX_COINBASE_SCRIPTSIG_BYTES) throw new RangeError(`scriptSig of ${scriptSigLength} bytes exceeds ${MAX_COINBASE_SCRIPTSIG_BYTES}`)
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
    payouts: payouts.outputs,
    coinb1,
    coinb2,
    scriptSigPrefix,
    coinbaseVersion,
    locktime
  }
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
export function jobHeader(job: ShareJob, extranonce: Uint8Array, nonce: number, time = job.template.curtime, version = job.template.version): Uint8Array {
  return encodeHeader({ version, prevHash: job.template.prevHash, merkleRoot: jobMerkleRoot(job, extranonce), time, bits: job.template.bits, nonce })
}

/** The encoded share for a header found on this job. */
export function jobShare(job: ShareJob, networkTag: Uint8Array, extranonce: Uint8Array, header80: Uint8Array): Uint8Array {
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
