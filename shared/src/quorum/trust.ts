// One vocabulary for what a peer trusts (README, "What you trust, plainly"): the relay's API, the browser
// and the README use these three levels and these words.
import { base58 } from '@scure/base'

/**
 * - 'quorum': more than 2/3 of the committee's work, from at least the minimum of distinct weighted relays;
 * - 'relay-alone': no quorum can exist (fewer weighted relays than the minimum): one relay's word;
 * - 'waiting': a quorum can exist and has not confirmed (yet).
 */
export type TrustLevel = 'quorum' | 'relay-alone' | 'waiting'

export interface TrustState {
  level: TrustLevel
  /** Peer id bytes of the relay trusted alone ('relay-alone'). */
  relay?: Uint8Array
  /** Weighted relays known now (keys with work in the window). */
  weightedRelays: number
  /** Distinct agreeing weighted relays a confirmation needs. */
  minAttesters: number
}

/** A peer id as libp2p prints it (base58btc of the multihash bytes). */
export function peerIdText(peerIdBytes: Uint8Array): string {
  return base58.encode(peerIdBytes)
}

/** The plain sentence for a trust state, the same on every screen and in the relay's API. */
export function trustWords(t: TrustState): string {
  if (t.level === 'relay-alone') {
    const who = t.relay === undefined ? 'one relay' : `relay ${peerIdText(t.relay)}`
    return `trusting ${who} alone: no quorum of weighted relays yet (${t.weightedRelays} of the ${t.minAttesters} needed)`
  }
  if (t.level === 'quorum')
    return `confirmed by a quorum of weighted relays (more than 2/3 of the committee's work, at least ${t.minAttesters} relays)`
  return `waiting for a quorum of weighted relays (${t.weightedRelays} known, at least ${t.minAttesters} must agree)`
}
