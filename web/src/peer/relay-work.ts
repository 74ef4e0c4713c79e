// The current work from the page's relay over HTTP, so a joining tab can mine at once instead of
// waiting for the next template on gossip (gossipsub does not replay old messages).
// GET /api/v1/template → { signedTemplate: hex (quorum encodeSignedTemplate),
//                          attestations?: hex[] (encodeAttestation each),
//                          prevHeader?: hex (80-byte header of the template's prev block) }
// Everything in it is checked exactly as if it came by gossip: signatures, committee, PoW.
import { hexToBytes } from '@otedama/shared/primitives'

/** How long the tab waits for the relay's answer (ms). */
export const WORK_FETCH_TIMEOUT_MS = 5_000
/** Largest answer read (bytes): one signed template, a committee's attestations and a header in hex. */
export const MAX_WORK_ANSWER_BYTES = 64 * 1024

export interface RelayWork {
  signedTemplate: Uint8Array
  attestations: Uint8Array[]
  prevHeader?: Uint8Array
}

/** The relay's current work, or undefined when it has none or does not serve this endpoint. */
export async function fetchRelayWork(origin: string): Promise<RelayWork | undefined> {
  const res = await fetch(`${origin}/api/v1/template`, { signal: AbortSignal.timeout(WORK_FETCH_TIMEOUT_MS) })
  if (!res.ok) return undefined
  const text = await res.text()
  if (text.length > MAX_WORK_ANSWER_BYTES)
    throw new Error(`relay work answer of ${text.length} bytes, limit ${MAX_WORK_ANSWER_BYTES}`)
  return parseRelayWork(JSON.parse(text))
}

export function parseRelayWork(body: unknown): RelayWork | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const b = body as { signedTemplate?: unknown; attestations?: unknown; prevHeader?: unknown }
  if (typeof b.signedTemplate !== 'string') return undefined
  const attestations = Array.isArray(b.attestations)
    ? b.attestations.filter((a): a is string => typeof a === 'string')
    : []
  const work: RelayWork = { signedTemplate: hexToBytes(b.signedTemplate), attestations: attestations.map(hexToBytes) }
  if (typeof b.prevHeader === 'string') work.prevHeader = hexToBytes(b.prevHeader)
  return work
}
