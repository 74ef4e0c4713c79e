// Legacy base58check addresses: version byte + 20-byte hash + 4-byte checksum (first 4 bytes of sha256d).
// The base58 alphabet comes from @scure/base; the checksum is checked here so a typo is told apart from
// a malformed string.
import { base58 } from '@scure/base'
import { concatBytes, equalBytes } from '../primitives/bytes'
import { sha256d } from '../primitives/hash'
import { AddressError } from './errors'

const CHECKSUM_BYTES = 4
/** version (1) + hash160 (20). */
const ADDRESS_PAYLOAD_BYTES = 21
/** WIF private keys: version + 32-byte key (+ 0x01 when the public key is compressed). */
const WIF_PAYLOAD_BYTES = 33
const WIF_COMPRESSED_PAYLOAD_BYTES = 34
/** BIP32 extended keys (xpub/xprv/tpub/Ltub...) serialize to 78 bytes. */
const EXTENDED_KEY_PAYLOAD_BYTES = 78
/** Longest base58check string we try to decode (a base58 extended key is 111 characters). */
export const MAX_BASE58_ADDRESS_CHARS = 111
const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

export interface Base58Address {
  version: number
  hash: Uint8Array
}

export function isBase58String(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!BASE58_ALPHABET.includes(s[i])) return false
  return s.length > 0
}

function checksum(payload: Uint8Array): Uint8Array {
  return sha256d(payload).subarray(0, CHECKSUM_BYTES)
}

/** Decode a base58check address to its version byte and 20-byte hash; throws AddressError. */
export function decodeBase58Address(address: string): Base58Address {
  if (address.length > MAX_BASE58_ADDRESS_CHARS) {
    throw new AddressError('format', `address is ${address.length} characters; too long for a base58 address`)
  }
  for (let i = 0; i < address.length; i++) {
    if (!BASE58_ALPHABET.includes(address[i])) {
      throw new AddressError('format', `address has an invalid character '${address[i]}' at position ${i}`)
    }
  }
  const raw = base58.decode(address)
  if (raw.length <= CHECKSUM_BYTES) throw new AddressError('format', 'address is too short')
  const payload = raw.subarray(0, raw.length - CHECKSUM_BYTES)
  if (!equalBytes(checksum(payload), raw.subarray(raw.length - CHECKSUM_BYTES))) {
    throw new AddressError('checksum', 'bad checksum: the address has a typo')
  }
  if (
    payload.length === WIF_PAYLOAD_BYTES ||
    (payload.length === WIF_COMPRESSED_PAYLOAD_BYTES && payload[WIF_COMPRESSED_PAYLOAD_BYTES - 1] === 1)
  ) {
    throw new AddressError(
      'kind',
      'this is a private key (WIF), not an address: never share it; give a receiving address'
    )
  }
  if (payload.length === EXTENDED_KEY_PAYLOAD_BYTES) {
    throw new AddressError('kind', 'this is an extended key (xpub/xprv), not an address; give one receiving address')
  }
  if (payload.length !== ADDRESS_PAYLOAD_BYTES) {
    throw new AddressError(
      'format',
      `address holds ${payload.length} bytes; a base58 address holds ${ADDRESS_PAYLOAD_BYTES}`
    )
  }
  return { version: payload[0], hash: payload.slice(1) }
}

/** Encode a version byte and 20-byte hash as a base58check address. */
export function encodeBase58Address(version: number, hash20: Uint8Array): string {
  if (!Number.isInteger(version) || version < 0 || version > 0xff) {
    throw new RangeError(`version byte out of range: ${version}`)
  }
  if (hash20.length !== 20) throw new RangeError(`base58 address hash must be 20 bytes, got ${hash20.length}`)
  const payload = concatBytes(Uint8Array.of(version), hash20)
  return base58.encode(concatBytes(payload, checksum(payload)))
}
