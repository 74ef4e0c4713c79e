/**
 * Why an address was refused. Stable codes for callers (UI, Stratum authorize, config validation):
 * - `format`: not a well-formed base58check or bech32/bech32m address (characters, length, padding, case);
 * - `checksum`: well-formed but the checksum does not match (a typo), or the wrong checksum variant for
 *   its witness version (BIP350);
 * - `network`: a valid address of another network (or of no network we know);
 * - `kind`: a valid string of a kind a coinbase cannot or should not pay (MWEB, private key, xpub,
 *   undefined witness versions).
 */
export type AddressErrorCode = 'format' | 'checksum' | 'network' | 'kind'

/** An address that cannot be turned into an output script; the message says what to do about it. */
export class AddressError extends Error {
  readonly code: AddressErrorCode

  constructor(code: AddressErrorCode, message: string) {
    super(message)
    this.name = 'AddressError'
    this.code = code
  }
}
