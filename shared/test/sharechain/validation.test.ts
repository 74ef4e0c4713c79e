// One test per share validity rule (docs/design.md, Share-chain rules "Valid share"; issue 3 Tests).
import { describe, expect, it } from 'vitest'
import { concatBytes } from '../../src/primitives/bytes'
import { sha256d } from '../../src/primitives/hash'
import { decodeHeader, encodeHeader } from '../../src/primitives/header'
import { foldMerkleBranch } from '../../src/primitives/merkle'
import { bitsToTarget, targetToBits, targetToWork } from '../../src/primitives/target'
import {
  MAX_SHARE_BYTES,
  buildShareJob,
  decodeShare,
  encodeShare,
  encodeShareInfo,
  jobShare,
  templateId,
  serializePayouts,
  serializeShareCoinbase,
  verifyShareWorkBatch,
  type ShareJob
} from '../../src/sharechain'
import {
  EASY_SHARE_TARGET,
  START_TIME,
  addShare,
  grind,
  mineHeader,
  mineShare,
  nextExtranonce,
  payoutScriptOf,
  reEncodeWithInfo,
  shareWithCoinbase,
  testNet,
  testRules,
  type Net
} from './fixtures'

function verdictOf(net: Net, bytes: Uint8Array, mode: 'live' | 'synced' = 'live') {
  return net.validator.validate(bytes, mode).verdict
}

describe('share validation', () => {
  it('accepts a valid share and its child', () => {
    const net = testNet()
    const first = mineShare(net, 'alice')
    expect(verdictOf(net, first.bytes)).toEqual({ kind: 'accept' })
    addShare(net, 'alice', { parent: undefined })
    const child = mineShare(net, 'bob')
    expect(verdictOf(net, child.bytes)).toEqual({ kind: 'accept' })
  })

  it('rejects PoW above the share target (pow)', () => {
    const net = testNet()
    const { job } = mineShare(net, 'alice')
    const x = nextExtranonce()
    const weak = jobShare(job, net.rules.networkTag, x, grind(job, x, job.shareTarget, true))
    expect(verdictOf(net, weak)).toMatchObject({ kind: 'reject', reason: 'pow' })
    const strong = jobShare(job, net.rules.networkTag, x, grind(job, x, job.shareTarget))
    expect(verdictOf(net, strong)).toEqual({ kind: 'accept' })
  })

  it('rejects an own share target easier than the required one (share-target)', () => {
    const net = testNet()
    // shares 1 s apart on a 10 s interval: the retarget makes the required target harder
    let n = addShare(net, 'alice', { parent: undefined })
    for (let i = 0; i < 4; i++) n = addShare(net, 'alice', { parent: n, timestamp: n.timestamp + 1 })
    const required = net.chain.requiredShareTarget(n)
    expect(required).toBeLessThan(EASY_SHARE_TARGET)
    const easier = buildShareJob({
      chain: net.chain,
      template: net.template,
      templateId: net.templateId,
      payoutScript: payoutScriptOf('bob'),
      now: n.timestamp + 1
    })
    easier.info.shareBits = targetToBits(EASY_SHARE_TARGET) // the network minimum, but easier than required
    expect(verdictOf(net, reEncodeWithInfo(net, easier))).toMatchObject({ kind: 'reject', reason: 'share-target' })
  })

  it('accepts an own share target harder than the required one and credits its own work', () => {
    const net = testNet()
    const first = addShare(net, 'alice', { parent: undefined })
    const own = EASY_SHARE_TARGET / 64n
    const hard = addShare(net, 'bob', { parent: first, ownShareTarget: own })
    expect(hard.target).toBeLessThanOrEqual(own)
    expect(hard.work).toBeGreaterThan(first.work * 32n)
    // fork choice counts the required target's work, not the miner's own
    expect(hard.chainWork).toBe(targetToWork(net.chain.requiredShareTarget(first)))
    const window = net.chain.tipWindow()
    expect(window.weights.find((w) => w.key === hard.payoutKey)?.weight).toBe(hard.work)
  })

  it('rejects a header whose merkle root does not match the rebuilt coinbase (merkle-root)', () => {
    const net = testNet()
    const { job } = mineShare(net, 'alice')
    const x = nextExtranonce()
    const header = grind(job, x, job.shareTarget, false, (h) => {
      const d = decodeHeader(h)
      d.merkleRoot[0] ^= 1
      return encodeHeader(d)
    })
    const bytes = encodeShare({
      networkTag: net.rules.networkTag,
      header80: header,
      info: job.info,
      coinbase: {
        version: job.coinbaseVersion,
        scriptSig: concatBytes(job.scriptSigPrefix, x),
        witnessCommitment: job.template.witnessCommitment,
        locktime: job.locktime
      },
      merkleBranch: job.template.merkleBranch
    })
    expect(verdictOf(net, bytes)).toMatchObject({ kind: 'reject', reason: 'merkle-root' })
  })

  it('rejects a coinbase that pays anything but the derived payouts', () => {
    const net = testNet()
    addShare(net, 'alice', { parent: undefined })
    addShare(net, 'bob')
    const { job } = mineShare(net, 'carol')
    // carol keeps the whole value instead of splitting it with alice and bob
    const greedy = serializePayouts([{ script: payoutScriptOf('carol'), value: job.info.coinbaseValue }])
    const scriptSig = concatBytes(job.scriptSigPrefix, nextExtranonce())
    const cb = serializeShareCoinbase({
      version: job.coinbaseVersion,
      scriptSig,
      payouts: greedy,
      networkTag: net.rules.networkTag,
      shareInfoBytes: job.infoBytes,
      witnessCommitment: job.template.witnessCommitment,
      locktime: job.locktime
    })
    expect(verdictOf(net, shareWithCoinbase(net, job, cb, scriptSig))).toMatchObject({
      kind: 'reject',
      reason: 'merkle-root'
    })
  })

  it('rejects a missing or altered share commitment', () => {
    const net = testNet()
    const { job } = mineShare(net, 'alice')
    const scriptSig = concatBytes(job.scriptSigPrefix, nextExtranonce())
    const payouts = serializePayouts(job.payouts)
    // altered: the commitment hashes a ShareInfo naming another template
    const altered = { ...job.info, templateId: sha256d(job.info.templateId) }
    const cbAltered = serializeShareCoinbase({
      version: job.coinbaseVersion,
      scriptSig,
      payouts,
      networkTag: net.rules.networkTag,
      shareInfoBytes: encodeShareInfo(altered),
      witnessCommitment: job.template.witnessCommitment,
      locktime: job.locktime
    })
    expect(verdictOf(net, shareWithCoinbase(net, job, cbAltered, scriptSig))).toMatchObject({
      kind: 'reject',
      reason: 'merkle-root'
    })
    // missing: a coinbase with the payouts and the witness commitment but no share commitment
    const full = serializeShareCoinbase({
      version: job.coinbaseVersion,
      scriptSig,
      payouts,
      networkTag: net.rules.networkTag,
      shareInfoBytes: job.infoBytes,
      witnessCommitment: job.template.witnessCommitment,
      locktime: job.locktime
    })
    // layout: ... payouts | share commitment (51) | witness commitment (47) | locktime (4)
    const cut = full.length - 4 - 47 - 51
    const noCommitment = concatBytes(full.subarray(0, cut), full.subarray(cut + 51))
    noCommitment[42 + scriptSig.length + 4] -= 1 // one output fewer
    expect(verdictOf(net, shareWithCoinbase(net, job, noCommitment, scriptSig))).toMatchObject({
      kind: 'reject',
      reason: 'merkle-root'
    })
  })

  it("rejects another network's share (network), even re-tagged (merkle-root)", () => {
    const net = testNet()
    const other = testNet(testRules({ windowShares: 100 }))
    const foreign = mineShare(other, 'alice').bytes
    expect(verdictOf(net, foreign)).toMatchObject({ kind: 'reject', reason: 'network' })
    const retagged = encodeShare({ ...decodeShare(foreign), networkTag: net.rules.networkTag })
    expect(verdictOf(net, retagged)).toMatchObject({ kind: 'reject', reason: 'merkle-root' })
  })

  it('rejects a timestamp below the median of its last 11 ancestors (timestamp-median); at the median is fine', () => {
    const net = testNet()
    let parent = addShare(net, 'alice', { parent: undefined })
    for (let i = 1; i < 11; i++) parent = addShare(net, 'alice')
    // ancestors stamped START..START+100 step 10: median of the last 11 = START + 50
    const median = START_TIME + 50
    const belowMedian = mineShareAt(net, 'bob', median - 1)
    expect(verdictOf(net, belowMedian)).toMatchObject({ kind: 'reject', reason: 'timestamp-median' })
    expect(verdictOf(net, mineShareAt(net, 'bob', median))).toEqual({ kind: 'accept' })
  })

  it('rejects oversize, truncated and trailing bytes', () => {
    const net = testNet()
    const { bytes } = mineShare(net, 'alice')
    expect(verdictOf(net, new Uint8Array(MAX_SHARE_BYTES + 1))).toMatchObject({ kind: 'reject', reason: 'size' })
    expect(verdictOf(net, bytes.subarray(0, bytes.length - 1))).toMatchObject({ kind: 'reject', reason: 'decode' })
    expect(verdictOf(net, concatBytes(bytes, new Uint8Array([0])))).toMatchObject({ kind: 'reject', reason: 'decode' })
    const badVersion = bytes.slice()
    badVersion[0] = 1 // the encoding before per-miner targets and uncles
    expect(verdictOf(net, badVersion)).toMatchObject({ kind: 'reject', reason: 'version' })
  })

  it('ignores (never rejects) a live share whose prev block is more than 1 behind the tip (stale)', () => {
    const net = testNet()
    const { bytes } = mineShare(net, 'alice')
    const b1 = mineHeader(net.headers.tip.hash, START_TIME, 1)
    expect(net.headers.add(b1)).toEqual({ kind: 'accept' })
    expect(verdictOf(net, bytes)).toEqual({ kind: 'accept' }) // 1 behind: still live
    net.validator['cache'].clear()
    expect(net.headers.add(mineHeader(sha256d(b1), START_TIME, 2))).toEqual({ kind: 'accept' })
    expect(verdictOf(net, bytes)).toMatchObject({ kind: 'ignore', reason: 'stale' })
    expect(verdictOf(net, bytes, 'synced')).toEqual({ kind: 'accept' }) // synced: anywhere in the window's span
  })

  it('ignores a share stamped too far ahead of the local clock (future)', () => {
    const net = testNet()
    net.clock.now = START_TIME - net.rules.maxFutureSeconds - 1
    expect(verdictOf(net, mineShare(net, 'alice').bytes)).toMatchObject({ kind: 'ignore', reason: 'future' })
  })

  it('ignores a share with an unknown parent and asks to fetch it', () => {
    const net = testNet()
    const lost = addShare(net, 'alice', { parent: undefined })
    const child = mineShare(net, 'bob', { parent: lost }).bytes
    const fresh = testNet()
    const v = verdictOf(fresh, child)
    expect(v).toMatchObject({ kind: 'ignore', reason: 'unknown-parent' })
    expect(v.kind === 'ignore' && v.fetch).toEqual(lost.id)
  })

  it('ignores a duplicate and answers repeats from the verdict cache', () => {
    const net = testNet()
    const node = addShare(net, 'alice', { parent: undefined })
    expect(verdictOf(net, node.bytes)).toMatchObject({ kind: 'ignore', reason: 'duplicate' })
  })

  it('the worker batch API gives the same verdicts as the validator', () => {
    const net = testNet()
    const good = mineShare(net, 'alice')
    const pre = net.validator.precheck(good.bytes, 'live')
    if (!('pending' in pre)) throw new Error('expected a pending share')
    const tampered = { ...pre.pending.work, shareBytes: good.bytes.slice() }
    tampered.shareBytes[tampered.shareBytes.length - 1] ^= 1 // a branch byte: the fold no longer matches
    const verdicts = verifyShareWorkBatch([structuredClone(pre.pending.work), tampered])
    expect(verdicts[0]).toEqual({ kind: 'accept' })
    expect(verdicts[1]).toMatchObject({ kind: 'reject', reason: 'merkle-root' })
    expect(net.validator.finish(pre.pending, verdicts[0]).verdict).toEqual({ kind: 'accept' })
  })

  it('rejects a share whose block height does not follow the header chain (block-height)', () => {
    const net = testNet()
    const wrongHeight = { ...net.template, height: net.template.height + 5 }
    const { bytes } = mineShare(net, 'alice', { template: wrongHeight, templateId: templateId(wrongHeight) })
    expect(verdictOf(net, bytes)).toMatchObject({ kind: 'reject', reason: 'block-height' })
  })
})

function mineShareAt(net: Net, payee: string, timestamp: number): Uint8Array {
  const job = buildShareJob({
    chain: net.chain,
    template: net.template,
    templateId: net.templateId,
    payoutScript: payoutScriptOf(payee),
    now: timestamp
  })
  job.time = timestamp // bypass the builder's max(now, median + 1): the header time is the share's timestamp
  return reEncodeWithInfo(net, job)
}
