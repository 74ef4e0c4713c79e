// Two rigs (sha256d, our WASM kernels at full speed: one thread, and one thread at half duty) mine
// for RUN_MS against a devnet relay started as `npm start` starts it. What must hold for real rigs:
// the relay never drops or bans them, its share chain grows, and each address is paid in proportion
// to the hashes it did.
//
// ON THE RELAY AS OF THIS COMMIT ONE TEST FAILS (kept as it should be; it goes green with the relay's
// per-rig share difficulty and Stratum rate-limit rules of issue 11):
//   "no rig is dropped, refused or banned": the start difficulty is clamped to devnet's minimum share
//   difficulty (2^-24, ~256 hashes a share), so a 2-4 MH/s rig submits thousands of valid shares a
//   second; accepted submits count toward the 100 lines/s limit, each drop is a strike, and the third
//   bans 127.0.0.1 for 30 min (both rigs with it).
// The share-chain and payout checks pass today (the chain grows in the seconds before the ban). The
// payout check is statistical (rig-fleet.ts): its tolerance shrinks with the shares in the window, so
// in one minute of 10 s shares it only catches gross unfairness (a rig paid nothing while the window
// holds a few dozen shares); its false-alarm rate is ~1e-5 at any window size.
// The test prints what the relay did (heights, each rig's counters, the relay's Stratum log).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '@otedama/shared/log'
import { testAddress } from '../../relay/test/stratum/harness'
import { startRelayProcess, type RelayProcess } from './relay-process'
import { checkPayouts, describeFleet, runFleet, type FleetResult, type PayoutCheck } from './rig-fleet'

const log = createLogger('devnet-rigs')
/** How long the rigs mine (ms). */
const RUN_MS = 60_000
/**
 * Least share-chain growth over the run: at devnet's 10 s share interval a settled chain grows by 6 in
 * 60 s on average (a cold start from the minimum share difficulty adds a burst); fewer than 2 has a
 * chance of 1.7 % even without the burst.
 */
const MIN_SHARE_HEIGHT_GROWTH = 2

let relay: RelayProcess | undefined
let result: FleetResult
let checks: PayoutCheck[]

beforeAll(async () => {
  relay = await startRelayProcess()
  result = await runFleet(
    relay,
    [
      { address: testAddress(0xa1), threads: 1, dutyCycle: 1 },
      { address: testAddress(0xb2), threads: 1, dutyCycle: 0.5 }
    ],
    'sha256d',
    RUN_MS
  )
  checks = checkPayouts(result)
  log.info(describeFleet('devnet', result, checks))
}, RUN_MS + 60_000)

afterAll(async () => {
  await relay?.stop()
})

describe('rigs on a devnet relay for a minute', () => {
  it('no rig is dropped, refused or banned', () => {
    for (const r of result.rigs) {
      expect(r.stats.drops, `drops; last: ${r.stats.lastDisconnect?.reason}`).toBe(0)
      expect(r.stats.refusals, 'refused connections (a ban looks like this)').toBe(0)
      expect(r.stats.sessions).toBe(1)
    }
    expect(result.relayStratumLog.filter((l) => /dropped|banned/.test(l))).toEqual([])
  })

  it('both rigs hash and get their submits accepted', () => {
    for (const r of result.rigs) {
      expect(r.hashes).toBeGreaterThan(0)
      expect(r.stats.accepted).toBeGreaterThan(0)
      expect(r.stats.rejected).toBeLessThanOrEqual(r.stats.accepted / 10)
    }
  })

  it("the relay's share chain grows", () => {
    const growth = (result.after.height ?? -1) - (result.before.height ?? -1)
    expect(growth).toBeGreaterThanOrEqual(MIN_SHARE_HEIGHT_GROWTH)
  })

  it('the relay answers its API throughout (it is never too busy with submits)', () => {
    expect(result.apiErrors).toEqual([])
  })

  it('each address is paid in proportion to its hashes', () => {
    expect(
      checks.reduce((n, c) => n + c.shares, 0),
      'shares of the rigs in the window'
    ).toBeGreaterThan(0)
    for (const c of checks) {
      expect(
        Math.abs(c.payoutFraction - c.hashFraction),
        `payout ${c.payoutFraction} vs hashes ${c.hashFraction}`
      ).toBeLessThanOrEqual(c.tolerance)
    }
  })
})
