// The first steps of the template and attest topic validators, the same for relays and browsers:
// decode, check the network and the signature, and say what a failure means for gossip scoring
// (another network's message is ignored, anything else malformed or forged is rejected).
import { ignore, reject, type Verdict } from '../p2p/verdict'
import { decodeAttestation, verifyAttestation, type Attestation } from './attestation'
import { decodeSignedTemplate, verifySignedTemplate, type SignedTemplateCheck } from './signed-template'

export type SignedTemplateMessage =
  { ok: true; check: Extract<SignedTemplateCheck, { ok: true }> } | { ok: false; verdict: Verdict }
export type AttestationMessage =
  { ok: true; attestation: Attestation; attesterId: Uint8Array } | { ok: false; verdict: Verdict }

function failure(reason: string): { ok: false; verdict: Verdict } {
  return { ok: false, verdict: reason === 'network' ? ignore('network') : reject(reason) }
}

export async function checkSignedTemplateMessage(
  bytes: Uint8Array,
  networkTag: Uint8Array
): Promise<SignedTemplateMessage> {
  let check: SignedTemplateCheck
  try {
    check = await verifySignedTemplate(decodeSignedTemplate(bytes), networkTag)
  } catch {
    return failure('decode')
  }
  return check.ok ? { ok: true, check } : failure(check.reason)
}

export async function checkAttestationMessage(bytes: Uint8Array, networkTag: Uint8Array): Promise<AttestationMessage> {
  let attestation: Attestation
  try {
    attestation = decodeAttestation(bytes)
  } catch {
    return failure('decode')
  }
  const check = await verifyAttestation(attestation, networkTag)
  return check.ok ? { ok: true, attestation, attesterId: check.attesterId } : failure(check.reason)
}
