// mining.authorize user and password conventions (README: "Pointing a rig at a relay"):
//   user     = <payout address of the relay's network>[.<worker>]
//   password = anything; "d=<difficulty>" (alone or among comma-separated words) suggests a start
//              difficulty, as several pools accept (clamped like mining.suggest_difficulty).
import { addressToScript, AddressError, type AddressPrefixes } from '@otedama/shared/address'
import { bytesToHex } from '@otedama/shared/primitives'
import { MAX_WORKER_NAME_CHARS } from './constants'

export interface StratumUser {
  /** The full user string as the rig sent it (what it will name in mining.submit). */
  user: string
  address: string
  worker: string
  payoutScript: Uint8Array
  payoutScriptHex: string
}

const WORKER_NAME = /^[A-Za-z0-9_\-.:@+]*$/

export function parseStratumUser(
  user: string,
  prefixes: AddressPrefixes,
  networkName: string
): StratumUser | { error: string } {
  const dot = user.indexOf('.')
  const address = dot === -1 ? user : user.slice(0, dot)
  const worker = dot === -1 ? '' : user.slice(dot + 1)
  if (worker.length > MAX_WORKER_NAME_CHARS || !WORKER_NAME.test(worker)) {
    return { error: `worker name after '.' must be up to ${MAX_WORKER_NAME_CHARS} letters, digits or _-.:@+` }
  }
  try {
    const payoutScript = addressToScript(address, prefixes)
    return { user, address, worker, payoutScript, payoutScriptHex: bytesToHex(payoutScript) }
  } catch (err) {
    const reason = err instanceof AddressError ? err.message : String(err)
    return {
      error: `user must be a ${networkName} payout address, optionally followed by .worker ("${address}": ${reason})`
    }
  }
}

/** A difficulty from a password such as "d=0.001" or "x,d=512"; undefined when none or invalid. */
export function passwordDifficulty(password: unknown): number | undefined {
  if (typeof password !== 'string') return undefined
  for (const word of password.split(/[,;\s]+/)) {
    const m = /^d=([0-9]*\.?[0-9]+(?:e-?[0-9]+)?)$/i.exec(word)
    if (m !== null) {
      const d = Number(m[1])
      if (Number.isFinite(d) && d > 0) return d
    }
  }
  return undefined
}
