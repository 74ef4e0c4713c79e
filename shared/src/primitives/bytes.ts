// Byte helpers and strict little-endian readers/writers for Bitcoin-style serialization.
// Pure TypeScript on Uint8Array: runs in browsers and Node alike (no Buffer).

/** A malformed or out-of-limits encoding. `code` is stable for tests and reason codes. */
export class DecodeError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'DecodeError'
    this.code = code
  }
}

const HEX_DIGITS = '0123456789abcdef'
const HEX_PAIRS: string[] = Array.from({ length: 256 }, (_, i) => HEX_DIGITS[i >> 4] + HEX_DIGITS[i & 15])

function hexNibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48 // '0'..'9'
  if (code >= 97 && code <= 102) return code - 87 // 'a'..'f'
  if (code >= 65 && code <= 70) return code - 55 // 'A'..'F'
  return -1
}

/** Strict hex decoding: even length and [0-9a-fA-F] only, no prefix, no whitespace. */
export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new DecodeError('hex-type', 'hex input must be a string')
  if (hex.length % 2 !== 0) throw new DecodeError('hex-length', `hex string has odd length ${hex.length}`)
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(hex.charCodeAt(2 * i))
    const lo = hexNibble(hex.charCodeAt(2 * i + 1))
    if (hi < 0 || lo < 0) throw new DecodeError('hex-char', `invalid hex character near offset ${2 * i}`)
    out[i] = (hi << 4) | lo
  }
  return out
}

/** Lowercase hex. */
export function bytesToHex(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i++) s += HEX_PAIRS[b[i]]
  return s
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0
  for (const p of parts) total += p.length
  const out = new Uint8Array(total)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** A reversed copy (internal hash order <-> display order). */
export function reverseBytes(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length)
  for (let i = 0; i < b.length; i++) out[i] = b[b.length - 1 - i]
  return out
}

/** Bytes taken by a CompactSize ("varint") encoding of n. */
export function compactSizeLength(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`compact size out of range: ${n}`)
  if (n < 0xfd) return 1
  if (n <= 0xffff) return 3
  if (n <= 0xffffffff) return 5
  return 9
}

const U64_MAX = (1n << 64n) - 1n
const WRITER_INITIAL_BYTES = 256

/** Append-only little-endian writer with a growing buffer. */
export class ByteWriter {
  private buf: Uint8Array
  private view: DataView
  private len = 0

  constructor(initialCapacity = WRITER_INITIAL_BYTES) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity))
    this.view = new DataView(this.buf.buffer)
  }

  get length(): number {
    return this.len
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return
    let cap = this.buf.length * 2
    while (cap < this.len + n) cap *= 2
    const next = new Uint8Array(cap)
    next.set(this.buf.subarray(0, this.len))
    this.buf = next
    this.view = new DataView(next.buffer)
  }

  private checkInt(n: number, min: number, max: number, what: string): void {
    if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`${what} out of range: ${n}`)
  }

  u8(n: number): this {
    this.checkInt(n, 0, 0xff, 'u8')
    this.reserve(1)
    this.buf[this.len++] = n
    return this
  }

  u16le(n: number): this {
    this.checkInt(n, 0, 0xffff, 'u16')
    this.reserve(2)
    this.view.setUint16(this.len, n, true)
    this.len += 2
    return this
  }

  u32le(n: number): this {
    this.checkInt(n, 0, 0xffffffff, 'u32')
    this.reserve(4)
    this.view.setUint32(this.len, n, true)
    this.len += 4
    return this
  }

  i32le(n: number): this {
    this.checkInt(n, -0x80000000, 0x7fffffff, 'i32')
    this.reserve(4)
    this.view.setInt32(this.len, n, true)
    this.len += 4
    return this
  }

  u64le(n: bigint): this {
    if (typeof n !== 'bigint' || n < 0n || n > U64_MAX) throw new RangeError(`u64 out of range: ${n}`)
    this.reserve(8)
    this.view.setBigUint64(this.len, n, true)
    this.len += 8
    return this
  }

  bytes(b: Uint8Array): this {
    this.reserve(b.length)
    this.buf.set(b, this.len)
    this.len += b.length
    return this
  }

  /** CompactSize, always in its shortest (canonical) form. */
  varint(n: number | bigint): this {
    const v = BigInt(n)
    if (v < 0n || v > U64_MAX) throw new RangeError(`varint out of range: ${n}`)
    if (v < 0xfdn) return this.u8(Number(v))
    if (v <= 0xffffn) return this.u8(0xfd).u16le(Number(v))
    if (v <= 0xffffffffn) return this.u8(0xfe).u32le(Number(v))
    return this.u8(0xff).u64le(v)
  }

  /** CompactSize length prefix followed by the bytes. */
  varBytes(b: Uint8Array): this {
    return this.varint(b.length).bytes(b)
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len)
  }
}

/** Strict little-endian reader: every read past the end throws DecodeError. */
export class ByteReader {
  private readonly buf: Uint8Array
  private readonly view: DataView
  private pos = 0

  constructor(b: Uint8Array) {
    this.buf = b
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  }

  get offset(): number {
    return this.pos
  }

  get remaining(): number {
    return this.buf.length - this.pos
  }

  private need(n: number): void {
    if (n > this.buf.length - this.pos) {
      throw new DecodeError(
        'eof',
        `unexpected end of data: need ${n} bytes at offset ${this.pos}, have ${this.remaining}`
      )
    }
  }

  u8(): number {
    this.need(1)
    return this.buf[this.pos++]
  }

  u16le(): number {
    this.need(2)
    const v = this.view.getUint16(this.pos, true)
    this.pos += 2
    return v
  }

  u32le(): number {
    this.need(4)
    const v = this.view.getUint32(this.pos, true)
    this.pos += 4
    return v
  }

  i32le(): number {
    this.need(4)
    const v = this.view.getInt32(this.pos, true)
    this.pos += 4
    return v
  }

  u64le(): bigint {
    this.need(8)
    const v = this.view.getBigUint64(this.pos, true)
    this.pos += 8
    return v
  }

  /** A copy of the next n bytes (copies keep decoded objects independent of the input buffer). */
  bytes(n: number): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0) throw new DecodeError('length', `invalid byte count ${n}`)
    this.need(n)
    const out = this.buf.slice(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  /**
   * CompactSize. Non-canonical encodings (a longer form than needed) are rejected, as Bitcoin Core does,
   * so every value has exactly one encoding; values above `max` are rejected too.
   */
  varint(max: number = Number.MAX_SAFE_INTEGER): number {
    const at = this.pos
    const first = this.u8()
    let v: number
    if (first < 0xfd) return checkMax(first, max, at)
    if (first === 0xfd) {
      v = this.u16le()
      if (v < 0xfd) throw nonCanonical(at)
    } else if (first === 0xfe) {
      v = this.u32le()
      if (v <= 0xffff) throw nonCanonical(at)
    } else {
      const big = this.u64le()
      if (big <= 0xffffffffn) throw nonCanonical(at)
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new DecodeError('varint-max', `varint ${big} at offset ${at} exceeds limit ${max}`)
      }
      v = Number(big)
    }
    return checkMax(v, max, at)
  }

  /** A CompactSize length (at most `max`) followed by that many bytes. */
  varBytes(max: number): Uint8Array {
    return this.bytes(this.varint(max))
  }

  /** Throws if any byte is left: encodings are exact, trailing bytes are an error. */
  expectEnd(): void {
    if (this.remaining !== 0) {
      throw new DecodeError('trailing', `${this.remaining} trailing bytes after offset ${this.pos}`)
    }
  }
}

function nonCanonical(at: number): DecodeError {
  return new DecodeError('varint-noncanonical', `non-canonical varint at offset ${at}`)
}

function checkMax(v: number, max: number, at: number): number {
  if (v > max) throw new DecodeError('varint-max', `varint ${v} at offset ${at} exceeds limit ${max}`)
  return v
}
