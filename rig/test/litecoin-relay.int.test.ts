// Two scrypt rigs (our WASM SIMD kernel: one thread, and one thread at half duty) mine for RUN_MS
// against a relay on litecoin regtest, its templates from two connected litecoind nodes (the relay
// as `relay/src/main.ts --blockchain litecoin-regtest` runs it). What must hold: the relay never drops
// or bans them, its share chain grows, each address is paid in proportion to its hashes, and the
// daemons take the blocks the rigs find.
//
// ON THE RELAY AS OF THIS COMMIT SEVERAL FAIL (kept as they should be; they go green with the relay's
// per-rig share difficulty and Stratum rules of issue 11). Regtest's minimum share target passes ~1
// scrypt hash in 16 and rigs are never set above the share difficulty, so each ~4-8 kH/s rig submits
// hundreds of valid shares a second, and on regtest each is also a block candidate the relay submits
// to litecoind. Seen here: the relay's event loop stalls (its API does not answer for the whole run),
// the share chain stays at height 1-2 while thousands of shares are stored, and depending on timing
// a rig is dropped for more than 100 lines/s (a strike; the third bans 127.0.0.1).
// The test prints what the relay did (heights, each rig's counters, the relay's Stratum log).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '@otedama/shared/log'
import { startLitecoindPair, type LitecoindPair } from '../../relay/test/harness/litecoind'
import { startRelayProcess, type RelayProcess } from './relay-process'
import { checkPayouts, describeFleet, runFleet, type FleetResult, type PayoutCheck } from './rig-fleet'

const log = createLogger('litecoin-rigs')
/** How long the rigs mine (ms): 50 s, so that with two daemons to start the file stays near 90 s. */
const RUN_MS = 50_000
/** As on devnet: regtest's share interval is 10 s too (see devnet-relay.int.test.ts). */
const MIN_SHARE_HEIGHT_GROWTH = 2

let pair: LitecoindPair | undefined
let relay: RelayProcess | undefined
let result: FleetResult
let checks: PayoutCheck[]
let blocksBefore = 0
let blocksAfter = 0

beforeAll(async () => {
  pair = await startLitecoindPair({ initialBlocks: 1 })
  const addresses: string[] = [
    await pair.b.call('getnewaddress', ['', 'bech32']),
    await pair.b.call('getnewaddress', ['', 'bech32'])
  ]
  relay = await startRelayProcess([
    '--blockchain',
    'litecoin-regtest',
    '--rpc-url',
    pair.a.rpcUrl,
    '--rpc-cookie-file',
    pair.a.cookieFile
  ])
  blocksBefore = await pair.b.call('getblockcount')
  result = await runFleet(
    relay,
    [
      { address: addresses[0], threads: 1, dutyCycle: 1 },
      { address: addresses[1], threads: 1, dutyCycle: 0.5 }
    ],
    'scrypt',
    RUN_MS
  )
  await pair.waitSynced()
  blocksAfter = await pair.b.call('getblockcount')
  checks = checkPayouts(result)
  log.info(`${describeFleet('litecoin-regtest', result, checks)}\n  litecoind blocks ${blocksBefore} -> ${blocksAfter}`)
}, RUN_MS + 110_000)

afterAll(async () => {
  await relay?.stop()
  await pair?.stop()
})

describe('scrypt rigs on a litecoin-regtest relay for a minute', () => {
  it('no rig is dropped, refused or banned', () => {
    for (const r of result.rigs) {
      expect(r.stats.drops, `drops; last: ${r.stats.lastDisconnect?.reason}`).toBe(0)
      expect(r.stats.refusals, 'refused connections (a ban looks like this)').toBe(0)
      expect(r.stats.sessions).toBe(1)
    }
    expect(result.relayStratumLog.filter((l) => /dropped|banned/.test(l))).toEqual([])
  })

  it('both rigs hash scrypt and get their submits accepted', () => {
    for (const r of result.rigs) {
      expect(r.hashes).toBeGreaterThan(0)
      expect(r.stats.accepted).toBeGreaterThan(0)
    }
  })

  it("the relay's share chain grows and litecoind takes the rigs' blocks", () => {
    expect((result.after.height ?? -1) - (result.before.height ?? -1)).toBeGreaterThanOrEqual(MIN_SHARE_HEIGHT_GROWTH)
    // Regtest blocks pass half of all hashes: every share is a block too.
    expect(blocksAfter).toBeGreaterThan(blocksBefore)
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
