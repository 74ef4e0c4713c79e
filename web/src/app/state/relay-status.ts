/** What the page's own relay says about itself (GET /api/v1/status). */
export interface RelayStatus {
  network: string
  peerId?: string
  multiaddrs?: string[]
}

const STATUS_TIMEOUT_MS = 5_000

export async function fetchRelayStatus(origin: string): Promise<RelayStatus> {
  const res = await fetch(`${origin}/api/v1/status`, { signal: AbortSignal.timeout(STATUS_TIMEOUT_MS) })
  if (!res.ok) throw new Error(`relay status: HTTP ${res.status}`)
  const body: unknown = await res.json()
  if (typeof body !== 'object' || body === null || typeof (body as { network?: unknown }).network !== 'string') {
    throw new Error('relay status: answer has no network name')
  }
  return body as RelayStatus
}
