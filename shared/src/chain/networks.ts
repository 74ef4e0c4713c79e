// The eight networks. Sources for real chains: Bitcoin Core src/kernel/chainparams.cpp and chainparamsbase.cpp,
// Litecoin Core 0.21 src/chainparams.cpp (powLimit, subsidy halving, genesis hash, RPC ports).
import { ADDRESS_PREFIXES } from '../address/prefixes'
import { DIFF1_TARGET_SCRYPT, DIFF1_TARGET_SHA256D } from '../primitives/target'
import { COINBASE_PAYOUT_OUTPUT_CAP } from './coinbase-budget'
import { ChainParamsError, type ChainParams, type NetworkName, type ShareChainConstants } from './params'
import { deepFreeze, validateChainParams } from './validate'

const COIN = 100_000_000n
/** 50 coins: the first subsidy of Bitcoin, Litecoin and devnet, base units. */
const INITIAL_SUBSIDY = 50n * COIN
const BITCOIN_HALVING_BLOCKS = 210_000
const LITECOIN_HALVING_BLOCKS = 840_000
/** Both Cores halve regtest's subsidy every 150 blocks. */
const REGTEST_HALVING_BLOCKS = 150
const COINBASE_MATURITY_BLOCKS = 100
/** devnet coins mature fast so the UI shows spendable payouts within minutes. */
const DEVNET_COINBASE_MATURITY_BLOCKS = 10

/** 2^224 - 1: Bitcoin main/testnet4 powLimit (bits 0x1d00ffff rounds it to 0xffff << 208). */
const BITCOIN_POW_LIMIT = (1n << 224n) - 1n
/** 2^236 - 1: Litecoin main/testnet powLimit. */
const LITECOIN_POW_LIMIT = (1n << 236n) - 1n
/** Signet powLimit 0x00000377ae00...00 (bits 0x1e0377ae). */
const SIGNET_POW_LIMIT = 0x377aen << 216n
/** 2^255 - 1: regtest powLimit of both coins (blocks at bits 0x207fffff: half of all hashes pass). */
const REGTEST_POW_LIMIT = (1n << 255n) - 1n
/**
 * devnet powLimit = bits 0x1f00ffff = 0xffff << 224: about 65 536 hashes per block, so the block retarget can
 * come down to what one slow CPU miner in a test finds in well under a second.
 */
const DEVNET_POW_LIMIT = 0xffffn << 224n
/**
 * devnet genesis bits 0x1e00ffff = 0xffff << 216: about 2^24 = 16.8 M hashes per block, ~20 s for one
 * hash-wasm worker (0.8 MH/s, docs/field-notes.md (Hashing)), ~2 s for one 8 MH/s SIMD worker; the block retarget then
 * moves toward one block a minute.
 */
const DEVNET_GENESIS_BITS = 0x1e00ffff

/**
 * Easiest share target of devnet and bitcoin-regtest: 0xffff << 228 (bits 0x1f0ffff0), ~4 096 hashes a share.
 * A floor against cheap spam, not the difficulty miners work at: every miner picks its own harder share
 * target from its hashrate (one share per interval) and the retarget rises from here in a few shares.
 */
const TINY_SHARE_TARGET = 0xffffn << 228n
/** 0x0fffff << 232 (bits 0x200fffff): ~16 scrypt hashes a share (reference scrypt does a few kH/s). */
const TINY_SCRYPT_SHARE_TARGET = 0x0fffffn << 232n

/** Payouts below 10 000 base units (0.0001 coin) are pooled in the lottery: spending a P2WPKH input
 *  (68 vB) at 10 sat/vB costs 680, 7 % of it; smaller outputs would cost their owners more to spend. */
const DUST_LIMIT = 10_000n
/** 0.5 % of the coinbase value (docs/design.md). */
const FINDER_BONUS_PPM = 5_000
/** Core's median-time-past span (BIP113), reused for share timestamps. */
const MEDIAN_TIME_SPAN = 11
/** Live shares more than 2 min ahead of our clock are ignored, never punished. */
const MAX_FUTURE_SECONDS = 120
/**
 * Per-share retarget clamp: at most x4 or /4 per share. A cold start from the minimum difficulty to a
 * 1 TH/s rig's (2^43 hashes per 10 s share from 2^12) takes 16 shares, and rigs mine at their own
 * harder share targets meanwhile, so those shares come at the rigs' own pace (sharechain README).
 */
const MAX_RETARGET_STEP_PERCENT = 300
/** 10 % of the retarget window's timestamps trimmed from each end (3 of 30), as p2pool trims outliers. */
const RETARGET_TRIM_PERCENT = 10
/** Uncles: within 3 shares, 20 % of their work to the share that names them (p2pool's choices). */
const MAX_UNCLE_DEPTH = 3
const UNCLE_PENALTY_PERCENT = 20
/** A share names at most 4 uncles; a height holds at most 8 live siblings besides its first share. */
const MAX_UNCLES_PER_SHARE = 4
const MAX_SIBLINGS_PER_HEIGHT = 8

function shareChain(
  o: Pick<ShareChainConstants, 'shareIntervalSeconds' | 'windowShares' | 'minShareTarget' | 'retargetWindowShares'>
): ShareChainConstants {
  return {
    ...o,
    maxCoinbaseOutputs: COINBASE_PAYOUT_OUTPUT_CAP,
    dustLimit: DUST_LIMIT,
    finderBonusPpm: FINDER_BONUS_PPM,
    maxRetargetStepPercent: MAX_RETARGET_STEP_PERCENT,
    retargetTrimPercent: RETARGET_TRIM_PERCENT,
    maxUncleDepth: MAX_UNCLE_DEPTH,
    maxUnclesPerShare: MAX_UNCLES_PER_SHARE,
    unclePenaltyPercent: UNCLE_PENALTY_PERCENT,
    maxSiblingsPerHeight: MAX_SIBLINGS_PER_HEIGHT,
    medianTimeSpan: MEDIAN_TIME_SPAN,
    maxFutureSeconds: MAX_FUTURE_SECONDS
  }
}

/** devnet and regtests: 10 s shares, a 6-hour window (2160 x 10 s), retarget over the last 30 shares (5 min). */
function fastShareChain(minShareTarget: bigint): ShareChainConstants {
  return shareChain({ shareIntervalSeconds: 10, windowShares: 2160, minShareTarget, retargetWindowShares: 30 })
}

/** Default relay ports; operator config overrides them. */
const PORTS = { p2p: 30303, stratum: 3333, http: 8080 } as const

const bitcoinBase = {
  coin: 'bitcoin',
  pow: 'sha256d',
  stratumDiff1Target: DIFF1_TARGET_SHA256D,
  targetBlockSeconds: 600,
  coinbaseMaturity: COINBASE_MATURITY_BLOCKS,
  segwit: true,
  mweb: false,
  gbtRules: ['segwit']
} as const

const litecoinBase = {
  coin: 'litecoin',
  pow: 'scrypt',
  stratumDiff1Target: DIFF1_TARGET_SCRYPT,
  targetBlockSeconds: 150,
  coinbaseMaturity: COINBASE_MATURITY_BLOCKS,
  segwit: true,
  mweb: true,
  gbtRules: ['mweb', 'segwit']
} as const

const NETWORKS: Record<NetworkName, ChainParams> = {
  devnet: {
    name: 'devnet',
    coin: 'devnet',
    ticker: 'DEV',
    isTestNetwork: true,
    pow: 'sha256d',
    stratumDiff1Target: DIFF1_TARGET_SHA256D,
    addresses: ADDRESS_PREFIXES.devnet,
    subsidy: { initial: INITIAL_SUBSIDY, halvingInterval: BITCOIN_HALVING_BLOCKS },
    ports: PORTS,
    shareChain: fastShareChain(TINY_SHARE_TARGET),
    powLimit: DEVNET_POW_LIMIT,
    targetBlockSeconds: 60,
    coinbaseMaturity: DEVNET_COINBASE_MATURITY_BLOCKS,
    segwit: false,
    mweb: false,
    gbtRules: [],
    devnetGenesis: {
      version: 1,
      time: 1_767_225_600, // 2026-01-01T00:00:00Z
      bits: DEVNET_GENESIS_BITS,
      coinbaseMessage: 'Otedama devnet genesis - coins of no value'
    },
    devnetBlockRetarget: { windowBlocks: 20, maxStepPercent: 50 }
  },
  litecoin: {
    ...litecoinBase,
    name: 'litecoin',
    ticker: 'LTC',
    isTestNetwork: false,
    addresses: ADDRESS_PREFIXES.litecoin,
    subsidy: { initial: INITIAL_SUBSIDY, halvingInterval: LITECOIN_HALVING_BLOCKS },
    ports: { ...PORTS, rpc: 9332 },
    // P2Pool's Litecoin constants: 15 s shares, 8640-share (36 h) window, 200-share retarget lookbehind.
    shareChain: shareChain({
      shareIntervalSeconds: 15,
      windowShares: 8640,
      minShareTarget: DIFF1_TARGET_SCRYPT,
      retargetWindowShares: 200
    }),
    powLimit: LITECOIN_POW_LIMIT,
    genesisBlockHash: '12a765e31ffd4059bada1e25190f6e98c99d9714d334efa41a195a7e7e04bfe2'
  },
  'litecoin-testnet': {
    ...litecoinBase,
    name: 'litecoin-testnet',
    ticker: 'tLTC',
    isTestNetwork: true,
    addresses: ADDRESS_PREFIXES['litecoin-testnet'],
    subsidy: { initial: INITIAL_SUBSIDY, halvingInterval: LITECOIN_HALVING_BLOCKS },
    ports: { ...PORTS, rpc: 19332 },
    shareChain: shareChain({
      shareIntervalSeconds: 15,
      windowShares: 2160,
      minShareTarget: DIFF1_TARGET_SCRYPT << 8n, // Stratum difficulty 1/256
      retargetWindowShares: 100
    }),
    powLimit: LITECOIN_POW_LIMIT,
    genesisBlockHash: '4966625a4b2851d9fdee139e56211a0d88575f59ed816ff5e6a63deb4e3e29a0'
  },
  'litecoin-regtest': {
    ...litecoinBase,
    name: 'litecoin-regtest',
    ticker: 'rLTC',
    isTestNetwork: true,
    addresses: ADDRESS_PREFIXES['litecoin-regtest'],
    subsidy: { initial: INITIAL_SUBSIDY, halvingInterval: REGTEST_HALVING_BLOCKS },
    ports: { ...PORTS, rpc: 19443 },
    shareChain: fastShareChain(TINY_SCRYPT_SHARE_TARGET),
    powLimit: REGTEST_POW_LIMIT,
    genesisBlockHash: '530827f38f93b43ed12af0b3ad25a288dc02ed74d6d7857862df51fc56c416f9'
  },
  bitcoin: {
    ...bitcoinBase,
    name: 'bitcoin',
    ticker: 'BTC',
    isTestNetwork: false,
    addresses: ADDRESS_PREFIXES.bitcoin,
    subsidy: { initial: INITIAL_SUBSIDY, halvingInterval: BITCOIN_HALVING_BLOCKS },
    ports: { ...PORTS, rpc: 8332 },
    // P2Pool's Bitcoin constants: 30 s shares, 8640-share (72 h) window, 200-share retarget lookbehind.
    shareChain: shareChain({
      shareIntervalSeconds: 30,
      windowShares: 8640,
      minShareTarget: DIFF1_TARGET_SHA256D,
      retargetWindowShares: 200
    }),
    powLimit: BITCOIN_POW_LIMIT,
    genesisBlockHash: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f'
  },
  'bitcoin-testnet4': {
    ...bitcoinBase,
    name: 'bitcoin-testnet4',
    ticker: 'tBTC',
    isTestNetwork: true,
    addresses: ADDRESS_PREFIXES['bitcoin-testnet4'],
    subsidy: { initial: INITIAL_SUBSIDY, halvingInterval: BITCOIN_HALVING_BLOCKS },
    ports: { ...PORTS, rpc: 48332 },
    shareChain: shareChain({
      shareIntervalSeconds: 30,
      windowShares: 2160,
      minShareTarget: DIFF1_TARGET_SHA256D << 8n, // Stratum difficulty 1/256
      retargetWindowShares: 100
    }),
    powLimit: BITCOIN_POW_LIMIT,
    genesisBlockHash: '00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043'
  },
  'bitcoin-signet': {
    ...bitcoinBase,
    name: 'bitcoin-signet',
    ticker: 'sBTC',
    isTestNetwork: true,
    addresses: ADDRESS_PREFIXES['bitcoin-signet'],
    subsidy: { initial: INITIAL_SUBSIDY, halvingInterval: BITCOIN_HALVING_BLOCKS },
    ports: { ...PORTS, rpc: 38332 },
    shareChain: shareChain({
      shareIntervalSeconds: 30,
      windowShares: 2160,
      minShareTarget: DIFF1_TARGET_SHA256D << 8n, // Stratum difficulty 1/256
      retargetWindowShares: 100
    }),
    powLimit: SIGNET_POW_LIMIT,
    genesisBlockHash: '00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6'
  },
  'bitcoin-regtest': {
    ...bitcoinBase,
    name: 'bitcoin-regtest',
    ticker: 'rBTC',
    isTestNetwork: true,
    addresses: ADDRESS_PREFIXES['bitcoin-regtest'],
    subsidy: { initial: INITIAL_SUBSIDY, halvingInterval: REGTEST_HALVING_BLOCKS },
    ports: { ...PORTS, rpc: 18443 },
    shareChain: fastShareChain(TINY_SHARE_TARGET),
    powLimit: REGTEST_POW_LIMIT,
    genesisBlockHash: '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206'
  }
}

for (const params of Object.values(NETWORKS)) deepFreeze(validateChainParams(params))

export const NETWORK_NAMES: readonly NetworkName[] = Object.freeze(Object.keys(NETWORKS) as NetworkName[])

export function isNetworkName(name: string): name is NetworkName {
  return Object.prototype.hasOwnProperty.call(NETWORKS, name)
}

/** The compiled-in parameters of network `name`; throws ChainParamsError naming the known networks. */
export function getChainParams(name: string): ChainParams {
  if (!isNetworkName(name)) {
    throw new ChainParamsError(`unknown network "${String(name)}"; known networks: ${NETWORK_NAMES.join(', ')}`)
  }
  return NETWORKS[name]
}
