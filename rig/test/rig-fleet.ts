// Runs rigs against a relay process for a fixed time and gathers what the long-run tests assert on:
// each rig's own counters (drops, refusals, hashes), the relay's share chain before and after, and
// each rig address's payout weight in the PPLNS window, with the tolerance statistics allows.
import { createLogger } from '@otedama/shared/log'
import { bitsToTarget, targetToWork } from '@otedama/shared/primitives'
import type { PowAlgorithm } from '../../web/src/miner/kernels/types'
import { Rig, type RigStats } from '../src/rig'
import { formatHashrate, formatSummary } from '../src/summary'
import type { RelayProcess } from './relay-process'
import { errorMessage } from '@otedama/shared/util'

const log = createLogger('rig-fleet')

/** Standard deviations allowed between payout and hashrate fractions: two-sided false alarm ~7e-6. */
export const PAYOUT_TOLERANCE_SIGMAS = 4.5

export interface FleetRig {
  /** Payout address (the worker name is added). */
  address: string
  threads: number
  dutyCycle: number
}

export interface FleetRigResult extends FleetRig {
  stats: RigStats
  hashes: number
}

export interface ShareChainSnapshot {
  height: number | undefined
  shares: number
}

export type HeightSample = { t: number; height: number | undefined; shares: number } | { t: number; error: string }

export interface FleetResult {
  rigs: FleetRigResult[]
  before: ShareChainSnapshot
  /** At the end; height undefined and shares NaN when the API did not answer. */
  after: ShareChainSnapshot
  /** The relay's share chain every HEIGHT_SAMPLE_MS during the run (t in s). */
  heights: HeightSample[]
  /** API requests that failed or timed out (a relay too busy to answer). */
  apiErrors: string[]
  /** /api/v1/sharechain at the end (newest shares first, and the window's payees). */
  shareChain: {
    height?: number
    shares: Array<{ payoutAddress?: string; bits: string }>
    window: Array<{ payoutAddress?: string; weightPpm: number }>
  }
  /** Relay log lines about Stratum connections (its start-up line, drops, bans). */
  relayStratumLog: string[]
  /** Block candidates the relay's Stratum logged (every share is one on regtest). */
  blockCandidates: number
}

export async function runFleet(
  relay: RelayProcess,
  rigs: FleetRig[],
  algorithm: PowAlgorithm,
  runMs: number
): Promise<FleetResult> {
  const status = await relay.getJson('/api/v1/status')
  const before = { height: status.shareChain.height as number | undefined, shares: status.shareChain.shares as number }
  const running = rigs.map(
    (spec, i) =>
      new Rig({
        endpoint: { host: '127.0.0.1', port: relay.stratumPort },
        user: `${spec.address}.rig${i}`,
        password: 'x',
        threads: spec.threads,
        dutyCycle: spec.dutyCycle,
        algorithm,
        summaryIntervalMs: 10_000
      })
  )
  running.forEach((r, i) => r.on('summary', (s) => log.info(`rig${i}: ${formatSummary(s, algorithm)}`)))
  let stats: RigStats[]
  const startedAt = Date.now()
  const samples: HeightSample[] = []
  let sampling = false
  const poller = setInterval(() => {
    if (sampling) return
    sampling = true
    const t = Math.round((Date.now() - startedAt) / 1000)
    relay
      .getJson('/api/v1/status')
      .then(
        (st) => samples.push({ t, height: st.shareChain.height, shares: st.shareChain.shares }),
        (err: unknown) => samples.push({ t, error: `status at ${t} s: ${errorMessage(err)}` })
      )
      .finally(() => {
        sampling = false
      })
  }, HEIGHT_SAMPLE_MS)
  try {
    await Promise.all(running.map(async (r) => await r.start()))
    // The run is the measurement: a fixed stretch of mining, not a wait for an event.
    await new Promise((resolve) => setTimeout(resolve, runMs))
    stats = running.map((r) => r.sample())
  } finally {
    await Promise.all(running.map(async (r) => await r.stop()))
  }
  // A relay swamped by submits can stall its HTTP face for a while after the rigs stop: retry, and
  // report an API that never answers instead of throwing (the tests then say what is missing).
  const end = await retryApi(relay, '/api/v1/status')
  const shareChain = await retryApi(relay, '/api/v1/sharechain?limit=1000')
  clearInterval(poller)
  const apiErrors = [
    ...samples.filter((x) => 'error' in x).map((x) => (x as { error: string }).error),
    ...[end, shareChain].filter((x) => 'error' in x).map((x) => x.error as string)
  ]
  return {
    rigs: rigs.map((spec, i) => ({
      ...spec,
      stats: stats[i],
      hashes: stats[i].totalHashes.reduce((a, b) => a + b, 0)
    })),
    before,
    after:
      'error' in end
        ? { height: undefined, shares: Number.NaN }
        : { height: end.shareChain.height, shares: end.shareChain.shares },
    heights: samples,
    apiErrors,
    shareChain: 'error' in shareChain ? { shares: [], window: [] } : shareChain,
    relayStratumLog: relay.logLines(/stratum:(net|bans)|Stratum on/),
    blockCandidates: relay.logLines(/block candidate/).length
  }
}

/** Longest the relay's API may stay unanswered after a run (ms). */
const API_RECOVERY_MS = 15_000
/** The relay's share-chain height is sampled this often during a run (ms). */
const HEIGHT_SAMPLE_MS = 5_000

async function retryApi(relay: RelayProcess, path: string): Promise<any> {
  const deadline = Date.now() + API_RECOVERY_MS
  for (;;) {
    try {
      return await relay.getJson(path)
    } catch (err) {
      if (Date.now() > deadline)
        return { error: `${path} unanswered ${API_RECOVERY_MS / 1000} s after the run: ${errorMessage(err)}` }
      log.warn(`relay API ${path}: ${errorMessage(err)}; retrying`)
    }
  }
}

export interface PayoutCheck {
  address: string
  hashFraction: number
  payoutFraction: number
  /** Shares of this address among the listed window shares. */
  shares: number
  /** Allowed |payoutFraction − hashFraction|. */
  tolerance: number
}

/**
 * Each rig's payout weight in the window against its share of the hashes the rigs did. The expected
 * work credited to a rig is its hash count (a share of target T is found once per 2^256/T hashes and
 * credited that much work), so the fractions agree up to the randomness of share finding: with shares
 * of unequal work that is binomial over Kish's effective count n_eff = (Σw)² / Σw², so
 * tolerance = PAYOUT_TOLERANCE_SIGMAS · sqrt(p(1 − p) / n_eff).
 */
export function checkPayouts(result: FleetResult): PayoutCheck[] {
  const addresses = result.rigs.map((r) => r.address)
  const totalHashes = result.rigs.reduce((s, r) => s + r.hashes, 0)
  const ppm = (a: string): number =>
    result.shareChain.window.filter((w) => w.payoutAddress === a).reduce((s, w) => s + w.weightPpm, 0)
  const totalPpm = addresses.reduce((s, a) => s + ppm(a), 0)
  const works = result.shareChain.shares
    .filter((s) => s.payoutAddress !== undefined && addresses.includes(s.payoutAddress))
    .map((s) => Number(targetToWork(bitsToTarget(Number.parseInt(s.bits, 16)))))
  const sum = works.reduce((a, b) => a + b, 0)
  const sumSquares = works.reduce((a, b) => a + b * b, 0)
  const nEff = sumSquares > 0 ? (sum * sum) / sumSquares : 0
  return result.rigs.map((r) => {
    const p = totalHashes > 0 ? r.hashes / totalHashes : 0
    return {
      address: r.address,
      hashFraction: p,
      payoutFraction: totalPpm > 0 ? ppm(r.address) / totalPpm : 0,
      shares: result.shareChain.shares.filter((s) => s.payoutAddress === r.address).length,
      tolerance: nEff > 0 ? PAYOUT_TOLERANCE_SIGMAS * Math.sqrt((p * (1 - p)) / nEff) : 1
    }
  })
}

/** One paragraph on what the relay did, printed by the long-run tests whatever their outcome. */
export function describeFleet(name: string, result: FleetResult, checks: PayoutCheck[]): string {
  const lines = [
    `${name}: share chain height ${result.before.height ?? 'none'} -> ${result.after.height ?? 'none'}, shares stored ${result.before.shares} -> ${result.after.shares}, block candidates ${result.blockCandidates}`,
    `  height over time: ${result.heights.map((h) => ('error' in h ? `${h.t}s:no answer` : `${h.t}s:${h.height ?? '-'}/${h.shares}`)).join(' ')}`,
    ...(result.apiErrors.length > 0 ? [`  relay API errors: ${result.apiErrors.join('; ')}`] : []),
    ...result.rigs.map((r, i) => {
      const s = r.stats
      const c = checks[i]
      return (
        `  rig${i} ${r.threads} thread(s) duty ${r.dutyCycle}: ${formatHashrate(r.hashes).replace('H/s', 'hashes')}; accepted ${s.accepted} rejected ${s.rejected} ${JSON.stringify(s.rejectReasons)} lost ${s.lost}; ` +
        `sessions ${s.sessions} drops ${s.drops} refusals ${s.refusals}; last disconnect ${s.lastDisconnect?.reason ?? 'none'}; ` +
        `window shares ${c.shares}, payout ${(100 * c.payoutFraction).toFixed(1)} % vs hashes ${(100 * c.hashFraction).toFixed(1)} % (±${(100 * c.tolerance).toFixed(1)} %)`
      )
    }),
    `  relay Stratum log (${result.relayStratumLog.length} lines):`,
    ...result.relayStratumLog.slice(0, 20).map((l) => `    ${l}`)
  ]
  return lines.join('\n')
}
