import { addressToScript, AddressError } from '../../../../shared/src/address'
import { getChainParams } from '../../../../shared/src/chain'

export type AddressCheck =
  | { ok: true; script: Uint8Array }
  | { ok: false; message: string }

/** Checks a payout address for the relay's network; the message tells the user what to fix. */
export function checkPayoutAddress (address: string, network: string | undefined): AddressCheck {
  const trimmed = address.trim()
  if (trimmed === '') return { ok: false, message: 'Enter a payout address to mine.' }
  if (network === undefined) return { ok: false, message: 'Waiting for the relay to tell which network it runs.' }
  try {
    const params = getChainParams(network)
    return { ok: true, script: addressToScript(trimmed, params.addresses) }
  } catch (err) {
    if (err instanceof AddressError) return { ok: false, message: err.message }
    return { ok: false, message: err instanceof Error ? err.message : String(err) }
  }
}
