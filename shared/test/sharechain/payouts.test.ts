// PPLNS payouts: exact sums, finder bonus and remainder, dust/overflow lottery, output order.
import { describe, expect, it } from 'vitest'
import { bytesToHex } from '../../src/primitives/bytes'
import { computePayouts, drawLotteryWinner, type PayoutBasis, type PayoutPolicy } from '../../src/sharechain'
import { fakeHash, payoutScriptOf } from './fixtures'

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function basisOf(entries: [string, bigint][], parentSeed = 'parent'): PayoutBasis {
  const weights = entries.map(([name, weight]) => {
    const script = payoutScriptOf(name)
    return { script, key: bytesToHex(script), weight }
  })
  weights.sort((a, b) => (a.key < b.key ? -1 : 1))
  return { parentId: fakeHash(parentSeed), weights, totalWeight: weights.reduce((s, w) => s + w.weight, 0n) }
}

const POLICY: PayoutPolicy = { finderBonusPpm: 5_000, dustLimit: 10_000n, maxPayoutOutputs: 16 }

/** rest minus the sum of the floored window shares: what the finder gets on top of its bonus. */
function remainderOf(basis: ReturnType<typeof basisOf>, rest: bigint): bigint {
  let distributed = 0n
  for (const w of basis.weights) distributed += (rest * w.weight) / basis.totalWeight
  return rest - distributed
}

describe('payouts', () => {
  it('gives the whole value to the finder of a first share (no parent)', () => {
    const out = computePayouts(
      { parentId: undefined, weights: [], totalWeight: 0n },
      5_000_000_000n,
      payoutScriptOf('alice'),
      POLICY
    )
    expect(out).toEqual([{ script: payoutScriptOf('alice'), value: 5_000_000_000n }])
  })

  it('pays the bonus and remainder to the finder and splits the rest by work, rounding down', () => {
    const basis = basisOf([
      ['alice', 1n],
      ['bob', 2n]
    ])
    const V = 1_000_000_001n
    const out = computePayouts(basis, V, payoutScriptOf('carol'), POLICY)
    const bonus = (V * 5_000n) / 1_000_000n
    const rest = V - bonus
    const byScript = new Map(out.map((o) => [bytesToHex(o.script), o.value]))
    expect(byScript.get(bytesToHex(payoutScriptOf('alice')))).toBe(rest / 3n)
    expect(byScript.get(bytesToHex(payoutScriptOf('bob')))).toBe((rest * 2n) / 3n)
    expect(byScript.get(bytesToHex(payoutScriptOf('carol')))).toBe(bonus + rest - rest / 3n - (rest * 2n) / 3n)
  })

  it('sorts outputs by script bytes', () => {
    const basis = basisOf(Array.from({ length: 10 }, (_, i) => [`p${i}`, BigInt(i + 1)] as [string, bigint]))
    const keys = computePayouts(basis, 10_000_000_000n, payoutScriptOf('p3'), POLICY).map((o) => bytesToHex(o.script))
    expect(keys).toEqual([...keys].sort())
  })

  it('property: payouts sum to the coinbase value exactly for random windows, within the cap, above dust but for the lottery', () => {
    const rnd = prng(42)
    for (let round = 0; round < 400; round++) {
      const payees = 1 + Math.floor(rnd() * 60)
      const entries: [string, bigint][] = Array.from({ length: payees }, (_, i) => [
        `r${round}-${i}`,
        BigInt(1 + Math.floor(rnd() * 1e9)) * BigInt(1 + Math.floor(rnd() * 1e6))
      ])
      const policy: PayoutPolicy = {
        finderBonusPpm: Math.floor(rnd() * 50_000),
        dustLimit: BigInt(Math.floor(rnd() * 5e7)),
        maxPayoutOutputs: 2 + Math.floor(rnd() * 20)
      }
      const value = BigInt(Math.floor(rnd() * 1e10))
      const finder = rnd() < 0.5 ? entries[0][0] : `finder-${round}`
      const out = computePayouts(basisOf(entries, `parent-${round}`), value, payoutScriptOf(finder), policy)
      expect(out.reduce((s, o) => s + o.value, 0n)).toBe(value)
      expect(out.length).toBeLessThanOrEqual(policy.maxPayoutOutputs)
      expect(new Set(out.map((o) => bytesToHex(o.script))).size).toBe(out.length)
      const finderKey = bytesToHex(payoutScriptOf(finder))
      const belowDust = out.filter((o) => o.value < policy.dustLimit && bytesToHex(o.script) !== finderKey)
      expect(belowDust.length).toBeLessThanOrEqual(1) // only the lottery winner (and the finder's bonus) may be below dust
    }
  })

  it('lottery: deterministic for a parent id', () => {
    const pooled = Array.from({ length: 20 }, (_, i) => ({ name: `p${i}`, amount: BigInt(100 + i) }))
    const a = drawLotteryWinner(pooled, fakeHash('P1')).winner.name
    expect(drawLotteryWinner(pooled, fakeHash('P1')).winner.name).toBe(a)
    const basis = basisOf(Array.from({ length: 40 }, (_, i) => [`d${i}`, 1n] as [string, bigint]))
    const policy = { ...POLICY, dustLimit: 1_000_000_000n }
    expect(computePayouts(basis, 100_000_000n, payoutScriptOf('x'), policy)).toEqual(
      computePayouts(basis, 100_000_000n, payoutScriptOf('x'), policy)
    )
  })

  it('lottery: pays each pooled payee its amount in expectation over many parents (statistical)', () => {
    const amounts = [1n, 2n, 3n, 4n, 10n]
    const pooled = amounts.map((amount, i) => ({ i, amount }))
    const total = amounts.reduce((s, a) => s + a, 0n)
    const draws = 20_000
    const wins = new Array(amounts.length).fill(0)
    for (let k = 0; k < draws; k++) wins[drawLotteryWinner(pooled, fakeHash(`parent-${k}`)).winner.i]++
    for (let i = 0; i < amounts.length; i++) {
      const p = Number(amounts[i]) / Number(total)
      const sd = Math.sqrt(draws * p * (1 - p))
      // expected payout = P(win) * total = amount; allow 5 standard deviations (false alarm ~1e-6)
      expect(Math.abs(wins[i] - draws * p)).toBeLessThan(5 * sd)
    }
  })

  it('pools payees beyond the output cap: the largest keep their outputs', () => {
    const entries: [string, bigint][] = Array.from({ length: 30 }, (_, i) => [`c${i}`, BigInt((i + 1) * 1000)])
    const policy = { ...POLICY, dustLimit: 0n, maxPayoutOutputs: 10 }
    const out = computePayouts(basisOf(entries), 10_000_000_000n, payoutScriptOf('c0'), policy)
    // one slot is kept for the finder: 8 largest + the lottery winner + the finder
    expect(out.length).toBe(10)
    const keys = new Set(out.map((o) => bytesToHex(o.script)))
    for (let i = 22; i < 30; i++) expect(keys.has(bytesToHex(payoutScriptOf(`c${i}`)))).toBe(true)
    expect(keys.has(bytesToHex(payoutScriptOf('c0')))).toBe(true)
  })

  it('lottery nobody can steer: which script is named finder never moves the draw or the window amounts', () => {
    // 200 payees, cap 16; an attacker holds 20 small scripts (3.2 % of the window) and may name any as finder
    const honest: [string, bigint][] = Array.from({ length: 180 }, (_, i) => [`h${i}`, 1_000_000n + BigInt(i)])
    const attacker: [string, bigint][] = Array.from({ length: 20 }, (_, i) => [`a${i}`, 297_000n])
    const entries = [...honest, ...attacker]
    const value = 5_000_000_000n
    const bonus = (value * BigInt(POLICY.finderBonusPpm)) / 1_000_000n
    for (let k = 0; k < 100; k++) {
      const basis = basisOf(entries, `steer-${k}`)
      const views = attacker.map(([name]) => {
        const finderKey = bytesToHex(payoutScriptOf(name))
        const out = computePayouts(basis, value, payoutScriptOf(name), POLICY)
        // take away the finder's extra (bonus + rounding remainder, both fixed by the window and value)
        const extra = bonus + remainderOf(basis, value - bonus)
        return out
          .map((o) => `${bytesToHex(o.script)}:${bytesToHex(o.script) === finderKey ? o.value - extra : o.value}`)
          .filter((e) => !e.endsWith(':0'))
          .sort()
      })
      // the same outputs and amounts (the same lottery winner) whichever attacker script is named finder
      for (const v of views) expect(v).toEqual(views[0])
    }
  })
})
