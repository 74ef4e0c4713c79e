import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import {
  blockSubsidy,
  type ChainParams,
  ChainParamsError,
  encodeNetworkParams,
  getChainParams,
  NETWORK_NAMES,
  networkId,
  networkIdHex,
  type ShareChainConstants,
  validateChainParams,
  withShareChainConstants
} from '../src/chain'
import { bytesToHex, equalBytes } from '../src/primitives/bytes'
import { DIFF1_TARGET_SCRYPT, DIFF1_TARGET_SHA256D } from '../src/primitives/target'

const devnet = getChainParams('devnet')

describe('network id', () => {
  it('differs across all eight networks', () => {
    expect(NETWORK_NAMES).toHaveLength(8)
    const ids = NETWORK_NAMES.map((n) => networkIdHex(getChainParams(n)))
    expect(new Set(ids).size).toBe(8)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{64}$/)
  })

  it('is sha256d of the canonical encoding, checked with an independent sha256', () => {
    for (const name of NETWORK_NAMES) {
      const params = getChainParams(name)
      expect(equalBytes(networkId(params), sha256(sha256(encodeNetworkParams(params)))), name).toBe(true)
    }
  })

  it('is stable across calls and structurally equal copies, and callers cannot corrupt the cache', () => {
    const first = networkId(devnet)
    first.fill(0)
    expect(bytesToHex(networkId(devnet))).toBe(networkIdHex(devnet))
    expect(networkIdHex(devnet)).not.toBe('00'.repeat(32))
    const copy = structuredClone(devnet) as ChainParams
    expect(networkIdHex(copy)).toBe(networkIdHex(devnet))
  })

  it('changes when any share-chain constant changes', () => {
    const base = networkIdHex(devnet)
    const s = devnet.shareChain
    const changes: { [K in keyof ShareChainConstants]: ShareChainConstants[K] } = {
      shareIntervalSeconds: s.shareIntervalSeconds + 1,
      windowShares: s.windowShares + 1,
      maxCoinbaseOutputs: s.maxCoinbaseOutputs - 1,
      dustLimit: s.dustLimit + 1n,
      finderBonusPpm: s.finderBonusPpm + 1,
      minShareTarget: s.minShareTarget >> 1n,
      retargetWindowShares: s.retargetWindowShares + 1,
      maxRetargetStepPercent: s.maxRetargetStepPercent + 1,
      retargetTrimPercent: s.retargetTrimPercent + 1,
      maxUncleDepth: s.maxUncleDepth + 1,
      maxUnclesPerShare: s.maxUnclesPerShare - 1,
      unclePenaltyPercent: s.unclePenaltyPercent + 1,
      maxSiblingsPerHeight: s.maxSiblingsPerHeight + 1,
      medianTimeSpan: s.medianTimeSpan + 2,
      maxFutureSeconds: s.maxFutureSeconds + 1
    }
    // Every field is covered: a new constant must be added here (and to the encoding).
    expect(Object.keys(changes).sort()).toEqual(Object.keys(s).sort())
    const seen = new Set([base])
    for (const [key, value] of Object.entries(changes)) {
      const id = networkIdHex(withShareChainConstants(devnet, { [key]: value }))
      expect(seen.has(id), key).toBe(false)
      seen.add(id)
    }
  })

  it('changes with chain consensus fields but not with ports or display fields', () => {
    const base = networkIdHex(devnet)
    const variants: Partial<ChainParams>[] = [
      { powLimit: devnet.powLimit >> 1n },
      { subsidy: { ...devnet.subsidy, halvingInterval: 1000 } },
      { addresses: { ...devnet.addresses, bech32Hrp: 'odevx' } },
      { devnetGenesis: { ...devnet.devnetGenesis!, time: devnet.devnetGenesis!.time + 1 } },
      { devnetGenesis: { ...devnet.devnetGenesis!, coinbaseMessage: 'another devnet' } },
      { devnetBlockRetarget: { windowBlocks: 21, maxStepPercent: 50 } },
      { coinbaseMaturity: 11 },
      { targetBlockSeconds: 61 }
    ]
    for (const v of variants) expect(networkIdHex({ ...devnet, ...v }), JSON.stringify(Object.keys(v))).not.toBe(base)
    expect(networkIdHex({ ...devnet, ports: { p2p: 1, stratum: 2, http: 3 } })).toBe(base)
    expect(networkIdHex({ ...devnet, ticker: 'XYZ' })).toBe(base)
  })

  it('pins the devnet id: a change here is a hard fork of devnet, make it on purpose', () => {
    expect(networkIdHex(devnet)).toBe('22224b7d9801321f707f933ebca70d4a06ce7c8ae8eb2b7c0d0365aabdcb978e')
  })
})

describe('chain params', () => {
  it('getChainParams returns each network and refuses unknown names, listing the known ones', () => {
    for (const name of NETWORK_NAMES) expect(getChainParams(name).name).toBe(name)
    expect(() => getChainParams('litecoin-mainnet')).toThrow(ChainParamsError)
    expect(() => getChainParams('litecoin-mainnet')).toThrow(/known networks: devnet, litecoin, litecoin-testnet/)
    expect(() => getChainParams('toString')).toThrow(ChainParamsError)
  })

  it('are frozen', () => {
    const p = getChainParams('litecoin-regtest')
    expect(Object.isFrozen(p) && Object.isFrozen(p.shareChain) && Object.isFrozen(p.addresses)).toBe(true)
    expect(() => {
      ;(p.shareChain as { windowShares: number }).windowShares = 1
    }).toThrow(TypeError)
  })

  it('use the Stratum difficulty scale of their PoW (scrypt 2^16 easier)', () => {
    for (const name of NETWORK_NAMES) {
      const p = getChainParams(name)
      expect(p.stratumDiff1Target, name).toBe(p.pow === 'scrypt' ? DIFF1_TARGET_SCRYPT : DIFF1_TARGET_SHA256D)
      expect(p.pow, name).toBe(p.coin === 'litecoin' ? 'scrypt' : 'sha256d')
    }
    expect(DIFF1_TARGET_SCRYPT / DIFF1_TARGET_SHA256D).toBe(1n << 16n)
  })

  it('carry the docs/design.md devnet constants', () => {
    const s = devnet.shareChain
    expect([s.shareIntervalSeconds, s.windowShares, s.finderBonusPpm, s.medianTimeSpan]).toEqual([10, 2160, 5000, 11])
    expect([devnet.segwit, devnet.mweb, devnet.targetBlockSeconds]).toEqual([false, false, 60])
    expect(devnet.ports).toEqual({ p2p: 30303, stratum: 3333, http: 8080 })
    // ~4 096 hashes per share at the floor: a spam floor; miners pick their own harder targets.
    expect((1n << 256n) / (s.minShareTarget + 1n)).toBeLessThanOrEqual(4097n)
    expect([s.maxUncleDepth, s.unclePenaltyPercent, s.maxRetargetStepPercent, s.retargetTrimPercent]).toEqual([
      3, 20, 300, 10
    ])
  })

  it('carry the daemon facts of each coin', () => {
    const rpc = Object.fromEntries(NETWORK_NAMES.map((n) => [n, getChainParams(n).ports.rpc]))
    expect(rpc).toEqual({
      devnet: undefined,
      litecoin: 9332,
      'litecoin-testnet': 19332,
      'litecoin-regtest': 19443,
      bitcoin: 8332,
      'bitcoin-testnet4': 48332,
      'bitcoin-signet': 38332,
      'bitcoin-regtest': 18443
    })
    expect(getChainParams('litecoin-regtest').gbtRules).toEqual(['mweb', 'segwit'])
    expect(getChainParams('bitcoin').gbtRules).toEqual(['segwit'])
    expect(NETWORK_NAMES.filter((n) => getChainParams(n).mweb)).toEqual([
      'litecoin',
      'litecoin-testnet',
      'litecoin-regtest'
    ])
  })
})

describe('validateChainParams', () => {
  const bad = (overrides: Partial<ShareChainConstants>) => () => withShareChainConstants(devnet, overrides)

  it('accepts every compiled-in network', () => {
    for (const name of NETWORK_NAMES) expect(validateChainParams(getChainParams(name))).toBe(getChainParams(name))
  })

  it('refuses broken share-chain constants with a message that names them', () => {
    expect(bad({ windowShares: 0 })).toThrow(/windowShares/)
    expect(bad({ finderBonusPpm: 1_000_000 })).toThrow(/finderBonusPpm/)
    expect(bad({ finderBonusPpm: 2.5 })).toThrow(/finderBonusPpm/)
    expect(bad({ medianTimeSpan: 10 })).toThrow(/medianTimeSpan/)
    expect(bad({ retargetWindowShares: 1 })).toThrow(/retargetWindowShares/)
    expect(bad({ dustLimit: -1n })).toThrow(/dustLimit/)
    expect(bad({ minShareTarget: 0n })).toThrow(/minShareTarget/)
    expect(bad({ minShareTarget: (1n << 240n) + 1n })).toThrow(/compact/)
    expect(bad({ maxCoinbaseOutputs: 0 })).toThrow(/maxCoinbaseOutputs/)
  })

  it('lists every problem at once', () => {
    const e = (() => {
      try {
        withShareChainConstants(devnet, { windowShares: 0, finderBonusPpm: -1 })
      } catch (err) {
        return err as Error
      }
    })()
    expect(e).toBeInstanceOf(ChainParamsError)
    expect(e?.message).toMatch(/windowShares.*finderBonusPpm/)
  })

  it('refuses a devnet without genesis and MWEB outside litecoin', () => {
    expect(() => validateChainParams({ ...devnet, devnetGenesis: undefined })).toThrow(/devnetGenesis/)
    expect(() => validateChainParams({ ...devnet, mweb: true })).toThrow(/MWEB/)
    expect(() =>
      validateChainParams({ ...devnet, devnetGenesis: { ...devnet.devnetGenesis!, bits: 0x2100ffff } })
    ).toThrow(/bits/)
  })
})

describe('blockSubsidy', () => {
  const btc = getChainParams('bitcoin')
  const ltc = getChainParams('litecoin')
  it('follows the published halving schedules', () => {
    expect(blockSubsidy(btc, 0)).toBe(5_000_000_000n)
    expect(blockSubsidy(btc, 209_999)).toBe(5_000_000_000n)
    expect(blockSubsidy(btc, 210_000)).toBe(2_500_000_000n)
    expect(blockSubsidy(btc, 840_000)).toBe(312_500_000n) // the April 2024 halving: 3.125 BTC
    expect(blockSubsidy(btc, 6_930_000)).toBe(0n) // 33 halvings: 50e8 >> 33 = 0
    expect(blockSubsidy(btc, 64 * 210_000)).toBe(0n)
    expect(blockSubsidy(ltc, 839_999)).toBe(5_000_000_000n)
    expect(blockSubsidy(ltc, 840_000)).toBe(2_500_000_000n)
    expect(blockSubsidy(ltc, 2_520_000)).toBe(625_000_000n) // Litecoin's third halving (2023): 6.25 LTC
    for (const name of ['bitcoin-regtest', 'litecoin-regtest'] as const) {
      expect(blockSubsidy(getChainParams(name), 149)).toBe(5_000_000_000n)
      expect(blockSubsidy(getChainParams(name), 150)).toBe(2_500_000_000n)
    }
    expect(blockSubsidy(devnet, 1)).toBe(5_000_000_000n)
  })

  it('refuses impossible heights', () => {
    expect(() => blockSubsidy(btc, -1)).toThrow(RangeError)
    expect(() => blockSubsidy(btc, 1.5)).toThrow(RangeError)
  })
})
