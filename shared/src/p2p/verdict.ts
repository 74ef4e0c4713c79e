// Verdicts of hot-path validation (docs/design.md, Validation; docs/design.md, Code style): validators never throw for bad input.
// accept -> deliver and forward; reject -> provably invalid, the sender is penalised by gossip scoring;
// ignore -> not forwarded, no penalty (stale, duplicate, unknown parent, clock drift). The shape is the
// share chain's (shared/src/sharechain/verdict.ts); an ignore may name a share id to `fetch` by sync.

export type Verdict =
  | { readonly kind: 'accept' }
  | { readonly kind: 'reject'; readonly reason: string; readonly detail?: string }
  | { readonly kind: 'ignore'; readonly reason: string; readonly detail?: string; readonly fetch?: Uint8Array }

export type VerdictKind = Verdict['kind']

export const ACCEPT: Verdict = Object.freeze({ kind: 'accept' as const })

export function reject(reason: string, detail?: string): Verdict {
  return detail === undefined ? { kind: 'reject', reason } : { kind: 'reject', reason, detail }
}

export function ignore(reason: string, fetch?: Uint8Array): Verdict {
  return fetch === undefined ? { kind: 'ignore', reason } : { kind: 'ignore', reason, fetch }
}

/** The kind of any verdict-like answer; an unknown answer is our bug, never the sender's: ignore. */
export function verdictKind(verdict: unknown): VerdictKind {
  const kind = (verdict as { kind?: unknown } | null)?.kind
  return kind === 'accept' || kind === 'reject' || kind === 'ignore' ? kind : 'ignore'
}

export function verdictReason(verdict: unknown): string {
  const v = verdict as { reason?: unknown; detail?: unknown } | null
  const reason = typeof v?.reason === 'string' ? v.reason : ''
  return typeof v?.detail === 'string' ? `${reason} (${v.detail})` : reason
}

/** The share id an ignore verdict asks us to fetch (unknown parent), if any. */
export function verdictFetch(verdict: unknown): Uint8Array | undefined {
  const fetch = (verdict as { kind?: unknown; fetch?: unknown } | null)?.fetch
  return fetch instanceof Uint8Array ? fetch : undefined
}
