// Payout addresses <-> output scripts for Bitcoin, Litecoin and devnet.
export { AddressError, type AddressErrorCode } from './errors'
export {
  ADDRESS_PREFIXES,
  type KnownAddressNetwork,
  type AddressPrefixes,
  networksWithHrp,
  networksWithVersion,
  scriptHashVersions
} from './prefixes'
export {
  addressToScript,
  type AddressKind,
  type AddressOptions,
  decodeAddress,
  type DecodedAddress,
  MAX_ADDRESS_INPUT_CHARS,
  scriptToAddress
} from './address'
export { decodeSegwitAddress, encodeSegwitAddress, MAX_SEGWIT_ADDRESS_CHARS } from './segwit'
