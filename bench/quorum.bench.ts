// Quorum benchmarks: what the weights and committees cost, next to a baseline measured in the same run.
// - relay weights of a full window (windowRelayWeights walks the window at the tip, reads each share's
//   scriptSig binding; once per new tip) against a bare walk of the same window summing work per payout
//   script (what a non-incremental PPLNS basis costs): the ratio is what reading the bindings adds;
// - a committee draw (selectCommittee, k = 7) over 10, 100 and 1 000 weighted keys, first draw of a
//   seed (all clocks hashed) and a redraw after the weights moved (clocks cached).
// Prints figures, then one JSON line. Never asserts timings.
import { getChainParams, withShareChainConstants } from '@otedama/shared/chain'
import { concatBytes } from '@otedama/shared/primitives'
import { bip34HeightPush } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { p2wpkhScript } from '@otedama/shared/primitives'
import { targetToBits } from '@otedama/shared/primitives'
import {
  committeeSeed,
  fixedRelayWeights,
  relayBindingTag,
  selectCommittee,
  windowRelayWeights
} from '@otedama/shared/quorum'
import { ShareChain, ZERO_HASH, shareChainRules, type Share } from '@otedama/shared/sharechain'

const MEASURE_MS = 500
const RELAYS = 50
const PAYEES = 200

function timed(fn: () => void): { perSecond: number; microseconds: number } {
  const start = performance.now()
  let count = 0
  while (performance.now() - start < MEASURE_MS) {
    fn()
    count++
  }
  const ms = performance.now() - start
  return { perSecond: (count * 1000) / ms, microseconds: (ms * 1000) / count }
}

const relayIds = Array.from({ length: RELAYS }, (_, i) => sha256d(Uint8Array.of(i, 1)).slice(0, 34))
const scripts = Array.from({ length: PAYEES }, (_, i) => p2wpkhScript(sha256d(Uint8Array.of(i, 2)).slice(0, 20)))

/** A synthetic (unmined) share for chain.add, bound to relay `h % RELAYS` (a quarter unbound). */
function fakeShare(prev: Uint8Array, height: number, bits: number): Share {
  const tag = height % 4 === 3 ? new Uint8Array(0) : relayBindingTag(relayIds[height % RELAYS])
  return {
    networkTag: new Uint8Array(8),
    header: {
      version: 0,
      prevHash: ZERO_HASH,
      merkleRoot: ZERO_HASH,
      time: 1_700_000_000 + 10 * height,
      bits,
      nonce: 0
    },
    header80: new Uint8Array(80),
    info: {
      prevShareId: prev,
      payoutScript: scripts[height % PAYEES],
      shareBits: bits,
      shareHeight: height,
      blockHeight: 1,
      coinbaseValue: 0n,
      templateId: ZERO_HASH,
      uncles: []
    },
    infoBytes: new Uint8Array(0),
    coinbase: {
      version: 1,
      scriptSig: concatBytes(bip34HeightPush(1000), tag, new Uint8Array(8)),
      witnessCommitment: undefined,
      locktime: 0
    },
    merkleBranch: []
  }
}

const out: Record<string, unknown> = {}
for (const windowShares of [2160, 8640]) {
  const rules = shareChainRules(withShareChainConstants(getChainParams('devnet'), { windowShares }))
  const chain = new ShareChain(rules)
  const bits = targetToBits(rules.maxShareTarget)
  let prev: Uint8Array = ZERO_HASH
  for (let h = 0; h < windowShares; h++) {
    const id = sha256d(new Uint8Array(new Uint32Array([h, windowShares]).buffer))
    chain.add(fakeShare(prev, h, bits), id, new Uint8Array(0))
    prev = id
  }
  const tip = chain.tip!
  const weights = timed(() => {
    windowRelayWeights(tip, windowShares, rules.unclePenaltyPercent)
  })
  const walk = timed(() => {
    const byScript = new Map<string, bigint>()
    for (const n of chain.ancestors(tip, windowShares))
      byScript.set(n.payoutKey, (byScript.get(n.payoutKey) ?? 0n) + n.work)
  })
  console.log(
    `window ${windowShares}: relay weights ${weights.microseconds.toFixed(0)} µs; bare walk by payout script ${walk.microseconds.toFixed(0)} µs; ratio ${(weights.microseconds / walk.microseconds).toFixed(2)}`
  )
  out[`window${windowShares}`] = {
    weightsMicroseconds: Math.round(weights.microseconds),
    bareWalkMicroseconds: Math.round(walk.microseconds),
    ratio: weights.microseconds / walk.microseconds
  }
}
for (const keys of [10, 100, 1000]) {
  const w = fixedRelayWeights(
    Array.from({ length: keys }, (_, i) => [sha256d(Uint8Array.of(i & 0xff, i >> 8, 3)), BigInt(1000 + i)] as const)
  )
  const seed = committeeSeed('template', sha256d(Uint8Array.of(keys)))
  const first = timed(() => {
    selectCommittee(w.byKey, seed, 7)
  })
  const clocks = new Map<string, bigint>()
  selectCommittee(w.byKey, seed, 7, clocks)
  const redraw = timed(() => {
    selectCommittee(w.byKey, seed, 7, clocks)
  })
  console.log(
    `committee draw, ${keys} weighted keys: first ${first.microseconds.toFixed(0)} µs, redraw ${redraw.microseconds.toFixed(0)} µs (ratio ${(first.microseconds / redraw.microseconds).toFixed(1)})`
  )
  out[`committee${keys}`] = {
    firstMicroseconds: Math.round(first.microseconds),
    redrawMicroseconds: Math.round(redraw.microseconds)
  }
}
console.log(JSON.stringify(out))
