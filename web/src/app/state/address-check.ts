import { addressToScript, AddressError, scriptToAddress } from '@otedama/shared/address'
import { getChainParams } from '@otedama/shared/chain'
import type { NetworkName } from '@otedama/shared/chain'

export type AddressCheck = { ok: true; script: Uint8Array } | { ok: false; message: string }

/**
 * The witness program of BIP173's first test vector (the public key of private key 1, which anyone can
 * spend): an example that shows the shape of an address and that nobody should mine to.
 */
const EXAMPLE_PROGRAM = new Uint8Array([
  0x75, 0x1e, 0x76, 0xe8, 0x19, 0x91, 0x96, 0xd4, 0x54, 0x94, 0x1c, 0x45, 0xd1, 0xb3, 0xa3, 0x23, 0xf1, 0x43, 0x3b, 0xd6
])

/** A well-formed example address (P2WPKH) of the network, to show what to paste; never a real payee. */
export function exampleAddress(network: string | undefined): string | undefined {
  if (network === undefined) return undefined
  try {
    const params = getChainParams(network as NetworkName)
    return scriptToAddress(new Uint8Array([0x00, 0x14, ...EXAMPLE_PROGRAM]), params.addresses)
  } catch {
    return undefined
  }
}

/** The address's own error in words a newcomer acts on (the codes are stable; messages may be technical). */
function plainWords(err: AddressError, network: string, hrp: string): string {
  switch (err.code) {
    case 'checksum':
      return `This address has a typo: its checksum does not match. Copy it again from your wallet (${network} addresses start with ${hrp}1).`
    case 'network':
      if (err.message.startsWith('address is for '))
        return `This is an address ${err.message.slice('address is '.length)}. Use an address from a ${network} wallet (it starts with ${hrp}1).`
      return `This address belongs to no network this pool knows (${err.message}). Use an address from a ${network} wallet (it starts with ${hrp}1).`
    case 'kind':
      return `${err.message.charAt(0).toUpperCase()}${err.message.slice(1)}.`
    case 'format':
    default:
      if (/neither base58check nor bech32/.test(err.message))
        return `That is not a wallet address. ${network} addresses start with ${hrp}1 and are 42 or more characters long.`
      return `That does not look like a ${network} address (${err.message}). It should start with ${hrp}1.`
  }
}

/** Checks a payout address for the relay's network; the message tells the user what to fix, in plain words. */
export function checkPayoutAddress(address: string, network: string | undefined): AddressCheck {
  const trimmed = address.trim()
  if (trimmed === '') return { ok: false, message: 'Enter your payout address to mine.' }
  if (network === undefined) return { ok: false, message: 'Waiting for the relay to say which coin network it runs.' }
  let params
  try {
    params = getChainParams(network as NetworkName)
  } catch (err) {
    return { ok: false, message: `The relay runs a network this app does not know (${network}).` }
  }
  try {
    return { ok: true, script: addressToScript(trimmed, params.addresses) }
  } catch (err) {
    if (err instanceof AddressError) return { ok: false, message: plainWords(err, network, params.addresses.bech32Hrp) }
    return { ok: false, message: err instanceof Error ? err.message : String(err) }
  }
}
