// The network id (docs/design.md, Words): sha256d of a canonical, versioned encoding of every consensus constant of
// a network. Peers whose constants differ in anything get different ids and never accept each other's shares.
//
// Encoding v2, in this order (ints little-endian; `str` = CompactSize length + ASCII bytes; `u256` = 32 bytes
// big-endian; `opt` = one byte 0/1 then the value when 1):
//   str "otedama/network-id", u8 version = 2,
//   str name, str coin, str pow, u256 stratumDiff1Target, u256 powLimit, u32 targetBlockSeconds,
//   u64 subsidy.initial, u32 subsidy.halvingInterval, u32 coinbaseMaturity, u8 segwit, u8 mweb,
//   addresses: u8 pubkeyHash, CompactSize n + n x u8 scriptHash, str bech32Hrp, str mwebHrp ('' if none),
//   opt genesisBlockHash (32 bytes, display order as written),
//   opt devnetGenesis: u32 version, u32 time, u32 bits, str coinbaseMessage,
//   opt devnetBlockRetarget: u32 windowBlocks, u32 maxStepPercent,
//   shareChain: u32 shareIntervalSeconds, u32 windowShares, u32 maxCoinbaseOutputs, u64 dustLimit,
//     u32 finderBonusPpm, u256 minShareTarget, u32 retargetWindowShares, u32 maxRetargetStepPercent,
//     u32 medianTimeSpan, u32 maxFutureSeconds, u32 retargetTrimPercent, u32 maxUncleDepth,
//     u32 maxUnclesPerShare, u32 unclePenaltyPercent, u32 maxSiblingsPerHeight.
// v2 came with share encoding v2 (per-miner share targets, uncles, header time as the share timestamp).
// Left out on purpose: ticker, isTestNetwork, ports and gbtRules (display and operator defaults, not consensus).
// Any new consensus field must be appended here and the version bumped.
import { scriptHashVersions } from '../address/prefixes'
import { ByteWriter, bytesToHex, hexToBytes } from '../primitives/bytes'
import { sha256d } from '../primitives/hash'
import type { ChainParams } from './params'

export const NETWORK_ID_DOMAIN = 'otedama/network-id'
export const NETWORK_ID_ENCODING_VERSION = 2
export const NETWORK_ID_BYTES = 32

const U256_BYTES = 32
const MAX_ASCII_CODE = 0x7f

function u256be(n: bigint): Uint8Array {
  if (n < 0n || n >= 1n << 256n) throw new RangeError(`value out of 256-bit range: ${n}`)
  const out = new Uint8Array(U256_BYTES)
  let v = n
  for (let i = U256_BYTES - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}

/** Every string in chain params is ASCII (names, HRPs, the genesis message), so its bytes are its char codes. */
function str(w: ByteWriter, s: string): void {
  const bytes = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i)
    if (code > MAX_ASCII_CODE) throw new RangeError(`chain params strings must be ASCII: ${JSON.stringify(s)}`)
    bytes[i] = code
  }
  w.varBytes(bytes)
}

/** The canonical byte encoding hashed into the network id (exported for tests and debugging). */
export function encodeNetworkParams(p: ChainParams): Uint8Array {
  const w = new ByteWriter()
  str(w, NETWORK_ID_DOMAIN)
  w.u8(NETWORK_ID_ENCODING_VERSION)
  str(w, p.name)
  str(w, p.coin)
  str(w, p.pow)
  w.bytes(u256be(p.stratumDiff1Target)).bytes(u256be(p.powLimit)).u32le(p.targetBlockSeconds)
  w.u64le(p.subsidy.initial).u32le(p.subsidy.halvingInterval).u32le(p.coinbaseMaturity)
  w.u8(p.segwit ? 1 : 0).u8(p.mweb ? 1 : 0)

  const versions = scriptHashVersions(p.addresses)
  w.u8(p.addresses.pubkeyHash).varint(versions.length)
  for (const v of versions) w.u8(v)
  str(w, p.addresses.bech32Hrp)
  str(w, p.addresses.mwebHrp ?? '')

  if (p.genesisBlockHash === undefined) w.u8(0)
  else w.u8(1).bytes(hexToBytes(p.genesisBlockHash))
  const g = p.devnetGenesis
  if (g === undefined) w.u8(0)
  else {
    w.u8(1).u32le(g.version).u32le(g.time).u32le(g.bits)
    str(w, g.coinbaseMessage)
  }
  const r = p.devnetBlockRetarget
  if (r === undefined) w.u8(0)
  else w.u8(1).u32le(r.windowBlocks).u32le(r.maxStepPercent)

  const s = p.shareChain
  w.u32le(s.shareIntervalSeconds).u32le(s.windowShares).u32le(s.maxCoinbaseOutputs).u64le(s.dustLimit)
  w.u32le(s.finderBonusPpm).bytes(u256be(s.minShareTarget)).u32le(s.retargetWindowShares)
  w.u32le(s.maxRetargetStepPercent).u32le(s.medianTimeSpan).u32le(s.maxFutureSeconds)
  w.u32le(s.retargetTrimPercent).u32le(s.maxUncleDepth).u32le(s.maxUnclesPerShare).u32le(s.unclePenaltyPercent)
  w.u32le(s.maxSiblingsPerHeight)
  return w.finish()
}

/** Params objects are frozen, so the id is computed once per object. */
const cache = new WeakMap<ChainParams, Uint8Array>()

/** The 32-byte network id of `params` (a fresh copy: callers may keep or change it freely). */
export function networkId(params: ChainParams): Uint8Array {
  let id = cache.get(params)
  if (id === undefined) {
    id = sha256d(encodeNetworkParams(params))
    cache.set(params, id)
  }
  return id.slice()
}

/** Lowercase hex of the network id, for logs, APIs and the UI. */
export function networkIdHex(params: ChainParams): string {
  return bytesToHex(networkId(params))
}
