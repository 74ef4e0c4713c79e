import { describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '../src/primitives/bytes'
import {
  MAX_SCRIPT_BYTES,
  opReturnScript,
  p2pkhScript,
  p2shScript,
  p2trScript,
  p2wpkhScript,
  p2wshScript,
  pushData,
  scriptNumber,
  witnessProgramScript
} from '../src/primitives/script'

describe('pushData (minimal pushes, Core CheckMinimalPush)', () => {
  it('uses OP_0, OP_1..OP_16 and OP_1NEGATE for the small values', () => {
    expect(bytesToHex(pushData(new Uint8Array(0)))).toBe('00')
    expect(bytesToHex(pushData(Uint8Array.of(1)))).toBe('51')
    expect(bytesToHex(pushData(Uint8Array.of(5)))).toBe('55')
    expect(bytesToHex(pushData(Uint8Array.of(16)))).toBe('60')
    expect(bytesToHex(pushData(Uint8Array.of(0x81)))).toBe('4f')
    // A single zero byte or 17 is data, not a small-integer opcode.
    expect(bytesToHex(pushData(Uint8Array.of(0)))).toBe('0100')
    expect(bytesToHex(pushData(Uint8Array.of(17)))).toBe('0111')
  })

  it('switches to OP_PUSHDATA1 above 75 bytes and OP_PUSHDATA2 above 255', () => {
    expect(bytesToHex(pushData(new Uint8Array(75)).subarray(0, 1))).toBe('4b')
    expect(pushData(new Uint8Array(75)).length).toBe(76)
    expect(bytesToHex(pushData(new Uint8Array(76)).subarray(0, 2))).toBe('4c4c')
    expect(bytesToHex(pushData(new Uint8Array(255)).subarray(0, 2))).toBe('4cff')
    expect(bytesToHex(pushData(new Uint8Array(256)).subarray(0, 3))).toBe('4d0001')
    expect(() => pushData(new Uint8Array(MAX_SCRIPT_BYTES + 1))).toThrow(RangeError)
  })
})

describe('scriptNumber (minimal CScriptNum)', () => {
  it('matches Core CScriptNum serialization', () => {
    const vectors: Array<[number | bigint, string]> = [
      [0, ''],
      [1, '01'],
      [-1, '81'],
      [127, '7f'],
      [128, '8000'],
      [-128, '8080'],
      [255, 'ff00'],
      [256, '0001'],
      [32767, 'ff7f'],
      [32768, '008000'],
      [-32768, '008080'],
      [542213, '054608'],
      [2n ** 31n - 1n, 'ffffff7f'],
      [-(2n ** 31n), '0000008080']
    ]
    for (const [n, hex] of vectors) expect(bytesToHex(scriptNumber(n))).toBe(hex)
    expect(() => scriptNumber(1.5)).toThrow(RangeError)
  })
})

describe('output scripts', () => {
  it('P2PKH of the address 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', () => {
    expect(bytesToHex(p2pkhScript(hexToBytes('62e907b15cbf27d5425399ebf6f0fb50ebb88f18')))).toBe(
      '76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac'
    )
  })

  it('P2SH layout (BIP16)', () => {
    const hash = hexToBytes('00112233445566778899aabbccddeeff00112233')
    expect(bytesToHex(p2shScript(hash))).toBe('a914' + bytesToHex(hash) + '87')
  })

  it('BIP173 / BIP350 witness programs', () => {
    // bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4
    expect(bytesToHex(p2wpkhScript(hexToBytes('751e76e8199196d454941c45d1b3a323f1433bd6')))).toBe(
      '0014751e76e8199196d454941c45d1b3a323f1433bd6'
    )
    // bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3
    expect(
      bytesToHex(p2wshScript(hexToBytes('1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262')))
    ).toBe('00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262')
    // bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0
    expect(bytesToHex(p2trScript(hexToBytes('79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798')))).toBe(
      '512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'
    )
    // BIP350 vector: witness v16 with a 2-byte program.
    expect(bytesToHex(witnessProgramScript(16, hexToBytes('751e')))).toBe('6002751e')
  })

  it('rejects wrong program sizes and versions', () => {
    expect(() => p2pkhScript(new Uint8Array(21))).toThrow(RangeError)
    expect(() => p2wshScript(new Uint8Array(20))).toThrow(RangeError)
    expect(() => witnessProgramScript(0, new Uint8Array(25))).toThrow(RangeError)
    expect(() => witnessProgramScript(1, new Uint8Array(1))).toThrow(RangeError)
    expect(() => witnessProgramScript(1, new Uint8Array(41))).toThrow(RangeError)
    expect(() => witnessProgramScript(17, new Uint8Array(32))).toThrow(RangeError)
  })

  it('OP_RETURN carries a minimal push', () => {
    expect(bytesToHex(opReturnScript(hexToBytes('deadbeef')))).toBe('6a04deadbeef')
    expect(bytesToHex(opReturnScript(new Uint8Array(80)).subarray(0, 3))).toBe('6a4c50')
  })
})
