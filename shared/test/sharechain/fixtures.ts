// Test fixtures: devnet rules with a near-trivial share target, a template on top of a header chain
// checkpoint, and a miner that grinds nonces with the shared sha256d until the share target is met.
import { getChainParams, withShareChainConstants } from '../../src/chain'
import { sha256d } from '../../src/primitives/hash'
import { encodeHeader } from '../../src/primitives/header'
import { p2wpkhScript, p2pkhScript } from '../../src/primitives/script'
import { bitsToTarget, meetsTarget } from '../../src/primitives/target'
import { concatBytes } from '../../src/primitives/bytes'
import { foldMerkleBranch } from '../../src/primitives/merkle'
import {
  encodeShare,
  encodeShareInfo,
  serializePayouts,
  serializeShareCoinbase,
  HeaderChain,
  ShareChain,
  ShareValidator,
  buildShareJob,
  jobHeader,
  jobShare,
  shareChainRules,
  templateId,
  type ShareChainRules,
  type ShareJob,
  type ShareNode,
  type TemplateAnnouncement
} from '../../src/sharechain'

/** bits 0x207fffff: half of all hashes meet it, so a share takes ~2 hashes. */
export const EASY_SHARE_TARGET = 0x7fffffn << 232n
export const EASY_BITS = 0x207fffff
export const CHECKPOINT_HEIGHT = 1000
export const START_TIME = 1_700_000_000

export function testRules(overrides: Parameters<typeof withShareChainConstants>[1] = {}): ShareChainRules {
  const params = withShareChainConstants(getChainParams('devnet'), { minShareTarget: EASY_SHARE_TARGET, ...overrides })
  return shareChainRules(params)
}

/** Deterministic pseudo-random bytes (tests must be reproducible). */
export function fakeHash(seed: string | number): Uint8Array {
  return sha256d(Uint8Array.from(String(seed), (c) => c.charCodeAt(0)))
}

export function payoutScriptOf(name: string): Uint8Array {
  return name.length % 2 ? p2pkhScript(fakeHash(name).slice(0, 20)) : p2wpkhScript(fakeHash(name).slice(0, 20))
}

/** A regtest-easy header chain starting at a checkpoint (headers at bits 0x207fffff are cheap to grind). */
export function testHeaderChain(): HeaderChain {
  return new HeaderChain({
    pow: 'sha256d',
    powLimit: (1n << 255n) - 1n,
    checkpoint: { hash: fakeHash('checkpoint'), height: CHECKPOINT_HEIGHT }
  })
}

/** Grinds a header on top of `prevHash` meeting bits 0x207fffff. */
export function mineHeader(prevHash: Uint8Array, time: number, salt = 0): Uint8Array {
  for (let nonce = 0; ; nonce++) {
    const h = encodeHeader({
      version: 0x20000000,
      prevHash,
      merkleRoot: fakeHash(`block-${salt}`),
      time,
      bits: EASY_BITS,
      nonce
    })
    if (meetsTarget(sha256d(h), bitsToTarget(EASY_BITS))) return h
  }
}

export function makeTemplate(
  rules: ShareChainRules,
  prevHash: Uint8Array,
  height: number,
  opts: Partial<TemplateAnnouncement> = {}
): { template: TemplateAnnouncement; id: Uint8Array } {
  const template: TemplateAnnouncement = {
    networkTag: rules.networkTag,
    prevHash,
    height,
    version: 0x20000000,
    bits: 0x1e00ffff,
    curtime: START_TIME,
    coinbaseValue: 5_000_000_000n,
    witnessCommitment: fakeHash(`wc-${height}`),
    merkleBranch: Array.from({ length: 11 }, (_, i) => fakeHash(`branch-${height}-${i}`)),
    ...opts
  }
  return { template, id: templateId(template) }
}

/** Grinds the nonce until the header meets `target` (or, with `fail`, until it does NOT). */
export function grind(
  job: ShareJob,
  extranonce: Uint8Array,
  target: bigint,
  fail = false,
  edit?: (h: Uint8Array) => Uint8Array,
  time = job.time
): Uint8Array {
  for (let nonce = 0; ; nonce++) {
    let header = jobHeader(job, extranonce, nonce, time)
    if (edit) header = edit(header)
    if (meetsTarget(sha256d(header), target) !== fail) return header
  }
}

export interface Net {
  rules: ShareChainRules
  chain: ShareChain
  headers: HeaderChain
  validator: ShareValidator
  template: TemplateAnnouncement
  templateId: Uint8Array
  clock: { now: number }
}

export function testNet(rules = testRules(), chainOpts: ConstructorParameters<typeof ShareChain>[1] = {}): Net {
  const chain = new ShareChain(rules, chainOpts)
  const headers = testHeaderChain()
  const clock = { now: START_TIME + 100_000 }
  const validator = new ShareValidator({ rules, chain, headers, now: () => clock.now })
  const { template, id } = makeTemplate(rules, headers.tip.hash, CHECKPOINT_HEIGHT + 1)
  return { rules, chain, headers, validator, template, templateId: id, clock }
}

let extranonceCounter = 0
export function nextExtranonce(): Uint8Array {
  const x = new Uint8Array(8)
  new DataView(x.buffer).setUint32(4, ++extranonceCounter, true)
  return x
}

export interface MineOpts {
  parent?: ShareNode | undefined
  /** Share timestamp = header time (default: parent + shareInterval, or START_TIME). */
  timestamp?: number
  /** The miner's own share target (default: the required one). */
  ownShareTarget?: bigint
  template?: TemplateAnnouncement
  templateId?: Uint8Array
}

/** A valid encoded share by `payee` on `parent` (default: the tip). */
export function mineShare(net: Net, payee: string, opts: MineOpts = {}): { bytes: Uint8Array; job: ShareJob } {
  const parent = 'parent' in opts ? opts.parent : net.chain.tip
  const timestamp = opts.timestamp ?? (parent ? parent.timestamp + net.rules.shareIntervalSeconds : START_TIME)
  const job = buildShareJob({
    chain: net.chain,
    template: opts.template ?? net.template,
    templateId: opts.templateId ?? net.templateId,
    payoutScript: payoutScriptOf(payee),
    parent,
    now: timestamp,
    ownShareTarget: opts.ownShareTarget
  })
  const extranonce = nextExtranonce()
  const header = grind(job, extranonce, job.shareTarget, false, undefined, timestamp)
  return { bytes: jobShare(job, net.rules.networkTag, extranonce, header), job }
}

/**
 * Mines, validates (must accept) and adds a share; returns its node. Side branches deeper than the
 * uncle depth are ignored live (as gossip would), so tests that build them use mode 'synced' (as sync would).
 */
export function addShare(net: Net, payee: string, opts: MineOpts & { mode?: 'live' | 'synced' } = {}): ShareNode {
  const { bytes } = mineShare(net, payee, opts)
  const v = net.validator.validate(bytes, opts.mode ?? 'live')
  if (v.verdict.kind !== 'accept') throw new Error(`fixture share not accepted: ${JSON.stringify(v.verdict)}`)
  return net.chain.add(v.share!, v.id!, bytes).node
}

/** Grinds a header over `serializedCoinbase` (folded up the job's branch) and encodes the share. */
export function shareWithCoinbase(
  net: Net,
  job: ShareJob,
  serializedCoinbase: Uint8Array,
  scriptSig: Uint8Array,
  target = job.shareTarget,
  time = job.time
): Uint8Array {
  const merkleRoot = foldMerkleBranch(sha256d(serializedCoinbase), job.template.merkleBranch)
  for (let nonce = 0; ; nonce++) {
    const header = encodeHeader({
      version: job.template.version,
      prevHash: job.template.prevHash,
      merkleRoot,
      time,
      bits: job.template.bits,
      nonce
    })
    if (
      BigInt(
        '0x' +
          [...sha256d(header)]
            .reverse()
            .map((b) => b.toString(16).padStart(2, '0'))
            .join('')
      ) > target
    )
      continue
    return encodeShare({
      networkTag: net.rules.networkTag,
      header80: header,
      info: job.info,
      coinbase: {
        version: job.coinbaseVersion,
        scriptSig,
        witnessCommitment: job.template.witnessCommitment,
        locktime: job.locktime
      },
      merkleBranch: job.template.merkleBranch
    })
  }
}

/** Rebuilds a job's coinbase after its ShareInfo was edited, grinds, encodes. */
export function reEncodeWithInfo(net: Net, job: ShareJob): Uint8Array {
  job.infoBytes = encodeShareInfo(job.info)
  const scriptSig = concatBytes(job.scriptSigPrefix, nextExtranonce())
  const cb = serializeShareCoinbase({
    version: job.coinbaseVersion,
    scriptSig,
    payouts: serializePayouts(job.payouts),
    networkTag: net.rules.networkTag,
    shareInfoBytes: job.infoBytes,
    witnessCommitment: job.template.witnessCommitment,
    locktime: job.locktime
  })
  return shareWithCoinbase(net, job, cb, scriptSig, bitsToTarget(job.info.shareBits), job.time)
}
