// SHA-256 and sha256d over byte arrays without per-call hasher objects: share ids, txids, merkle
// folds and share commitments hash small inputs (32-700 bytes) tens of times per share validated.
// One state and one padding buffer are reused by every call (JS runs one call at a time per realm;
// nothing here calls out, so no call re-enters). Whole 64-byte blocks are read in place through a
// DataView of the input's buffer; only the tail is assembled with its padding. The compressions are
// specialised (./sha256-compress, generated): sha256d's second hash, an 80-byte header's second
// block and the padding block after a 64-byte merkle node have their constant words folded in.
// Speed against @noble/hashes per input size: bench/sha256.bench.ts.
import {
  SHA256_IV,
  sha256Compress,
  sha256CompressDigest,
  sha256CompressHeaderTail,
  sha256CompressNode,
  sha256CompressPad64,
  sha256CompressView
} from './sha256-compress'

const DIGEST_BYTES = 32
const BLOCK_BYTES = 64
const HEADER_BYTES = 80
/** Bytes appended at least: 0x80 and the 64-bit message length in bits (FIPS 180-4 §5.1.1). */
const MIN_PADDING_BYTES = 9
const BLOCK_WORDS = BLOCK_BYTES / 4
/** The padded tail: under one block of message plus padding fits in two blocks. */
const TAIL_WORDS = 2 * BLOCK_WORDS

const state = new Int32Array(8)
const tailWords = new Int32Array(TAIL_WORDS)

// DataViews of the last two buffers read in place. Validation alternates between two: the share's
// bytes (header, branch) and the rebuilt coinbase; a DataView costs ~80 ns to create (Node 20), more
// than hashing's per-call overhead otherwise. Holds those two buffers until others replace them.
let bufferA: ArrayBufferLike | undefined
let viewA: DataView | undefined
let bufferB: ArrayBufferLike | undefined
let viewB: DataView | undefined

/** A DataView over the whole buffer under `m` (read at m.byteOffset + i). */
function viewOf(m: Uint8Array): DataView {
  const buffer = m.buffer
  if (buffer === bufferA) return viewA as DataView
  const v = buffer === bufferB ? (viewB as DataView) : new DataView(buffer)
  // Most recent first.
  bufferB = bufferA
  viewB = viewA
  bufferA = buffer
  viewA = v
  return v
}

/** state = H(0), without a call into TypedArray.prototype.set (measurable at ~50 calls per share). */
function resetState(): void {
  state[0] = SHA256_IV[0]
  state[1] = SHA256_IV[1]
  state[2] = SHA256_IV[2]
  state[3] = SHA256_IV[3]
  state[4] = SHA256_IV[4]
  state[5] = SHA256_IV[5]
  state[6] = SHA256_IV[6]
  state[7] = SHA256_IV[7]
}

/**
 * `state` absorbs m and its padding; `priorBytes` already went into `state` (a multiple of 64).
 * Whole blocks are read in place; the tail (< 64 bytes) is read as words into a padded block, which
 * costs less than copying, filling and DataView writes for inputs this small.
 */
function absorb(m: Uint8Array, priorBytes: number): void {
  const len = m.length
  const whole = len - (len % BLOCK_BYTES)
  const rest = len - whole
  const fullWords = rest >> 2
  if (whole > 0 || fullWords > 0) {
    const view = viewOf(m)
    const base = m.byteOffset
    for (let off = 0; off < whole; off += BLOCK_BYTES) sha256CompressView(state, view, base + off)
    for (let i = 0; i < fullWords; i++) tailWords[i] = view.getInt32(base + whole + 4 * i)
  }
  // The last partial word, then 0x80 (FIPS 180-4 §5.1.1), zeros, and the 64-bit length in bits.
  let last = 0x80 << (24 - 8 * (rest & 3))
  for (let i = fullWords * 4; i < rest; i++) last |= m[whole + i] << (24 - 8 * (i & 3))
  tailWords[fullWords] = last
  const words = rest + MIN_PADDING_BYTES > BLOCK_BYTES ? TAIL_WORDS : BLOCK_WORDS
  for (let i = fullWords + 1; i < words - 2; i++) tailWords[i] = 0
  const bits = (priorBytes + len) * 8
  tailWords[words - 2] = Math.floor(bits / 0x100000000)
  tailWords[words - 1] = bits | 0
  sha256Compress(state, tailWords, 0)
  if (words === TAIL_WORDS) sha256Compress(state, tailWords, BLOCK_WORDS)
}

/** state = SHA-256 of m. An 80-byte message (a block header) takes the folded second block. */
function hashMessage(m: Uint8Array): void {
  resetState()
  if (m.length === HEADER_BYTES) {
    const view = viewOf(m)
    sha256CompressView(state, view, m.byteOffset)
    sha256CompressHeaderTail(state, view, m.byteOffset)
  } else absorb(m, 0)
}

function writeDigest(out: Uint8Array, at: number): void {
  for (let i = 0; i < 8; i++, at += 4) {
    const x = state[i]
    out[at] = x >>> 24
    out[at + 1] = x >>> 16
    out[at + 2] = x >>> 8
    out[at + 3] = x
  }
}

function digest(): Uint8Array {
  const out = new Uint8Array(DIGEST_BYTES)
  writeDigest(out, 0)
  return out
}

export function fastSha256(m: Uint8Array): Uint8Array {
  hashMessage(m)
  return digest()
}

/** sha256(sha256(m)), internal byte order. */
export function fastSha256d(m: Uint8Array): Uint8Array {
  hashMessage(m)
  sha256CompressDigest(state)
  return digest()
}

/** sha256d(m) written to out[at..at+32): no allocation. */
export function fastSha256dInto(m: Uint8Array, out: Uint8Array, at: number): void {
  hashMessage(m)
  sha256CompressDigest(state)
  writeDigest(out, at)
}

/** state = the 8 big-endian words of a 32-byte hash (a merkle node between steps). */
function loadState(hash: Uint8Array): void {
  for (let i = 0, j = 0; i < 8; i++, j += 4)
    state[i] = (hash[j] << 24) | (hash[j + 1] << 16) | (hash[j + 2] << 8) | hash[j + 3]
}

/** state = sha256d(state as 32 bytes || sibling): one merkle node, three compressions. */
function hashNode(sibling: Uint8Array): void {
  sha256CompressNode(state, viewOf(sibling), sibling.byteOffset)
  sha256CompressPad64(state)
  sha256CompressDigest(state)
}

/** sha256d(left || right) of two 32-byte hashes: one merkle node. */
export function fastSha256dPair(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== DIGEST_BYTES || right.length !== DIGEST_BYTES)
    throw new RangeError('merkle node halves must be 32 bytes')
  loadState(left)
  hashNode(right)
  return digest()
}

/**
 * Folds a position-0 leaf (the coinbase txid) up its merkle branch. The node stays as 8 state words
 * between steps: a digest's bytes read back as big-endian words are the state words themselves.
 */
export function fastFoldMerkleBranch(leaf: Uint8Array, branch: readonly Uint8Array[]): Uint8Array {
  if (leaf.length !== DIGEST_BYTES) throw new RangeError(`merkle leaf must be 32 bytes, got ${leaf.length}`)
  loadState(leaf)
  for (let i = 0; i < branch.length; i++) {
    const step = branch[i]
    if (step.length !== DIGEST_BYTES) throw new RangeError(`merkle branch steps must be 32 bytes, got ${step.length}`)
    hashNode(step)
  }
  return digest()
}

/** A SHA-256 state after some whole 64-byte blocks: hash many messages that share a prefix once. */
export interface Sha256Midstate {
  readonly words: Int32Array
  /** Bytes absorbed: a multiple of 64. */
  readonly bytes: number
}

export function sha256Midstate(prefix: Uint8Array): Sha256Midstate {
  if (prefix.length % BLOCK_BYTES !== 0)
    throw new RangeError(`midstate prefix must be a multiple of ${BLOCK_BYTES} bytes, got ${prefix.length}`)
  resetState()
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength)
  for (let off = 0; off < prefix.length; off += BLOCK_BYTES) sha256CompressView(state, view, off)
  return { words: state.slice(), bytes: prefix.length }
}

/** sha256d(prefix || tail) from `sha256Midstate(prefix)`. */
export function fastSha256dFromMidstate(mid: Sha256Midstate, tail: Uint8Array): Uint8Array {
  state.set(mid.words)
  absorb(tail, mid.bytes)
  sha256CompressDigest(state)
  return digest()
}
