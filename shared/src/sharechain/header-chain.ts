// The short header chain every peer keeps (docs/design.md, Block headers every peer knows): headers that
// link to what we hold and meet their own bits (sha256d or scrypt), from a relay-supplied checkpoint.
// Fork choice is most cumulative work (ties: first seen). Memory is bounded: headers more than
// `keepDepth` below the tip are dropped. Not checked (needs the coin's full rules): that bits equal
// the coin's retarget and the timestamp rules — a fake branch still costs real PoW at its bits, and
// bits are bounded by powLimit.
import { bytesToHex, DecodeError, equalBytes } from '../primitives/bytes'
import { HEADER_BYTES, decodeHeader } from '../primitives/header'
import { powHash, sha256d, type PowAlgorithm } from '../primitives/hash'
import { bitsToTarget, meetsTarget, targetToWork } from '../primitives/target'
import { ACCEPT, ignore, reject, type Verdict } from './verdict'

export type HeaderRejectReason = 'size' | 'bits' | 'pow'
export type HeaderIgnoreReason = 'duplicate' | 'unknown-prev' | 'too-old'
export type HeaderVerdict = Verdict<HeaderRejectReason, HeaderIgnoreReason>

/** Default headers kept below the tip: two Bitcoin retarget periods (2 x 2016 blocks, ~330 KB). */
export const DEFAULT_HEADER_KEEP_DEPTH = 4032

export interface HeaderCheckpoint {
  /** Block hash, internal byte order. */
  hash: Uint8Array
  height: number
}

export interface HeaderChainInit {
  pow: PowAlgorithm
  /** Easiest block target the chain allows; headers with easier bits are rejected. */
  powLimit: bigint
  checkpoint: HeaderCheckpoint
  keepDepth?: number
}

export interface HeaderEntry {
  hash: Uint8Array
  key: string
  prevKey: string | undefined
  height: number
  bits: number
  time: number
  cumulativeWork: bigint
  header80: Uint8Array | undefined
}

export class HeaderChain {
  private readonly entries = new Map<string, HeaderEntry>()
  /** Best chain: height -> key. */
  private readonly best = new Map<number, string>()
  private tipEntry: HeaderEntry
  private lastLookup: HeaderEntry | undefined
  private lowestHeight: number
  private readonly keepDepth: number

  constructor(private readonly init: HeaderChainInit) {
    this.keepDepth = init.keepDepth ?? DEFAULT_HEADER_KEEP_DEPTH
    const cp = init.checkpoint
    const key = bytesToHex(cp.hash)
    this.tipEntry = {
      hash: cp.hash,
      key,
      prevKey: undefined,
      height: cp.height,
      bits: 0,
      time: 0,
      cumulativeWork: 0n,
      header80: undefined
    }
    this.entries.set(key, this.tipEntry)
    this.best.set(cp.height, key)
    this.lowestHeight = cp.height
  }

  get tip(): HeaderEntry {
    return this.tipEntry
  }

  get size(): number {
    return this.entries.size
  }

  get(hash: Uint8Array): HeaderEntry | undefined {
    // Every share on a block template names the same prev block: the last hit is checked (and must
    // still be held) before a hex key is built.
    const last = this.lastLookup
    if (last && equalBytes(last.hash, hash) && this.entries.get(last.key) === last) return last
    const entry = this.entries.get(bytesToHex(hash))
    if (entry) this.lastLookup = entry
    return entry
  }

  /** Height of a known header (best chain or not). */
  heightOf(hash: Uint8Array): number | undefined {
    return this.get(hash)?.height
  }

  /** Blocks between the tip and this header on the best chain (tip = 0); undefined if not on it. */
  depthOf(hash: Uint8Array): number | undefined {
    const e = this.get(hash)
    return e && this.depthOfEntry(e)
  }

  /** depthOf for an entry already looked up (saves a hex key on the validation path). */
  depthOfEntry(e: HeaderEntry): number | undefined {
    if (this.best.get(e.height) !== e.key) return undefined
    return this.tipEntry.height - e.height
  }

  /** Best-chain hash at a height, if held. */
  hashAtHeight(height: number): Uint8Array | undefined {
    const key = this.best.get(height)
    return key === undefined ? undefined : this.entries.get(key)?.hash
  }

  add(header80: Uint8Array): HeaderVerdict {
    if (header80.length !== HEADER_BYTES) return reject('size', `header is ${header80.length} bytes`)
    const header = decodeHeader(header80)
    const hash = sha256d(header80)
    const key = bytesToHex(hash)
    if (this.entries.has(key)) return ignore('duplicate')
    const prevKey = bytesToHex(header.prevHash)
    const prev = this.entries.get(prevKey)
    if (!prev) return ignore('unknown-prev', 'fetch the previous header', header.prevHash)
    if (prev.height + 1 < this.tipEntry.height - this.keepDepth) return ignore('too-old')
    let target: bigint
    try {
      target = bitsToTarget(header.bits)
    } catch (e) {
      return reject('bits', e instanceof DecodeError ? e.message : 'invalid bits')
    }
    if (target > this.init.powLimit)
      return reject('bits', `bits 0x${header.bits.toString(16)} easier than the pow limit`)
    const pow = this.init.pow === 'sha256d' ? hash : powHash(this.init.pow, header80)
    if (!meetsTarget(pow, target)) return reject('pow', 'header hash above its own bits')
    const entry: HeaderEntry = {
      hash,
      key,
      prevKey,
      height: prev.height + 1,
      bits: header.bits,
      time: header.time,
      cumulativeWork: prev.cumulativeWork + targetToWork(target),
      header80
    }
    this.entries.set(key, entry)
    if (entry.cumulativeWork > this.tipEntry.cumulativeWork) this.setTip(entry)
    return ACCEPT
  }

  private setTip(entry: HeaderEntry): void {
    for (let h = entry.height + 1; h <= this.tipEntry.height; h++) this.best.delete(h)
    let e: HeaderEntry | undefined = entry
    while (e && this.best.get(e.height) !== e.key) {
      this.best.set(e.height, e.key)
      e = e.prevKey === undefined ? undefined : this.entries.get(e.prevKey)
    }
    this.tipEntry = entry
    this.prune()
  }

  private prune(): void {
    const keepFrom = this.tipEntry.height - this.keepDepth
    if (this.lowestHeight >= keepFrom) return
    for (const [key, e] of this.entries) {
      if (e.height < keepFrom) {
        this.entries.delete(key)
        if (this.best.get(e.height) === key) this.best.delete(e.height)
      }
    }
    this.lowestHeight = keepFrom
  }
}
