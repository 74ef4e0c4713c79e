import { describe, expect, it } from 'vitest'
import {
  ByteReader,
  ByteWriter,
  DecodeError,
  bytesToHex,
  compactSizeLength,
  concatBytes,
  equalBytes,
  hexToBytes,
  reverseBytes
} from '../src/primitives/bytes'

function decodeErrorCode(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (e instanceof DecodeError) return e.code
    throw e
  }
  throw new Error('expected a DecodeError')
}

describe('hex', () => {
  it('round-trips all byte values, lowercase out, either case in', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    const hex = bytesToHex(all)
    expect(hex).toMatch(/^[0-9a-f]{512}$/)
    expect(equalBytes(hexToBytes(hex), all)).toBe(true)
    expect(equalBytes(hexToBytes(hex.toUpperCase()), all)).toBe(true)
    expect(bytesToHex(hexToBytes(''))).toBe('')
  })

  it('rejects odd length, non-hex characters, prefixes and whitespace', () => {
    expect(decodeErrorCode(() => hexToBytes('abc'))).toBe('hex-length')
    expect(decodeErrorCode(() => hexToBytes('zz'))).toBe('hex-char')
    expect(decodeErrorCode(() => hexToBytes('0x00'))).toBe('hex-char')
    expect(decodeErrorCode(() => hexToBytes('00 1'))).toBe('hex-char')
    expect(decodeErrorCode(() => hexToBytes('0g'))).toBe('hex-char')
  })
})

describe('byte helpers', () => {
  it('concatenates, compares and reverses (as a copy)', () => {
    const a = hexToBytes('0102')
    const b = hexToBytes('03')
    expect(bytesToHex(concatBytes(a, b, new Uint8Array(0)))).toBe('010203')
    expect(equalBytes(a, hexToBytes('0102'))).toBe(true)
    expect(equalBytes(a, hexToBytes('0103'))).toBe(false)
    expect(equalBytes(a, hexToBytes('010200'))).toBe(false)
    const r = reverseBytes(a)
    expect(bytesToHex(r)).toBe('0201')
    expect(bytesToHex(a)).toBe('0102')
  })
})

describe('CompactSize (varint)', () => {
  // Boundaries of each encoding form, as Bitcoin Core serializes them.
  const vectors: Array<[number | bigint, string]> = [
    [0, '00'],
    [0xfc, 'fc'],
    [0xfd, 'fdfd00'],
    [0xffff, 'fdffff'],
    [0x10000, 'fe00000100'],
    [0xffffffff, 'feffffffff'],
    [0x100000000, 'ff0000000001000000'],
    [(1n << 64n) - 1n, 'ffffffffffffffffff']
  ]

  it('writes the canonical form and compactSizeLength agrees', () => {
    for (const [n, hex] of vectors) {
      expect(bytesToHex(new ByteWriter().varint(n).finish())).toBe(hex)
      if (typeof n === 'number') expect(compactSizeLength(n)).toBe(hex.length / 2)
    }
  })

  it('reads canonical forms back', () => {
    for (const [n, hex] of vectors) {
      if (typeof n === 'bigint') continue
      const r = new ByteReader(hexToBytes(hex))
      expect(r.varint()).toBe(n)
      r.expectEnd()
    }
  })

  it('rejects non-canonical encodings', () => {
    for (const hex of ['fd0000', 'fdfc00', 'fe0000000000', 'feffff0000', 'ff0000000000000000', 'ffffffffff00000000']) {
      expect(decodeErrorCode(() => new ByteReader(hexToBytes(hex)).varint())).toBe('varint-noncanonical')
    }
  })

  it('rejects values above the given maximum and above 2^53', () => {
    expect(decodeErrorCode(() => new ByteReader(hexToBytes('fd0001')).varint(255))).toBe('varint-max')
    expect(new ByteReader(hexToBytes('fdff00')).varint(255)).toBe(255)
    expect(decodeErrorCode(() => new ByteReader(hexToBytes('ffffffffffffffffff')).varint())).toBe('varint-max')
  })

  it('varBytes enforces its limit before reading', () => {
    const encoded = new ByteWriter().varBytes(new Uint8Array(10)).finish()
    expect(new ByteReader(encoded).varBytes(10).length).toBe(10)
    expect(decodeErrorCode(() => new ByteReader(encoded).varBytes(9))).toBe('varint-max')
  })
})

describe('ByteWriter / ByteReader', () => {
  it('round-trips every field type little-endian', () => {
    const w = new ByteWriter(1) // tiny start: exercises growth
    w.u8(0xab).u16le(0x1234).u32le(0xdeadbeef).i32le(-2).u64le(0x0102030405060708n).bytes(hexToBytes('cafe'))
    const bytes = w.finish()
    expect(w.length).toBe(bytes.length)
    expect(bytesToHex(bytes)).toBe('ab' + '3412' + 'efbeadde' + 'feffffff' + '0807060504030201' + 'cafe')
    const r = new ByteReader(bytes)
    expect(r.u8()).toBe(0xab)
    expect(r.u16le()).toBe(0x1234)
    expect(r.u32le()).toBe(0xdeadbeef)
    expect(r.i32le()).toBe(-2)
    expect(r.u64le()).toBe(0x0102030405060708n)
    expect(r.remaining).toBe(2)
    expect(bytesToHex(r.bytes(2))).toBe('cafe')
    expect(r.offset).toBe(bytes.length)
    r.expectEnd()
  })

  it('reads from a subarray view at its own offset', () => {
    const backing = hexToBytes('ff0100000002')
    const r = new ByteReader(backing.subarray(1, 5))
    expect(r.u32le()).toBe(1)
    r.expectEnd()
  })

  it('throws DecodeError on every read past the end and on trailing bytes', () => {
    expect(decodeErrorCode(() => new ByteReader(new Uint8Array(0)).u8())).toBe('eof')
    expect(decodeErrorCode(() => new ByteReader(new Uint8Array(1)).u16le())).toBe('eof')
    expect(decodeErrorCode(() => new ByteReader(new Uint8Array(3)).u32le())).toBe('eof')
    expect(decodeErrorCode(() => new ByteReader(new Uint8Array(3)).i32le())).toBe('eof')
    expect(decodeErrorCode(() => new ByteReader(new Uint8Array(7)).u64le())).toBe('eof')
    expect(decodeErrorCode(() => new ByteReader(new Uint8Array(4)).bytes(5))).toBe('eof')
    expect(decodeErrorCode(() => new ByteReader(hexToBytes('fd01')).varint())).toBe('eof')
    expect(decodeErrorCode(() => new ByteReader(hexToBytes('0501020304')).varBytes(100))).toBe('eof')
    expect(decodeErrorCode(() => new ByteReader(new Uint8Array(1)).expectEnd())).toBe('trailing')
  })

  it('rejects out-of-range writes', () => {
    expect(() => new ByteWriter().u8(256)).toThrow(RangeError)
    expect(() => new ByteWriter().u16le(-1)).toThrow(RangeError)
    expect(() => new ByteWriter().u32le(2 ** 32)).toThrow(RangeError)
    expect(() => new ByteWriter().i32le(2 ** 31)).toThrow(RangeError)
    expect(() => new ByteWriter().u64le(1n << 64n)).toThrow(RangeError)
    expect(() => new ByteWriter().u32le(1.5)).toThrow(RangeError)
    expect(() => new ByteWriter().varint(-1)).toThrow(RangeError)
  })
})
