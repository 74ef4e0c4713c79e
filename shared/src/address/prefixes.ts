// Address prefixes of every network Otedama knows. chain/networks.ts takes its prefixes from here, so the
// table that names "the other network" in error messages is the same one the networks are built from.

import type { NetworkName } from '../network-name'

/** How a network spells its addresses. */
export interface AddressPrefixes {
  /** base58check version byte of P2PKH addresses (Core: base58Prefixes[PUBKEY_ADDRESS]), 0..255. */
  readonly pubkeyHash: number
  /**
   * base58check version byte(s) of P2SH addresses. With several, the FIRST is used to encode and all are
   * accepted (Litecoin's SCRIPT_ADDRESS2 and its legacy SCRIPT_ADDRESS).
   */
  readonly scriptHash: number | number[]
  /** bech32/bech32m human-readable part of segwit addresses (BIP173), lowercase. */
  readonly bech32Hrp: string
  /** Litecoin MWEB stealth-address HRP, recognised only to refuse it with a clear message. */
  readonly mwebHrp?: string
  /** The network's name, for messages ("address is for bitcoin, but this pool runs litecoin"). */
  readonly network?: string
}

/** The P2SH version bytes accepted by `prefixes`, the encoding one first. */
export function scriptHashVersions(prefixes: AddressPrefixes): readonly number[] {
  return typeof prefixes.scriptHash === 'number' ? [prefixes.scriptHash] : prefixes.scriptHash
}

/**
 * Sources: Bitcoin Core src/kernel/chainparams.cpp; Litecoin Core 0.21 src/chainparams.cpp
 * (SCRIPT_ADDRESS2 = 50 on main, 58 on test/regtest; MWEB HRPs 'ltcmweb' / 'tmweb').
 * devnet is Otedama's own: version 115 gives 'o…' addresses, 125 gives 's…', HRP 'odev'; none of
 * these is used by Bitcoin or Litecoin, so a devnet address can never be mistaken for a real one.
 */
export type KnownAddressNetwork = NetworkName

export const ADDRESS_PREFIXES: Readonly<Record<KnownAddressNetwork, AddressPrefixes>> = {
  devnet: { network: 'devnet', pubkeyHash: 115, scriptHash: 125, bech32Hrp: 'odev' },
  litecoin: { network: 'litecoin', pubkeyHash: 48, scriptHash: [50, 5], bech32Hrp: 'ltc', mwebHrp: 'ltcmweb' },
  'litecoin-testnet': {
    network: 'litecoin-testnet',
    pubkeyHash: 111,
    scriptHash: [58, 196],
    bech32Hrp: 'tltc',
    mwebHrp: 'tmweb'
  },
  'litecoin-regtest': {
    network: 'litecoin-regtest',
    pubkeyHash: 111,
    scriptHash: [58, 196],
    bech32Hrp: 'rltc',
    mwebHrp: 'tmweb'
  },
  bitcoin: { network: 'bitcoin', pubkeyHash: 0, scriptHash: 5, bech32Hrp: 'bc' },
  'bitcoin-testnet4': { network: 'bitcoin-testnet4', pubkeyHash: 111, scriptHash: 196, bech32Hrp: 'tb' },
  'bitcoin-signet': { network: 'bitcoin-signet', pubkeyHash: 111, scriptHash: 196, bech32Hrp: 'tb' },
  'bitcoin-regtest': { network: 'bitcoin-regtest', pubkeyHash: 111, scriptHash: 196, bech32Hrp: 'bcrt' }
}

const KNOWN: readonly AddressPrefixes[] = Object.values(ADDRESS_PREFIXES)
// Frozen here (arrays included) so no importer can change another network's prefixes.
Object.freeze(ADDRESS_PREFIXES)
for (const p of KNOWN) {
  if (typeof p.scriptHash !== 'number') Object.freeze(p.scriptHash)
  Object.freeze(p)
}

/** Names of the known networks whose segwit HRP is `hrp` (lowercase). */
export function networksWithHrp(hrp: string): string[] {
  return KNOWN.filter((p) => p.bech32Hrp === hrp).map((p) => p.network ?? p.bech32Hrp)
}

/** Names of the known networks that use base58 `version` for P2PKH or P2SH. */
export function networksWithVersion(version: number): string[] {
  return KNOWN.filter((p) => p.pubkeyHash === version || scriptHashVersions(p).includes(version)).map(
    (p) => p.network ?? `version ${p.pubkeyHash}`
  )
}

/** Every MWEB HRP we know, to refuse MWEB addresses whatever network they are for. */
export const KNOWN_MWEB_HRPS: readonly string[] = [
  ...new Set(KNOWN.flatMap((p) => (p.mwebHrp === undefined ? [] : [p.mwebHrp])))
]

/** Every segwit HRP we know. */
export const KNOWN_BECH32_HRPS: readonly string[] = [...new Set(KNOWN.map((p) => p.bech32Hrp))]

/** A human name for the network of `prefixes`. */
export function networkLabel(prefixes: AddressPrefixes): string {
  return prefixes.network ?? `the network with address prefix '${prefixes.bech32Hrp}'`
}
