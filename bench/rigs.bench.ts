// Rig fleet simulation (`npm run bench -- rigs`): a virtual clock and Poisson pseudo-share arrivals
// driving the REAL share-chain code (@otedama/shared src/sharechain: required target, own share targets, uncle
// choice, fork choice, PPLNS window) and the REAL Stratum vardiff (relay/src/stratum/vardiff.ts) with
// the relay's own-share-target rule (difficulty x shareInterval / targetShareSeconds). No PoW is ground:
// a pseudo-share is a share with probability ownTarget / pseudoTarget, exactly the chance its hash
// also meets the own target. Shares reach everyone PROPAGATION_MS after they are found; every rig gets
// new work (clean_jobs) when it learns of a new tip.
//
// Printed per scenario: per-rig pseudo-share submits/s at steady state (max over rigs), chain shares/s
// and the mean main-chain share interval after settling, time (and shares) to settle from a cold start,
// waste (work of shares that ended neither in the main chain nor as uncles) and uncle share, and each
// rig class's payout fraction in the final window against its hashrate fraction. Never asserts.
// OTEDAMA_RIGS_SIM_SECONDS sets the simulated time (default 3 h); OTEDAMA_RIGS_TRACE=1 prints the
// required target every 10 simulated seconds to stderr.
import { getChainParams } from '@otedama/shared/chain'
import { bytesToHex } from '@otedama/shared/primitives'
import { p2wpkhScript } from '@otedama/shared/primitives'
import { targetToWork } from '@otedama/shared/primitives'
import {
  OWN_SHARES_PER_INTERVAL,
  ownShareBits,
  ShareChain,
  shareChainRules,
  ZERO_HASH,
  type Share,
  type ShareNode
} from '@otedama/shared/sharechain'
import { bitsToTarget } from '@otedama/shared/primitives'
import { Vardiff } from '../relay/src/stratum/vardiff'
import { VARDIFF_TARGET_SHARE_SECONDS } from '../relay/src/stratum/constants'

const PROPAGATION_MS = 100
const SIM_SECONDS = Number(process.env.OTEDAMA_RIGS_SIM_SECONDS ?? 3 * 3600)
const TICK_MS = 1000
/** Steady state: the last half of the run. */
const STEADY_FROM = 0.5

const params = getChainParams('devnet')
const rules = shareChainRules(params)
const HASHES_PER_DIFF = Number((1n << 256n) / (params.stratumDiff1Target + 1n))
const OWN_RATIO = Math.max(1, rules.shareIntervalSeconds / (OWN_SHARES_PER_INTERVAL * VARDIFF_TARGET_SHARE_SECONDS))

interface RigClass {
  label: string
  hashrate: number
  count: number
  startDifficulty: number
}

interface Rig {
  cls: RigClass
  index: number
  script: Uint8Array
  key: string
  difficulty: number
  vardiff: Vardiff
  nextAt: number
  submits: number
  steadySubmits: number
  job: { parent: ShareNode | undefined; own: bigint; bits: number; uncles: ShareNode[]; time: number } | undefined
}

/** Min-heap of timed events. */
class Heap<T extends { at: number }> {
  private a: T[] = []
  get size(): number {
    return this.a.length
  }
  push(x: T): void {
    const a = this.a
    a.push(x)
    let i = a.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (a[p].at <= a[i].at) break
      ;[a[p], a[i]] = [a[i], a[p]]
      i = p
    }
  }
  pop(): T | undefined {
    const a = this.a
    if (a.length === 0) return undefined
    const top = a[0]
    const last = a.pop()!
    if (a.length > 0) {
      a[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < a.length && a[l].at < a[m].at) m = l
        if (r < a.length && a[r].at < a[m].at) m = r
        if (m === i) break
        ;[a[m], a[i]] = [a[i], a[m]]
        i = m
      }
    }
    return top
  }
}

/** Deterministic PRNG (xorshift), so runs compare. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >> 17
    s ^= s << 5
    s >>>= 0
    return s / 0x100000000
  }
}

let idCounter = 0
function nextId(): Uint8Array {
  const id = new Uint8Array(32)
  new DataView(id.buffer).setUint32(0, ++idCounter, true)
  id[31] = 0x5a
  return id
}

function fakeShare(job: NonNullable<Rig['job']>, script: Uint8Array, time: number): Share {
  return {
    networkTag: rules.networkTag,
    header: { version: 0, prevHash: ZERO_HASH, merkleRoot: ZERO_HASH, time, bits: 0, nonce: 0 },
    header80: new Uint8Array(80),
    info: {
      prevShareId: job.parent?.id ?? ZERO_HASH,
      payoutScript: script,
      shareBits: job.bits,
      shareHeight: job.parent ? job.parent.height + 1 : 0,
      blockHeight: 1,
      coinbaseValue: 0n,
      templateId: ZERO_HASH,
      uncles: job.uncles.map((u) => u.id)
    },
    infoBytes: new Uint8Array(0),
    coinbase: { version: 2, scriptSig: new Uint8Array(2), witnessCommitment: undefined, locktime: 0 },
    merkleBranch: []
  }
}

type Event =
  | { at: number; kind: 'pseudo'; rig: Rig }
  | { at: number; kind: 'arrive'; share: Share; id: Uint8Array; rig: Rig }
  | { at: number; kind: 'tick' }

function simulate(name: string, classes: RigClass[], seed = 7): Record<string, number | string> {
  const rnd = prng(seed)
  const exp = (rate: number): number => -Math.log(1 - rnd()) / rate
  const chain = new ShareChain(rules, { pruneMarginShares: rules.windowShares })
  const rigs: Rig[] = []
  for (const cls of classes) {
    for (let i = 0; i < cls.count; i++) {
      const script = p2wpkhScript(
        Uint8Array.from({ length: 20 }, (_, k) => (rigs.length * 31 + k * 7) & 0xff).map((b, k) =>
          k < 4 ? (rigs.length >> (8 * k)) & 0xff : b
        )
      )
      const rig: Rig = {
        cls,
        index: rigs.length,
        script,
        key: bytesToHex(script),
        difficulty: cls.startDifficulty,
        vardiff: new Vardiff(() => ({ min: 1e-12, max: 2 ** 52, targetShareSeconds: VARDIFF_TARGET_SHARE_SECONDS }), 0),
        nextAt: 0,
        submits: 0,
        steadySubmits: 0,
        job: undefined
      }
      rigs.push(rig)
    }
  }
  const events = new Heap<Event>()
  const totalHashrate = classes.reduce((s, c) => s + c.hashrate * c.count, 0)
  const wanted = totalHashrate * rules.shareIntervalSeconds
  let now = 0
  const buildJob = (rig: Rig): void => {
    const parent = chain.tip
    const required = chain.requiredShareTarget(parent)
    const pseudoTarget = (1n << 256n) / BigInt(Math.max(1, Math.floor(rig.difficulty * OWN_RATIO * HASHES_PER_DIFF)))
    const bits = ownShareBits(required, pseudoTarget)
    const median = chain.medianTimePast(parent)
    rig.job = {
      parent,
      own: bitsToTarget(bits),
      bits,
      uncles: chain.uncleCandidates(parent),
      time: Math.max(Math.floor(now / 1000), median ?? 0)
    }
  }
  const schedule = (rig: Rig): void => {
    const rate = rig.cls.hashrate / (rig.difficulty * HASHES_PER_DIFF) // pseudo-shares per second
    events.push({ at: now + exp(rate) * 1000, kind: 'pseudo', rig })
  }
  for (const rig of rigs) {
    buildJob(rig)
    schedule(rig)
  }
  events.push({ at: TICK_MS, kind: 'tick' })
  let found = 0
  let settledAt: number | undefined
  let settledShares = 0
  const mainTimes: number[] = []
  const endMs = SIM_SECONDS * 1000
  const steadyMs = endMs * STEADY_FROM
  const sharesFoundWork: bigint[] = []
  const allNodes: ShareNode[] = []
  while (events.size > 0) {
    const e = events.pop()!
    if (e.at > endMs) break
    now = e.at
    if (e.kind === 'tick') {
      for (const rig of rigs) {
        const next = rig.vardiff.onTick(rig.difficulty, now)
        if (next !== undefined) {
          rig.difficulty = next
          buildJob(rig)
        }
      }
      const tip = chain.tip
      if (process.env.OTEDAMA_RIGS_TRACE !== undefined && now % 10_000 === 0 && tip !== undefined) {
        process.stderr.write(
          `t=${now / 1000} s height ${tip.height} found ${found} required/wanted ${(Number(targetToWork(chain.requiredShareTarget(tip))) / wanted).toExponential(2)} tip ts ${tip.timestamp - 0} meanD ${(rigs.reduce((a, r) => a + r.difficulty, 0) / rigs.length).toExponential(2)}\n`
        )
      }
      if (settledAt === undefined && tip !== undefined) {
        const req = Number(targetToWork(chain.requiredShareTarget(tip)))
        if (Math.abs(req / wanted - 1) <= 0.1) {
          settledAt = now
          settledShares = found
        }
      }
      events.push({ at: now + TICK_MS, kind: 'tick' })
      continue
    }
    if (e.kind === 'arrive') {
      const before = chain.tip
      // Uncles the builder chose may have been pruned or named meanwhile: keep what still resolves.
      const parent = e.share.info.prevShareId === ZERO_HASH ? undefined : chain.getById(e.share.info.prevShareId)
      if (e.share.info.shareHeight > 0 && parent === undefined) continue
      const resolved = chain.resolveUncles(parent, e.share.info.uncles)
      if (!('uncles' in resolved)) e.share.info.uncles = []
      const { node, tipChanged } = chain.add(e.share, e.id, new Uint8Array(0))
      allNodes.push(node)
      if (tipChanged && chain.tip !== before) for (const rig of rigs) buildJob(rig)
      continue
    }
    const rig = e.rig
    rig.submits++
    if (now >= steadyMs) rig.steadySubmits++
    const pseudoTarget = (1n << 256n) / BigInt(Math.max(1, Math.floor(rig.difficulty * HASHES_PER_DIFF)))
    const job = rig.job!
    const pShare = Number((job.own * 1_000_000n) / pseudoTarget) / 1_000_000
    if (rnd() < Math.min(1, pShare)) {
      found++
      const share = fakeShare(job, rig.script, Math.max(job.time, Math.floor(now / 1000)))
      sharesFoundWork.push(targetToWork(job.own))
      events.push({ at: now + PROPAGATION_MS, kind: 'arrive', share, id: nextId(), rig })
    }
    const next = rig.vardiff.onShare(rig.difficulty, rig.difficulty, now)
    if (next !== undefined) {
      rig.difficulty = next
      buildJob(rig)
    }
    schedule(rig)
  }
  // Main chain and uncles in the last window; waste over the whole run.
  const tip = chain.tip!
  const main = new Set<ShareNode>()
  const uncles = new Set<ShareNode>()
  for (let n: ShareNode | undefined = tip; n; n = n.parent) {
    main.add(n)
    for (const u of n.uncles) uncles.add(u)
    if (n.timestamp * 1000 >= steadyMs) mainTimes.push(n.timestamp)
  }
  let foundWork = 0n
  let wasted = 0n
  let uncleWork = 0n
  for (const n of allNodes) {
    if (n.height < tip.height - rules.windowShares) continue
    foundWork += n.work
    if (uncles.has(n)) uncleWork += n.work
    else if (!main.has(n)) wasted += n.work
  }
  mainTimes.sort((a, b) => a - b)
  const steadyInterval =
    mainTimes.length > 1 ? (mainTimes[mainTimes.length - 1] - mainTimes[0]) / (mainTimes.length - 1) : NaN
  const window = chain.tipWindow()
  const byClass = new Map<string, bigint>()
  const keyClass = new Map(rigs.map((r) => [r.key, r.cls.label]))
  for (const w of window.weights)
    byClass.set(keyClass.get(w.key) ?? '?', (byClass.get(keyClass.get(w.key) ?? '?') ?? 0n) + w.weight)
  let worstPayoutError = 0
  const payoutRows: string[] = []
  for (const cls of classes) {
    const hashFrac = (cls.hashrate * cls.count) / totalHashrate
    const payFrac = Number(((byClass.get(cls.label) ?? 0n) * 1_000_000n) / window.totalWeight) / 1_000_000
    const err = payFrac / hashFrac - 1
    // Classes under 1 % of the hashrate find a handful of shares a window: their variance is the point, not an error.
    if (hashFrac >= 0.01) worstPayoutError = Math.max(worstPayoutError, Math.abs(err))
    payoutRows.push(
      `${cls.label}: hashrate ${(100 * hashFrac).toFixed(2)} % -> payout ${(100 * payFrac).toFixed(2)} % (${err >= 0 ? '+' : ''}${(100 * err).toFixed(1)} %)`
    )
  }
  const steadySeconds = (endMs - steadyMs) / 1000
  const maxSubmitRate = Math.max(...rigs.map((r) => r.steadySubmits / steadySeconds))
  const result = {
    scenario: name,
    rigs: rigs.length,
    poolHashrate: totalHashrate,
    maxRigSubmitsPerSecond: Number(maxSubmitRate.toFixed(3)),
    chainSharesPerSecond: Number((mainTimes.length / steadySeconds).toFixed(3)),
    steadyShareIntervalSeconds: Number(steadyInterval.toFixed(2)),
    settleSeconds: settledAt === undefined ? -1 : Math.round(settledAt / 1000),
    settleShares: settledAt === undefined ? -1 : settledShares,
    wastePercent: Number((Number((wasted * 100_000n) / (foundWork || 1n)) / 1000).toFixed(2)),
    unclePercent: Number((Number((uncleWork * 100_000n) / (foundWork || 1n)) / 1000).toFixed(2)),
    worstPayoutErrorPercent: Number((100 * worstPayoutError).toFixed(1)),
    windowShares: window.shares
  }
  process.stdout.write(
    `\n${name}: ${rigs.length} rigs, pool ${formatRate(totalHashrate)}, ${SIM_SECONDS} s simulated\n`
  )
  process.stdout.write(
    `  settle: required target within 10 % of the pool's work per interval after ${result.settleSeconds} s (${result.settleShares} shares found)\n`
  )
  process.stdout.write(
    `  steady state: max ${result.maxRigSubmitsPerSecond} submits/s per rig, chain ${result.chainSharesPerSecond} shares/s, mean interval ${result.steadyShareIntervalSeconds} s (target ${rules.shareIntervalSeconds} s)\n`
  )
  process.stdout.write(
    `  last window (${window.shares} shares): waste ${result.wastePercent} % of share work, uncles ${result.unclePercent} %\n`
  )
  for (const row of payoutRows) process.stdout.write(`  ${row}\n`)
  return result
}

function formatRate(h: number): string {
  const units = ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s', 'PH/s']
  let i = 0
  while (h >= 1000 && i < units.length - 1) {
    h /= 1000
    i++
  }
  return `${h.toFixed(1)} ${units[i]}`
}

// Rigs start where a relay starts them: CPU rigs at devnet's 1/256, ASICs at 1024 (relay/src/app/stratum.ts).
const MH = 1e6
const TH = 1e12
const results = [
  simulate('one 1 MH/s CPU rig', [{ label: '1 MH/s', hashrate: 1 * MH, count: 1, startDifficulty: 1 / 256 }]),
  simulate('one 1 TH/s rig', [{ label: '1 TH/s', hashrate: 1 * TH, count: 1, startDifficulty: 1024 }]),
  simulate('one 100 TH/s rig', [{ label: '100 TH/s', hashrate: 100 * TH, count: 1, startDifficulty: 1024 }]),
  simulate('mixed: 1 x 100 TH/s, 10 x 1 TH/s, 100 x 1 MH/s', [
    { label: '100 TH/s', hashrate: 100 * TH, count: 1, startDifficulty: 1024 },
    { label: '1 TH/s', hashrate: 1 * TH, count: 10, startDifficulty: 1024 },
    { label: '1 MH/s', hashrate: 1 * MH, count: 100, startDifficulty: 1 / 256 }
  ]),
  simulate('1 000 rigs of 1 TH/s', [{ label: '1 TH/s', hashrate: 1 * TH, count: 1000, startDifficulty: 1024 }])
]
process.stdout.write(
  '\ngoals: every rig <= 1 submit/s at steady state; interval within +-10 % of 10 s; waste <= 2 %; payout within +-5 % of hashrate over a window\n'
)
process.stdout.write(JSON.stringify({ scenarios: results }) + '\n')
