// Address <-> output script for one network's prefixes. Every refusal is an AddressError with a code and a
// message a person can act on; nothing is ever silently turned into a script of another network.
import {
  OP_0,
  OP_1,
  OP_16,
  OP_CHECKSIG,
  OP_DUP,
  OP_EQUAL,
  OP_EQUALVERIFY,
  OP_HASH160,
  p2pkhScript,
  p2shScript,
  witnessProgramScript
} from '../primitives/script'
import { decodeBase58Address, encodeBase58Address, isBase58String } from './base58'
import { AddressError } from './errors'
import {
  type AddressPrefixes,
  KNOWN_BECH32_HRPS,
  KNOWN_MWEB_HRPS,
  networkLabel,
  networksWithHrp,
  networksWithVersion,
  scriptHashVersions
} from './prefixes'
import {
  decodeSegwitAddress,
  encodeSegwitAddress,
  MAX_WITNESS_PROGRAM_BYTES,
  MIN_WITNESS_PROGRAM_BYTES
} from './segwit'

/** Longest input looked at; anything longer is refused before any parsing (MWEB addresses are ~130). */
export const MAX_ADDRESS_INPUT_CHARS = 256
/** BIP341: a P2TR output key is 32 bytes. */
const P2TR_PROGRAM_BYTES = 32

export type AddressKind = 'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh' | 'p2tr' | 'witness-unknown'

export interface DecodedAddress {
  kind: AddressKind
  /** The output script (scriptPubKey) paying this address. */
  script: Uint8Array
  /** Witness version for segwit kinds. */
  witnessVersion?: number
}

export interface AddressOptions {
  /**
   * Accept witness versions with no defined meaning yet (v1 with a non-32-byte program, v2..v16). Off by
   * default: such outputs are anyone-can-spend under today's rules, so a payout to one can be taken by
   * anybody. BIP350 asks wallets to send to them; a pool paying mined coins should not.
   */
  allowUnknownWitness?: boolean
}

function differentNetwork(theirs: string[], prefixes: AddressPrefixes, what: string): AddressError {
  const ours = networkLabel(prefixes)
  if (theirs.length === 0) {
    return new AddressError('network', `${what} is not used by any network Otedama knows; this pool runs ${ours}`)
  }
  const label = theirs.length === 1 ? theirs[0] : `one of ${theirs.join(', ')}`
  return new AddressError('network', `address is for ${label}, but this pool runs ${ours}`)
}

function decodeSegwit(address: string, prefixes: AddressPrefixes): DecodedAddress {
  const { hrp, witnessVersion, program } = decodeSegwitAddress(address)
  if (hrp !== prefixes.bech32Hrp) {
    throw differentNetwork(networksWithHrp(hrp), prefixes, `address prefix '${hrp}'`)
  }
  const script = witnessProgramScript(witnessVersion, program)
  let kind: AddressKind
  if (witnessVersion === 0) kind = program.length === 20 ? 'p2wpkh' : 'p2wsh'
  else if (witnessVersion === 1 && program.length === P2TR_PROGRAM_BYTES) kind = 'p2tr'
  else kind = 'witness-unknown'
  return { kind, script, witnessVersion }
}

function decodeBase58(address: string, prefixes: AddressPrefixes): DecodedAddress {
  const { version, hash } = decodeBase58Address(address)
  if (version === prefixes.pubkeyHash) return { kind: 'p2pkh', script: p2pkhScript(hash) }
  if (scriptHashVersions(prefixes).includes(version)) return { kind: 'p2sh', script: p2shScript(hash) }
  throw differentNetwork(networksWithVersion(version), prefixes, `address version byte ${version}`)
}

/**
 * Parse any valid address of the network `prefixes` describes: base58check P2PKH/P2SH, bech32 witness v0
 * (P2WPKH/P2WSH), bech32m witness v1+ (P2TR and not-yet-defined versions, per BIP350). Throws AddressError.
 */
export function decodeAddress(address: string, prefixes: AddressPrefixes): DecodedAddress {
  if (typeof address !== 'string') throw new AddressError('format', 'address must be a string')
  if (address.length === 0) throw new AddressError('format', 'address is empty')
  if (address.length > MAX_ADDRESS_INPUT_CHARS) {
    throw new AddressError('format', `address is ${address.length} characters; no address is that long`)
  }
  if (address.trim() !== address) throw new AddressError('format', 'address has spaces around it')
  const lower = address.toLowerCase()
  const mwebHrp = KNOWN_MWEB_HRPS.find((hrp) => lower.startsWith(`${hrp}1`))
  if (mwebHrp !== undefined) {
    const regular = `${prefixes.bech32Hrp}1…`
    throw new AddressError(
      'kind',
      `unsupported address kind: MWEB (${mwebHrp}1…); a coinbase cannot pay into MWEB, give a regular ${regular} address`
    )
  }
  const separator = lower.lastIndexOf('1')
  const hrp = separator > 0 ? lower.slice(0, separator) : ''
  const looksSegwit = hrp === prefixes.bech32Hrp || KNOWN_BECH32_HRPS.includes(hrp)
  if (!looksSegwit && isBase58String(address)) return decodeBase58(address, prefixes)
  if (separator > 0) return decodeSegwit(address, prefixes)
  throw new AddressError('format', 'not an address: neither base58check nor bech32')
}

/** The output script paying `address` on the network of `prefixes`; throws AddressError. */
export function addressToScript(address: string, prefixes: AddressPrefixes, options: AddressOptions = {}): Uint8Array {
  const decoded = decodeAddress(address, prefixes)
  if (decoded.kind === 'witness-unknown' && !options.allowUnknownWitness) {
    throw new AddressError(
      'kind',
      `unsupported address kind: witness v${decoded.witnessVersion} with this program length has no meaning yet, ` +
        'so anyone could take a payout to it'
    )
  }
  return decoded.script
}

function isP2pkh(s: Uint8Array): boolean {
  return (
    s.length === 25 &&
    s[0] === OP_DUP &&
    s[1] === OP_HASH160 &&
    s[2] === 20 &&
    s[23] === OP_EQUALVERIFY &&
    s[24] === OP_CHECKSIG
  )
}

function isP2sh(s: Uint8Array): boolean {
  return s.length === 23 && s[0] === OP_HASH160 && s[1] === 20 && s[22] === OP_EQUAL
}

/** Witness version of a witness-program script (BIP141 form), or undefined. */
function witnessVersionOf(s: Uint8Array): number | undefined {
  if (s.length < 2 + MIN_WITNESS_PROGRAM_BYTES || s.length > 2 + MAX_WITNESS_PROGRAM_BYTES) return undefined
  if (s[1] !== s.length - 2) return undefined
  if (s[0] === OP_0) return s.length === 22 || s.length === 34 ? 0 : undefined
  if (s[0] >= OP_1 && s[0] <= OP_16) return s[0] - OP_1 + 1
  return undefined
}

/** The address of an output script on the network of `prefixes`, or undefined for scripts with none. */
export function scriptToAddress(script: Uint8Array, prefixes: AddressPrefixes): string | undefined {
  if (isP2pkh(script)) return encodeBase58Address(prefixes.pubkeyHash, script.subarray(3, 23))
  if (isP2sh(script)) return encodeBase58Address(scriptHashVersions(prefixes)[0], script.subarray(2, 22))
  const witnessVersion = witnessVersionOf(script)
  if (witnessVersion !== undefined) return encodeSegwitAddress(prefixes.bech32Hrp, witnessVersion, script.subarray(2))
  return undefined
}
