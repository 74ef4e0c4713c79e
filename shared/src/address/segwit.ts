// Segwit addresses: bech32 for witness v0 (BIP173), bech32m for v1..v16 (BIP350), via @scure/base.
// We check structure ourselves first so each failure gets the right code and a message a person can act on;
// @scure/base does the checksum and the 5-to-8-bit regrouping (which refuses bad padding).
import { bech32, bech32m } from '@scure/base'
import { AddressError } from './errors'

/** BIP173: a segwit address is at most 90 characters. */
export const MAX_SEGWIT_ADDRESS_CHARS = 90
/** BIP173: the checksum is the last 6 data characters. */
const CHECKSUM_CHARS = 6
/** BIP141: witness programs are 2..40 bytes; v0 programs 20 (P2WPKH) or 32 (P2WSH). */
export const MIN_WITNESS_PROGRAM_BYTES = 2
export const MAX_WITNESS_PROGRAM_BYTES = 40
export const MAX_WITNESS_VERSION = 16
/** BIP173 data-part alphabet. */
const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
/** BIP173: HRP characters are US-ASCII 33..126. */
const HRP_MIN_CODE = 33
const HRP_MAX_CODE = 126

export interface SegwitAddress {
  /** Lowercase human-readable part. */
  hrp: string
  witnessVersion: number
  program: Uint8Array
}

/** Decode any BIP173/BIP350-valid segwit address (any HRP); throws AddressError. */
export function decodeSegwitAddress(address: string): SegwitAddress {
  if (address.length > MAX_SEGWIT_ADDRESS_CHARS) {
    throw new AddressError(
      'format',
      `address is ${address.length} characters; a segwit address has at most ${MAX_SEGWIT_ADDRESS_CHARS} (BIP173)`
    )
  }
  const lower = address.toLowerCase()
  if (address !== lower && address !== address.toUpperCase()) {
    throw new AddressError('format', 'address mixes upper and lower case; type it all in one case')
  }
  const separator = lower.lastIndexOf('1')
  if (separator < 1) throw new AddressError('format', 'address has no network prefix before its "1" separator')
  for (let i = 0; i < separator; i++) {
    const code = lower.charCodeAt(i)
    if (code < HRP_MIN_CODE || code > HRP_MAX_CODE) {
      throw new AddressError('format', `address prefix has an invalid character at position ${i}`)
    }
  }
  const data = lower.slice(separator + 1)
  if (data.length < CHECKSUM_CHARS) throw new AddressError('format', 'address is too short to hold a checksum')
  for (let i = 0; i < data.length; i++) {
    if (!BECH32_CHARSET.includes(data[i])) {
      throw new AddressError(
        'format',
        `address has an invalid character '${address[separator + 1 + i]}' at position ${separator + 1 + i}`
      )
    }
  }

  const asBech32 = bech32.decodeUnsafe(lower, MAX_SEGWIT_ADDRESS_CHARS)
  const asBech32m = asBech32 ? undefined : bech32m.decodeUnsafe(lower, MAX_SEGWIT_ADDRESS_CHARS)
  const decoded = asBech32 || asBech32m
  if (!decoded) throw new AddressError('checksum', 'bad checksum: the address has a typo')

  const words = decoded.words
  if (words.length === 0) throw new AddressError('format', 'address has no witness version or program')
  const witnessVersion = words[0]
  if (witnessVersion > MAX_WITNESS_VERSION) {
    throw new AddressError('format', `invalid witness version ${witnessVersion} (0..${MAX_WITNESS_VERSION})`)
  }
  // BIP350: v0 uses bech32, v1+ bech32m. The other variant is a checksum failure, not a different address.
  if (witnessVersion === 0 && !asBech32) {
    throw new AddressError('checksum', 'bad checksum: a witness v0 address must use bech32, not bech32m (BIP350)')
  }
  if (witnessVersion > 0 && !asBech32m) {
    throw new AddressError(
      'checksum',
      `bad checksum: a witness v${witnessVersion} address must use bech32m (BIP350); this is the old BIP173 form`
    )
  }
  const program = bech32.fromWordsUnsafe(words.slice(1))
  if (!program) throw new AddressError('format', 'address has invalid padding in its witness program')
  if (program.length < MIN_WITNESS_PROGRAM_BYTES || program.length > MAX_WITNESS_PROGRAM_BYTES) {
    throw new AddressError(
      'format',
      `witness program is ${program.length} bytes; it must be ${MIN_WITNESS_PROGRAM_BYTES}..${MAX_WITNESS_PROGRAM_BYTES}`
    )
  }
  if (witnessVersion === 0 && program.length !== 20 && program.length !== 32) {
    throw new AddressError('format', `witness v0 program is ${program.length} bytes; it must be 20 or 32 (BIP141)`)
  }
  return { hrp: decoded.prefix, witnessVersion, program }
}

/** Encode a witness program as a lowercase segwit address (bech32 for v0, bech32m for v1+). */
export function encodeSegwitAddress(hrp: string, witnessVersion: number, program: Uint8Array): string {
  const words = [witnessVersion, ...bech32.toWords(program)]
  return witnessVersion === 0 ? bech32.encode(hrp, words) : bech32m.encode(hrp, words)
}
