import { createHash, randomBytes } from 'node:crypto'
import { scrypt as hashWasmScrypt } from 'hash-wasm'
import { describe, expect, it } from 'vitest'
import { bytesToHex, equalBytes, hexToBytes } from '../src/primitives/bytes'
import { hash160, powHash, scryptPow, sha256, sha256d } from '../src/primitives/hash'

const nodeSha256 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest())

describe('sha256 / sha256d', () => {
  it('matches FIPS 180-2 known answers', () => {
    const ascii = (s: string) => new TextEncoder().encode(s)
    expect(bytesToHex(sha256(ascii('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(bytesToHex(sha256(new Uint8Array(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    )
  })

  it('sha256d equals node:crypto applied twice, on headers and odd lengths', () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 80, 119, 120, 1000]) {
      for (let i = 0; i < 4; i++) {
        const data = new Uint8Array(randomBytes(length))
        expect(bytesToHex(sha256d(data))).toBe(bytesToHex(nodeSha256(nodeSha256(data))))
      }
    }
  })

  it('powHash("sha256d") is sha256d', () => {
    const header = new Uint8Array(randomBytes(80))
    expect(equalBytes(powHash('sha256d', header), sha256d(header))).toBe(true)
  })
})

describe('hash160', () => {
  it('matches the BIP173 example key hash', () => {
    // BIP173: pubkey 0279be66...1798 -> P2WPKH program 751e76e8199196d454941c45d1b3a323f1433bd6.
    const pubkey = hexToBytes('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798')
    expect(bytesToHex(hash160(pubkey))).toBe('751e76e8199196d454941c45d1b3a323f1433bd6')
  })
})

describe('scrypt PoW (N=1024, r=1, p=1, 32 bytes, password = salt = header)', () => {
  const reference = (header: Uint8Array) =>
    hashWasmScrypt({
      password: header,
      salt: header,
      costFactor: 1024,
      blockSize: 1,
      parallelism: 1,
      hashLength: 32,
      outputType: 'binary'
    })

  it('equals hash-wasm scrypt on random headers', async () => {
    for (let i = 0; i < 8; i++) {
      const header = new Uint8Array(randomBytes(80))
      const ours = scryptPow(header)
      expect(ours.length).toBe(32)
      expect(bytesToHex(ours)).toBe(bytesToHex(await reference(header)))
    }
  })

  it('powHash("scrypt") is scryptPow and rejects unknown algorithms', () => {
    const header = new Uint8Array(randomBytes(80))
    expect(equalBytes(powHash('scrypt', header), scryptPow(header))).toBe(true)
    expect(() => powHash('x11' as never, header)).toThrow(TypeError)
  })
})
