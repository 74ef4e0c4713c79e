// Consensus rules of devnet blocks (docs/design.md, Chains: devnet), pure so browsers can check devnet headers
// and blocks exactly as relays do. A devnet block is an 80-byte header plus exactly one transaction, its
// coinbase (legacy serialization); sha256d PoW; no fees (there are no other transactions).
//
// Block retarget (params.devnetBlockRetarget, every block), decided here once:
// - Bootstrap: blocks at heights 1 .. windowBlocks + 1 carry powLimit's bits (0x1f00ffff, ~65 536 hashes).
//   The genesis time is a fixed date, not a measurement of anyone's hashrate: a window reaching back to it
//   would only say "the chain is months old". Like regtest, a fresh devnet starts at the easiest target,
//   so one CPU (a test, one browser tab) finds the first blocks in well under a second. The genesis bits
//   (0x1e00ffff) are the difficulty of block 0's own PoW only.
// - From height windowBlocks + 2 on: over the parent and its windowBlocks ancestors (never genesis),
//   next target = parent target x actualSpan / (windowBlocks x targetBlockSeconds), actualSpan clamped so
//   one step eases the target by at most x(1 + step/100) and hardens it by at most /(1 + step/100),
//   never easier than powLimit; integer math, canonical compact bits.
import { bytesToHex, ByteReader, ByteWriter, DecodeError, equalBytes } from '../primitives/bytes'
import { bip34HeightPush, COINBASE_SCRIPTSIG_MAX_BYTES, COINBASE_SCRIPTSIG_MIN_BYTES } from '../primitives/coinbase'
import { sha256d } from '../primitives/hash'
import { decodeHeader, HEADER_BYTES, type BlockHeader } from '../primitives/header'
import { bitsToTarget, meetsTarget, targetToBits } from '../primitives/target'
import { decodeTx, type Transaction } from '../primitives/tx'
import { ACCEPT, ignore, reject, type Verdict } from '../verdict'
import type { ChainParams } from './params'
import { blockSubsidy } from './subsidy'

/** A block's time must exceed the median of its parent and up to 10 more ancestors (Core's BIP113 span). */
export const DEVNET_MEDIAN_TIME_BLOCKS = 11
/** A block more than this far ahead of the local clock is ignored for now, seconds (Core: 2 h). */
export const DEVNET_MAX_FUTURE_SECONDS = 2 * 60 * 60
/** Largest devnet coinbase, bytes: a PPLNS coinbase at the output cap is about 1 KB. */
export const DEVNET_MAX_COINBASE_BYTES = 8 * 1024
/** Transactions in a devnet block: exactly the coinbase. */
export const DEVNET_BLOCK_TX_COUNT = 1
/** Largest serialized devnet block, bytes: header, tx count (1 byte), coinbase. */
export const DEVNET_MAX_BLOCK_BYTES = HEADER_BYTES + 1 + DEVNET_MAX_COINBASE_BYTES
/** The same as block weight, WU (no witness data: 4 WU per byte, BIP141). */
export const DEVNET_MAX_BLOCK_WEIGHT_WU = 4 * DEVNET_MAX_BLOCK_BYTES

export type DevnetRejectReason =
  | 'size' // header not 80 bytes, coinbase or block over its byte limit
  | 'decode' // malformed header, coinbase or block framing
  | 'tx-count' // a block that is not exactly header + one transaction
  | 'not-coinbase' // the transaction does not spend the null outpoint, or carries a witness
  | 'bad-cb-length' // coinbase scriptSig outside 2..100 bytes (Core)
  | 'bits' // bits invalid, easier than powLimit, or not the retarget at the parent
  | 'pow' // header hash above the target of its bits
  | 'merkle-root' // the header's merkle root is not the coinbase txid
  | 'prev-hash' // checked against a parent it does not name
  | 'time-too-old' // time at or below the median time past
  | 'bad-cb-height' // scriptSig does not start with the BIP34 height push
  | 'bad-cb-amount' // outputs pay more than the subsidy (devnet has no fees)
export type DevnetIgnoreReason =
  | 'duplicate' // already known
  | 'unknown-parent' // parent not known (yet): fetch it
  | 'future' // more than DEVNET_MAX_FUTURE_SECONDS ahead of the local clock
export type DevnetVerdict = Verdict<DevnetRejectReason, DevnetIgnoreReason>
/** A verdict other than accept. */
export type DevnetRefusal = Exclude<DevnetVerdict, { kind: 'accept' }>

/** What the retarget and the median-time rule read from a block. */
export interface DevnetAncestor {
  height: number
  /** Header time, unix seconds. */
  time: number
  bits: number
}

/** The parent a block is checked against: its hash, and it and its ancestors newest first. */
export interface DevnetParentContext {
  hash: Uint8Array
  /** ancestors[0] is the parent; at least devnetAncestorsNeeded(params) entries, or down to genesis. */
  ancestors: DevnetAncestor[]
}

/** A block that passed every check that needs no chain: sizes, decoding, claimed bits, PoW, merkle root. */
export interface ParsedDevnetBlock {
  header80: Uint8Array
  header: BlockHeader
  /** Block hash, internal order. */
  hash: Uint8Array
  coinbaseLegacy: Uint8Array
  coinbase: Transaction
}

export type DevnetParse = { ok: true; block: ParsedDevnetBlock } | { ok: false; verdict: DevnetRefusal }

function retargetRule(params: ChainParams): { windowBlocks: number; maxStepPercent: number } {
  const rule = params.devnetBlockRetarget
  if (rule === undefined) throw new TypeError(`${params.name} has no devnet block retarget`)
  return rule
}

/** Blocks at heights 1..this carry powLimit's bits (the bootstrap above). */
export function devnetBootstrapBlocks(params: ChainParams): number {
  return retargetRule(params).windowBlocks + 1
}

/** Ancestors (parent first) the retarget and the median-time rule read. */
export function devnetAncestorsNeeded(params: ChainParams): number {
  return Math.max(retargetRule(params).windowBlocks + 1, DEVNET_MEDIAN_TIME_BLOCKS)
}

/** Bits a block whose parent is ancestors[0] must carry. */
export function nextDevnetBits(params: ChainParams, ancestors: readonly DevnetAncestor[]): number {
  const { windowBlocks, maxStepPercent } = retargetRule(params)
  const parent = ancestors[0]
  if (parent.height < devnetBootstrapBlocks(params)) return targetToBits(params.powLimit)
  const first = ancestors[windowBlocks]
  if (first === undefined || first.height !== parent.height - windowBlocks) {
    throw new RangeError(
      `devnet retarget needs the parent and ${windowBlocks} ancestors, got ${ancestors.length} blocks`
    )
  }
  const expected = BigInt(windowBlocks * params.targetBlockSeconds)
  const step = BigInt(100 + maxStepPercent)
  const shortest = (expected * 100n) / step
  const longest = (expected * step) / 100n
  let actual = BigInt(parent.time - first.time)
  if (actual < shortest) actual = shortest
  if (actual > longest) actual = longest
  let target = (bitsToTarget(parent.bits) * actual) / expected
  if (target > params.powLimit) target = params.powLimit
  if (target < 1n) target = 1n
  return targetToBits(target)
}

/** Median time of the parent and up to DEVNET_MEDIAN_TIME_BLOCKS - 1 ancestors; a child must exceed it. */
export function devnetMedianTimePast(ancestors: readonly DevnetAncestor[]): number {
  const times = ancestors
    .slice(0, DEVNET_MEDIAN_TIME_BLOCKS)
    .map((a) => a.time)
    .sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

function decodeMessage(err: unknown): string {
  return err instanceof DecodeError || err instanceof Error ? err.message : String(err)
}

/** Header checks needing no chain: 80 bytes, bits a valid target no easier than powLimit, PoW (unless skipped). */
export function parseDevnetHeader(
  params: ChainParams,
  header80: Uint8Array,
  checkPow = true
): { ok: true; header: BlockHeader; hash: Uint8Array } | { ok: false; verdict: DevnetRefusal } {
  if (header80.length !== HEADER_BYTES)
    return { ok: false, verdict: reject('size', `header of ${header80.length} bytes`) }
  const header = decodeHeader(header80)
  let target: bigint
  try {
    target = bitsToTarget(header.bits)
  } catch (err) {
    return { ok: false, verdict: reject('bits', decodeMessage(err)) }
  }
  if (target > params.powLimit) return { ok: false, verdict: reject('bits', 'easier than powLimit') }
  const hash = sha256d(header80)
  if (checkPow && !meetsTarget(hash, target)) return { ok: false, verdict: reject('pow') }
  return { ok: true, header, hash }
}

/**
 * Everything about a block that needs no chain, cheapest first: sizes, decoding, coinbase shape, claimed
 * bits, PoW (skipped in proposal mode), merkle root = coinbase txid (one transaction: the root is its txid).
 */
export function parseDevnetBlock(
  params: ChainParams,
  header80: Uint8Array,
  coinbaseLegacy: Uint8Array,
  checkPow = true
): DevnetParse {
  if (coinbaseLegacy.length > DEVNET_MAX_COINBASE_BYTES) {
    return {
      ok: false,
      verdict: reject('size', `coinbase of ${coinbaseLegacy.length} bytes, limit ${DEVNET_MAX_COINBASE_BYTES}`)
    }
  }
  let coinbase: Transaction
  try {
    coinbase = decodeTx(coinbaseLegacy)
  } catch (err) {
    return { ok: false, verdict: reject('decode', decodeMessage(err)) }
  }
  const input = coinbase.inputs[0]
  if (
    coinbase.inputs.length !== 1 ||
    input.vout !== 0xffffffff ||
    !input.prevTxid.every((b) => b === 0) ||
    input.witness.length > 0
  ) {
    return { ok: false, verdict: reject('not-coinbase') }
  }
  const scriptSigBytes = input.scriptSig.length
  if (scriptSigBytes < COINBASE_SCRIPTSIG_MIN_BYTES || scriptSigBytes > COINBASE_SCRIPTSIG_MAX_BYTES) {
    return { ok: false, verdict: reject('bad-cb-length', `scriptSig of ${scriptSigBytes} bytes`) }
  }
  const parsed = parseDevnetHeader(params, header80, checkPow)
  if (!parsed.ok) return parsed
  // No witness anywhere (checked above), so the given bytes are the legacy serialization: txid = sha256d.
  if (!equalBytes(sha256d(coinbaseLegacy), parsed.header.merkleRoot))
    return { ok: false, verdict: reject('merkle-root') }
  return { ok: true, block: { header80, header: parsed.header, hash: parsed.hash, coinbaseLegacy, coinbase } }
}

/** Header rules against its parent: it names the parent, bits = retarget, time above the median, not too far ahead. */
export function checkDevnetHeaderInContext(
  params: ChainParams,
  header: BlockHeader,
  parent: DevnetParentContext,
  nowSeconds: number
): DevnetVerdict {
  if (!equalBytes(header.prevHash, parent.hash)) return reject('prev-hash', `names ${bytesToHex(header.prevHash)}`)
  const expectedBits = nextDevnetBits(params, parent.ancestors)
  if (header.bits !== expectedBits) {
    return reject('bits', `0x${header.bits.toString(16)}, the retarget gives 0x${expectedBits.toString(16)}`)
  }
  const median = devnetMedianTimePast(parent.ancestors)
  if (header.time <= median) return reject('time-too-old', `time ${header.time}, median time past ${median}`)
  if (header.time > nowSeconds + DEVNET_MAX_FUTURE_SECONDS)
    return ignore('future', `time ${header.time}, now ${nowSeconds}`)
  return ACCEPT
}

/** Coinbase rules at `height`: BIP34 height push first in the scriptSig; outputs pay at most the subsidy. */
export function checkDevnetCoinbase(params: ChainParams, coinbase: Transaction, height: number): DevnetVerdict {
  const push = bip34HeightPush(height)
  if (!equalBytes(coinbase.inputs[0].scriptSig.subarray(0, push.length), push))
    return reject('bad-cb-height', `height ${height}`)
  const paid = coinbase.outputs.reduce((sum, o) => sum + o.value, 0n)
  const subsidy = blockSubsidy(params, height)
  if (paid > subsidy) return reject('bad-cb-amount', `pays ${paid}, subsidy ${subsidy}`)
  return ACCEPT
}

/** All rules of a parsed block against its parent; rejects are returned before the `future` ignore. */
export function checkDevnetBlockInContext(
  params: ChainParams,
  block: ParsedDevnetBlock,
  parent: DevnetParentContext,
  nowSeconds: number
): DevnetVerdict {
  const headerVerdict = checkDevnetHeaderInContext(params, block.header, parent, nowSeconds)
  if (headerVerdict.kind === 'reject') return headerVerdict
  const coinbaseVerdict = checkDevnetCoinbase(params, block.coinbase, parent.ancestors[0].height + 1)
  return coinbaseVerdict.kind === 'reject' ? coinbaseVerdict : headerVerdict
}

/** 'accept', or 'reject reason' / 'ignore reason' (logs, metrics labels). */
export function describeDevnetVerdict(verdict: DevnetVerdict): string {
  return verdict.kind === 'accept' ? 'accept' : `${verdict.kind} ${verdict.reason}`
}

/** A devnet block as it travels and is submitted: header, tx count 1, coinbase (legacy serialization). */
export function encodeDevnetBlock(header80: Uint8Array, coinbaseLegacy: Uint8Array): Uint8Array {
  return new ByteWriter(HEADER_BYTES + 1 + coinbaseLegacy.length)
    .bytes(header80)
    .varint(DEVNET_BLOCK_TX_COUNT)
    .bytes(coinbaseLegacy)
    .finish()
}

/** Splits a serialized devnet block; the parts are checked by parseDevnetBlock. */
export function decodeDevnetBlock(
  block: Uint8Array
): { ok: true; header80: Uint8Array; coinbaseLegacy: Uint8Array } | { ok: false; verdict: DevnetRefusal } {
  if (block.length > DEVNET_MAX_BLOCK_BYTES)
    return { ok: false, verdict: reject('size', `block of ${block.length} bytes, limit ${DEVNET_MAX_BLOCK_BYTES}`) }
  try {
    const r = new ByteReader(block)
    const header80 = r.bytes(HEADER_BYTES)
    const count = r.varint()
    if (count !== DEVNET_BLOCK_TX_COUNT) return { ok: false, verdict: reject('tx-count', `${count} transactions`) }
    return { ok: true, header80, coinbaseLegacy: r.bytes(r.remaining) }
  } catch (err) {
    return { ok: false, verdict: reject('decode', decodeMessage(err)) }
  }
}
