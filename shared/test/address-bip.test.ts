// BIP173 and BIP350 segwit address test vectors, as published in the BIPs
// (bitcoin/bips bip-0173.mediawiki and bip-0350.mediawiki, "Test vectors").
import { describe, expect, it } from 'vitest'
import { ADDRESS_PREFIXES, AddressError, addressToScript, decodeAddress } from '../src/address'
import type { AddressPrefixes } from '../src/address'
import { bytesToHex } from '../src/primitives/bytes'

const MAIN = ADDRESS_PREFIXES.bitcoin
const TEST = ADDRESS_PREFIXES['bitcoin-testnet4']

function prefixesFor(address: string): AddressPrefixes {
  return address.toLowerCase().startsWith('tb1') ? TEST : MAIN
}

function refusal(address: string, prefixes: AddressPrefixes): AddressError {
  try {
    decodeAddress(address, prefixes)
  } catch (e) {
    if (e instanceof AddressError) return e
    throw e
  }
  throw new Error(`${address} was accepted`)
}

// BIP350 "valid segwit addresses" with their scriptPubKeys.
const BIP350_VALID: [string, string][] = [
  ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', '0014751e76e8199196d454941c45d1b3a323f1433bd6'],
  [
    'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7',
    '00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262'
  ],
  [
    'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y',
    '5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6'
  ],
  ['BC1SW50QGDZ25J', '6002751e'],
  ['bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs', '5210751e76e8199196d454941c45d1b3a323'],
  [
    'tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy',
    '0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433'
  ],
  [
    'tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c',
    '5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433'
  ],
  [
    'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0',
    '512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'
  ]
]

// BIP350 "invalid segwit addresses" (reason in the comment).
const BIP350_INVALID: string[] = [
  'tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut', // invalid human-readable part
  'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', // bech32 instead of bech32m
  'tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf', // bech32 instead of bech32m
  'BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL', // bech32 instead of bech32m
  'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', // bech32m instead of bech32
  'tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47', // bech32m instead of bech32
  'bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4', // invalid character in checksum
  'BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R', // invalid witness version
  'bc1pw5dgrnzv', // invalid program length (1 byte)
  'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav', // program length 41
  'BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P', // invalid program length for witness v0
  'tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq', // mixed case
  'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf', // zero padding of more than 4 bits
  'tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j', // non-zero padding in 8-to-5
  'bc1gmk9yu' // empty data section
]

// BIP173 "invalid addresses" (still invalid under BIP350).
const BIP173_INVALID: string[] = [
  'tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty', // invalid human-readable part
  'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', // invalid checksum
  'BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2', // invalid witness version
  'bc1rw5uspcuh', // invalid program length
  'bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90', // invalid program length
  'BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P', // invalid program length for witness v0
  'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7', // mixed case
  'bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du', // zero padding of more than 4 bits
  'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv', // non-zero padding in 8-to-5
  'bc1gmk9yu' // empty data section
]

// BIP173's valid v1+ examples used the bech32 checksum; BIP350 made every one of them invalid.
const BIP173_V1_PLUS_NOW_INVALID: string[] = [
  'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx',
  'BC1SW50QA3JX3S',
  'bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj'
]

// BIP350 string-level invalid bech32m vectors: none may pass as an address either.
const BIP350_INVALID_STRINGS: string[] = [
  '\x201xj0phk',
  '\x7f1g6xzxy',
  '\x801vctc34',
  'an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4',
  'qyrz8wqd2c9m',
  '1qyrz8wqd2c9m',
  'y1b0jsk6g',
  'lt1igcx5c0',
  'in1muywd',
  'mm1crxm3i',
  'au1s5cgom',
  'M1VUXWEZ',
  '16plkw9',
  '1p2gdwpf'
]

describe('BIP350 valid segwit addresses', () => {
  it.each(BIP350_VALID)('%s decodes to its scriptPubKey', (address, scriptHex) => {
    expect(bytesToHex(decodeAddress(address, prefixesFor(address)).script)).toBe(scriptHex)
  })

  it('v0 and v1 32-byte programs are payable; other versions need allowUnknownWitness', () => {
    for (const [address, scriptHex] of BIP350_VALID) {
      const decoded = decodeAddress(address, prefixesFor(address))
      if (decoded.kind === 'witness-unknown') {
        expect(() => addressToScript(address, prefixesFor(address))).toThrow(expect.objectContaining({ code: 'kind' }))
        expect(bytesToHex(addressToScript(address, prefixesFor(address), { allowUnknownWitness: true }))).toBe(
          scriptHex
        )
      } else {
        expect(bytesToHex(addressToScript(address, prefixesFor(address)))).toBe(scriptHex)
      }
    }
  })

  it('names the kinds', () => {
    const kinds = BIP350_VALID.map(([a]) => decodeAddress(a, prefixesFor(a)).kind)
    const unknown = 'witness-unknown'
    expect(kinds).toEqual(['p2wpkh', 'p2wsh', unknown, unknown, unknown, 'p2wsh', 'p2tr', 'p2tr'])
  })
})

describe('invalid segwit addresses are refused with a typed error', () => {
  const all = [...BIP350_INVALID, ...BIP173_INVALID, ...BIP173_V1_PLUS_NOW_INVALID, ...BIP350_INVALID_STRINGS]
  it.each(all)('%j is refused on mainnet and testnet', (address) => {
    expect(refusal(address, MAIN)).toBeInstanceOf(AddressError)
    expect(refusal(address, TEST)).toBeInstanceOf(AddressError)
  })

  it('gives the reason a person can act on', () => {
    expect(refusal('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', MAIN).code).toBe('checksum')
    expect(refusal('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', MAIN).code).toBe('checksum')
    expect(refusal('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', MAIN).code).toBe('checksum')
    expect(refusal('tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq', TEST).code).toBe('format')
    expect(refusal('tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq', TEST).message).toMatch(/case/)
    expect(refusal('BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P', MAIN).code).toBe('format')
    expect(refusal('bc1pw5dgrnzv', MAIN).code).toBe('format')
    expect(refusal('bc1gmk9yu', MAIN).code).toBe('format')
    expect(refusal('BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R', MAIN).code).toBe('format')
    expect(refusal('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf', MAIN).code).toBe('format')
    expect(refusal('tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j', TEST).code).toBe('format')
    expect(refusal('tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut', MAIN).code).toBe('network')
    const tooLong = 'an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4'
    expect(refusal(tooLong, MAIN).code).toBe('format')
  })

  it('a valid testnet address is a network error on mainnet and vice versa', () => {
    const e = refusal('tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', MAIN)
    expect(e.code).toBe('network')
    expect(e.message).toMatch(/bitcoin-testnet4/)
    expect(refusal('BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', TEST).code).toBe('network')
  })
})
