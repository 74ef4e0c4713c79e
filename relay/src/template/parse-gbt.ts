import { bytesToHex, equalBytes, hexToBytes } from '@otedama/shared/primitives'
import { sha256d } from '@otedama/shared/primitives'
import { displayHexToHash } from '@otedama/shared/primitives'
import { bitsToTarget } from '@otedama/shared/primitives'
import { witnessCommitment } from '@otedama/shared/primitives'
import { witnessCommitmentScript } from '@otedama/shared/primitives'
import type { NetworkName } from '@otedama/shared/chain'
import { hasRule, UnsupportedRuleError, unsupportedRules } from './rules'
import type { BlockTemplate, TemplateTx } from './types'
import { errorMessage } from '@otedama/shared/util'

/** Most transactions a template may list: 4 MWU / 240 WU (a minimal 60-byte transaction). */
export const MAX_TEMPLATE_TXS = 16_667
/** Largest serialized transaction accepted from a template (bytes): a 4 MWU block holds at most 4 MB. */
export const MAX_TEMPLATE_TX_BYTES = 4_000_000
/** Largest MWEB block accepted (bytes); Litecoin caps MWEB data by its own weight, far below this. */
export const MAX_MWEB_BYTES = 8_000_000
/** Longest long-poll id we keep (chars); daemons send a 64-char hash plus a counter. */
export const MAX_LONGPOLLID_CHARS = 200
/** Litecoin's transaction serialization flag for MWEB data (primitives/transaction.h). */
const MWEB_TX_FLAG = 0x08
/** Consensus block limits used when the template omits them (BIP141). */
export const DEFAULT_WEIGHT_LIMIT = 4_000_000
export const DEFAULT_SIGOP_LIMIT = 80_000

/** A getblocktemplate answer that is not what a daemon sends: refuse it as a whole. */
export class TemplateFormatError extends Error {
  override readonly name = 'TemplateFormatError'
  constructor(
    readonly field: string,
    problem: string
  ) {
    super(`getblocktemplate answer: ${field} ${problem}`)
  }
}

type Json = Record<string, unknown>

function obj(v: unknown, field: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TemplateFormatError(field, 'must be an object')
  return v as Json
}
function int(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new TemplateFormatError(
      field,
      `must be an integer in [${min}, ${max}], got ${JSON.stringify(v)?.slice(0, 40)}`
    )
  }
  return v
}
function hex(v: unknown, field: string, maxBytes: number): Uint8Array {
  if (typeof v !== 'string') throw new TemplateFormatError(field, 'must be a hex string')
  if (v.length > maxBytes * 2) throw new TemplateFormatError(field, `exceeds ${maxBytes} bytes`)
  try {
    return hexToBytes(v)
  } catch (err) {
    throw new TemplateFormatError(field, `is not valid hex: ${errorMessage(err)}`)
  }
}
function hash(v: unknown, field: string): Uint8Array {
  if (typeof v !== 'string' || !/^[0-9a-fA-F]{64}$/.test(v))
    throw new TemplateFormatError(field, 'must be 64 hex characters')
  return displayHexToHash(v)
}

/**
 * Strictly parses a getblocktemplate result into a BlockTemplate. Beyond shapes and ranges it checks
 * what it can cheaply prove: each transaction's wtxid is the hash of its bytes, depends point backwards,
 * fees fit in the coinbase value, target matches bits, the witness commitment matches the transactions,
 * and the rules are ones we support (else UnsupportedRuleError).
 */
export function parseBlockTemplate(raw: unknown, network: NetworkName, now = Date.now()): BlockTemplate {
  const t = obj(raw, 'result')
  if (!Array.isArray(t.rules) || !t.rules.every((r) => typeof r === 'string' && r.length <= 64)) {
    throw new TemplateFormatError('rules', 'must be an array of strings')
  }
  const rules = t.rules as string[]
  const unknown = unsupportedRules(rules)
  if (unknown.length > 0) throw new UnsupportedRuleError(unknown)

  const height = int(t.height, 'height', 1, 0x7fffffff)
  const version = int(t.version, 'version', 0, 0xffffffff) | 0
  const prevHash = hash(t.previousblockhash, 'previousblockhash')
  if (typeof t.bits !== 'string' || !/^[0-9a-fA-F]{8}$/.test(t.bits))
    throw new TemplateFormatError('bits', 'must be 8 hex characters')
  const bits = Number.parseInt(t.bits, 16)
  let target: bigint
  try {
    target = bitsToTarget(bits)
  } catch (err) {
    throw new TemplateFormatError('bits', `is not a valid compact target: ${errorMessage(err)}`)
  }
  if (target === 0n) throw new TemplateFormatError('bits', 'encodes a zero target')
  if (t.target !== undefined) {
    if (typeof t.target !== 'string' || !/^[0-9a-fA-F]{64}$/.test(t.target) || BigInt('0x' + t.target) !== target) {
      throw new TemplateFormatError('target', 'does not match bits')
    }
  }
  const curtime = int(t.curtime, 'curtime', 0, 0xffffffff)
  const mintime = t.mintime === undefined ? 0 : int(t.mintime, 'mintime', 0, 0xffffffff)
  const coinbaseValue = BigInt(int(t.coinbasevalue, 'coinbasevalue', 0, Number.MAX_SAFE_INTEGER))
  const weightLimit = t.weightlimit === undefined ? DEFAULT_WEIGHT_LIMIT : int(t.weightlimit, 'weightlimit', 1000, 1e9)
  const sigopLimit = t.sigoplimit === undefined ? DEFAULT_SIGOP_LIMIT : int(t.sigoplimit, 'sigoplimit', 1, 1e9)
  let longpollId: string | undefined
  if (t.longpollid !== undefined) {
    if (typeof t.longpollid !== 'string' || t.longpollid.length > MAX_LONGPOLLID_CHARS)
      throw new TemplateFormatError('longpollid', `must be a string of at most ${MAX_LONGPOLLID_CHARS} characters`)
    longpollId = t.longpollid
  }

  if (!Array.isArray(t.transactions)) throw new TemplateFormatError('transactions', 'must be an array')
  if (t.transactions.length > MAX_TEMPLATE_TXS)
    throw new TemplateFormatError('transactions', `lists more than ${MAX_TEMPLATE_TXS} entries`)
  const mwebActive = hasRule(rules, 'mweb')
  const transactions: TemplateTx[] = t.transactions.map((entry, i) => parseTx(entry, i, mwebActive))
  const fees = transactions.reduce((sum, tx) => sum + tx.fee, 0n)
  if (fees > coinbaseValue)
    throw new TemplateFormatError('coinbasevalue', `is below the sum of transaction fees (${fees})`)
  const totalWeight = transactions.reduce((sum, tx) => sum + tx.weight, 0)
  if (totalWeight > weightLimit)
    throw new TemplateFormatError('transactions', `weigh ${totalWeight} WU, above weightlimit ${weightLimit}`)

  let commitment: Uint8Array | undefined
  if (hasRule(rules, 'segwit')) {
    const script = hex(t.default_witness_commitment, 'default_witness_commitment', 38)
    commitment = witnessCommitment(transactions.map((tx) => tx.wtxid))
    if (!equalBytes(script, witnessCommitmentScript(commitment))) {
      throw new TemplateFormatError(
        'default_witness_commitment',
        `does not commit to the listed transactions (expected ${bytesToHex(witnessCommitmentScript(commitment))})`
      )
    }
  }
  let mweb: Uint8Array | undefined
  if (mwebActive) {
    mweb = hex(t.mweb, 'mweb', MAX_MWEB_BYTES)
    if (mweb.length === 0) throw new TemplateFormatError('mweb', 'is empty while the mweb rule is active')
    if (transactions.length === 0)
      throw new TemplateFormatError('transactions', 'lack the HogEx (last transaction) while the mweb rule is active')
  }

  return {
    network,
    height,
    version,
    prevHash,
    bits,
    target,
    curtime,
    mintime,
    coinbaseValue,
    transactions,
    ...(commitment !== undefined ? { witnessCommitment: commitment } : {}),
    ...(mweb !== undefined ? { mweb } : {}),
    rules,
    weightLimit,
    sigopLimit,
    ...(longpollId !== undefined ? { longpollId } : {}),
    receivedAt: now
  }
}

function parseTx(entry: unknown, index: number, mweb: boolean): TemplateTx {
  const at = `transactions[${index}]`
  const e = obj(entry, at)
  const data = hex(e.data, `${at}.data`, MAX_TEMPLATE_TX_BYTES)
  if (data.length < 10) throw new TemplateFormatError(`${at}.data`, 'is too short to be a transaction')
  const txid = hash(e.txid, `${at}.txid`)
  const wtxid = e.hash === undefined ? txid : hash(e.hash, `${at}.hash`)
  if (mweb && data[4] === 0x00 && data[5] === MWEB_TX_FLAG) {
    // Litecoin's MWEB serialization (the HogEx): marker 0x00, flag 0x08, an MWEB tx field before the
    // locktime; its txid and hash cover the plain form, so the bytes do not hash to them. Proposal mode
    // on the committee checks these transactions.
    if (!equalBytes(txid, wtxid))
      throw new TemplateFormatError(`${at}.hash`, 'differs from txid for an MWEB-flagged transaction')
  } else {
    if (!equalBytes(sha256d(data), wtxid)) throw new TemplateFormatError(`${at}.hash`, 'is not the hash of its data')
    // Without the extended-serialization marker (byte 4 = 0x00) the bytes hash to the txid too.
    if (data[4] !== 0 && !equalBytes(txid, wtxid))
      throw new TemplateFormatError(`${at}.txid`, 'differs from hash for a transaction without witness')
  }
  if (!Array.isArray(e.depends)) throw new TemplateFormatError(`${at}.depends`, 'must be an array')
  // getblocktemplate numbers transactions from 1 (0 would be the coinbase); a tx can only spend earlier ones.
  const depends = e.depends.map((d, k) => int(d, `${at}.depends[${k}]`, 1, index) - 1)
  return {
    data,
    txid,
    wtxid,
    fee: BigInt(int(e.fee, `${at}.fee`, 0, Number.MAX_SAFE_INTEGER)),
    weight: int(e.weight, `${at}.weight`, 1, DEFAULT_WEIGHT_LIMIT * 4),
    sigops: int(e.sigops, `${at}.sigops`, 0, DEFAULT_SIGOP_LIMIT * 4),
    depends
  }
}
