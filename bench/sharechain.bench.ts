// Share-chain benchmarks (issue 3): full share validations per second (sha256d, 2000-tx template =
// 11-step branch, cached payouts) against the same validation with the payout cache disabled and the
// original summary's 500/s; cost of adding a share as the window grows; share and coinbase sizes.
// Prints figures, then one JSON line. Never asserts timings.
import { getChainParams, withShareChainConstants } from '../shared/src/chain'
import { sha256d } from '../shared/src/primitives/hash'
import { coinbaseMerkleBranch } from '../shared/src/primitives/merkle'
import { p2wpkhScript } from '../shared/src/primitives/script'
import { meetsTarget, targetToBits } from '../shared/src/primitives/target'
import {
  HeaderChain,
  ShareChain,
  ShareValidator,
  ZERO_HASH,
  buildShareJob,
  jobCoinbase,
  jobHeader,
  jobShare,
  shareChainRules,
  templateId,
  type Share,
  type ShareChainRules,
  type TemplateAnnouncement
} from '../shared/src/sharechain'

const ORIGINAL_SUMMARY_VALIDATIONS_PER_SECOND = 500
const EASY_TARGET = 0x7fffffn << 232n
const MEASURE_MS = 1500

function bytesOf(seed: string): Uint8Array {
  return sha256d(Uint8Array.from(seed, (c) => c.charCodeAt(0)))
}
const SCRIPTS = Array.from({ length: 2000 }, (_, i) => p2wpkhScript(bytesOf(`payee-${i}`).slice(0, 20)))
const scriptOf = (i: number) => SCRIPTS[i]

function rulesWith(overrides: Parameters<typeof withShareChainConstants>[1]): ShareChainRules {
  return shareChainRules(withShareChainConstants(getChainParams('devnet'), { minShareTarget: EASY_TARGET, ...overrides }))
}

/** A synthetic (unmined) share for chain.add: the chain trusts what validation accepted. */
function fakeShare(prev: Uint8Array, height: number, bits: number, script: Uint8Array, ts: number): Share {
  return {
    networkTag: new Uint8Array(8),
    header: { version: 0, prevHash: ZERO_HASH, merkleRoot: ZERO_HASH, time: ts, bits, nonce: 0 },
    header80: new Uint8Array(80),
    info: { prevShareId: prev, payoutScript: script, shareBits: bits, timestamp: ts, shareHeight: height, blockHeight: 1, coinbaseValue: 0n, templateId: ZERO_HASH },
    infoBytes: new Uint8Array(0),
    coinbase: { version: 1, scriptSig: new Uint8Array(2), witnessCommitment: undefined, locktime: 0 },
    merkleBranch: []
  }
}

let idCounter = 0
function uniqueId(): Uint8Array {
  const id = new Uint8Array(32)
  new DataView(id.buffer).setUint32(0, ++idCounter, true)
  id[31] = 1
  return id
}

/** Chain with `shares` synthetic shares from `payees` scripts, each 10 s apart. */
function syntheticChain(rules: ShareChainRules, shares: number, payees: number, opts = {}): ShareChain {
  const chain = new ShareChain(rules, opts)
  const bits = targetToBits(rules.maxShareTarget)
  let prev: Uint8Array = ZERO_HASH
  for (let h = 0; h < shares; h++) {
    const id = uniqueId()
    chain.add(fakeShare(prev, h, bits, scriptOf(h % payees), 1_700_000_000 + 10 * h), id, new Uint8Array(0))
    prev = id
  }
  return chain
}

function template(rules: ShareChainRules, prevHash: Uint8Array, txs: number): TemplateAnnouncement {
  const others = Array.from({ length: txs - 1 }, (_, i) => bytesOf(`tx-${i}`))
  return {
    networkTag: rules.networkTag, prevHash, height: 101, version: 0x20000000, bits: 0x1e00ffff, curtime: 1_700_100_000,
    coinbaseValue: 5_000_000_000n, witnessCommitment: bytesOf('wc'), merkleBranch: coinbaseMerkleBranch(others)
  }
}

function timed(fn: () => number): { perSecond: number; count: number } {
  const start = performance.now()
  let count = 0
  while (performance.now() - start < MEASURE_MS) count += fn()
  return { perSecond: (count * 1000) / (performance.now() - start), count }
}

// --- 1. full validations per second ------------------------------------------------------------
function validationBench(payees: number): { cached: number; uncached: number; branchSteps: number } {
  const rules = rulesWith({})
  const chain = syntheticChain(rules, Math.min(rules.windowShares, 2160), payees)
  const headers = new HeaderChain({ pow: 'sha256d', powLimit: (1n << 255n) - 1n, checkpoint: { hash: bytesOf('cp'), height: 100 } })
  const t = template(rules, headers.tip.hash, 2000)
  const job = buildShareJob({ chain, template: t, templateId: templateId(t), payoutScript: scriptOf(0), now: 1_800_000_000 })
  const shares: Uint8Array[] = []
  for (let i = 0; shares.length < 2000; i++) {
    const x = new Uint8Array(8)
    new DataView(x.buffer).setUint32(0, i, true)
    for (let nonce = 0; ; nonce++) {
      const h = jobHeader(job, x, nonce)
      if (meetsTarget(sha256d(h), job.shareTarget)) {
        shares.push(jobShare(job, rules.networkTag, x, h))
        break
      }
    }
  }
  const validator = new ShareValidator({ rules, chain, headers, now: () => 1_800_000_000, verdictCacheEntries: 1 })
  for (const s of shares.slice(0, 200)) if (validator.validate(s).verdict.kind !== 'accept') throw new Error('bench share not accepted')
  const cached = timed(() => {
    for (const s of shares) validator.validate(s)
    return shares.length
  })
  const uncached = timed(() => {
    for (let i = 0; i < 200; i++) {
      chain.clearPayoutCaches()
      validator.validate(shares[i])
    }
    return 200
  })
  return { cached: cached.perSecond, uncached: uncached.perSecond, branchSteps: t.merkleBranch.length }
}

// --- 2. cost of adding a share as the window grows ----------------------------------------------
function addCost(windowShares: number): { addNs: number; addAndPayoutsNs: number } {
  const rules = rulesWith({ windowShares })
  const payees = 1000
  const chain = syntheticChain(rules, windowShares + 200, payees, { pruneMarginShares: 100 })
  const bits = targetToBits(rules.maxShareTarget)
  let tip = chain.tip!
  const measure = (n: number, withPayouts: boolean) => {
    const start = performance.now()
    for (let i = 0; i < n; i++) {
      const id = uniqueId()
      tip = chain.add(fakeShare(tip.id, tip.height + 1, bits, scriptOf((tip.height + 1) % payees), tip.timestamp + 10), id, new Uint8Array(0)).node
      if (withPayouts) chain.payouts(tip, 5_000_000_000n, scriptOf(0))
    }
    return ((performance.now() - start) * 1e6) / n
  }
  measure(2000, false) // warm-up
  return { addNs: measure(20_000, false), addAndPayoutsNs: measure(2000, true) }
}

// --- 3. sizes ------------------------------------------------------------------------------------
function sizes(payees: number): { shareBytes: number; coinbaseBytes: number; outputs: number } {
  const rules = rulesWith({})
  const chain = syntheticChain(rules, Math.max(payees, 1) * 2, payees)
  const t = template(rules, bytesOf('prev'), 2000)
  const job = buildShareJob({ chain, template: t, templateId: templateId(t), payoutScript: scriptOf(payees + 1), now: 1_800_000_000 })
  const x = new Uint8Array(8)
  const share = jobShare(job, rules.networkTag, x, jobHeader(job, x, 0))
  return { shareBytes: share.length, coinbaseBytes: jobCoinbase(job, x).length, outputs: job.payouts.length + 2 }
}

const v = validationBench(50)
console.log(`full share validations/s (sha256d, 2000-tx template = ${v.branchSteps}-step branch, 50 payees, 1 core):`)
console.log(`  cached payouts     ${v.cached.toFixed(0)}/s`)
console.log(`  payout cache off   ${v.uncached.toFixed(0)}/s   (cached is x${(v.cached / v.uncached).toFixed(1)})`)
console.log(`  original summary   ${ORIGINAL_SUMMARY_VALIDATIONS_PER_SECOND}/s   (cached is x${(v.cached / ORIGINAL_SUMMARY_VALIDATIONS_PER_SECOND).toFixed(0)})`)
const adds: Record<string, { addNs: number; addAndPayoutsNs: number }> = {}
console.log('add one share (window full, 1000 payees, pruning on):')
for (const w of [100, 1_000, 10_000, 100_000]) {
  adds[w] = addCost(w)
  console.log(`  window ${String(w).padStart(6)}: add ${(adds[w].addNs / 1000).toFixed(2)} µs, add + payouts for the new tip ${(adds[w].addAndPayoutsNs / 1000).toFixed(1)} µs`)
}
console.log(`  add cost ratio window 100 000 / 100: x${(adds[100_000].addNs / adds[100].addNs).toFixed(2)}`)
const sz: Record<string, ReturnType<typeof sizes>> = {}
console.log(`sizes (output cap ${rulesWith({}).maxPayoutOutputs} payouts):`)
for (const p of [1, 50, 500]) {
  sz[p] = sizes(p)
  console.log(`  ${String(p).padStart(3)} payees: share ${sz[p].shareBytes} B, coinbase ${sz[p].coinbaseBytes} B, ${sz[p].outputs} outputs`)
}
console.log(
  JSON.stringify({
    validationsPerSecondCached: Math.round(v.cached),
    validationsPerSecondUncached: Math.round(v.uncached),
    cachedVsUncached: +(v.cached / v.uncached).toFixed(2),
    cachedVsOriginalSummary: +(v.cached / ORIGINAL_SUMMARY_VALIDATIONS_PER_SECOND).toFixed(1),
    addNsWindow100: Math.round(adds[100].addNs),
    addNsWindow1000: Math.round(adds[1000].addNs),
    addNsWindow10000: Math.round(adds[10000].addNs),
    addNsWindow100000: Math.round(adds[100000].addNs),
    addPlusPayoutsNsWindow100000: Math.round(adds[100000].addAndPayoutsNs),
    shareBytes1: sz[1].shareBytes, coinbaseBytes1: sz[1].coinbaseBytes,
    shareBytes50: sz[50].shareBytes, coinbaseBytes50: sz[50].coinbaseBytes,
    shareBytes500: sz[500].shareBytes, coinbaseBytes500: sz[500].coinbaseBytes
  })
)
