// Hot-path validation results (docs/design.md, Validation; gossipsub's accept/reject/ignore), a leaf every
// rule set uses (share chain, devnet blocks): reject = provably bad, punish the sender; ignore = not
// usable now (stale, future, unknown parent), no punishment. Reasons are stable codes (metrics, logs, tests).

export type Verdict<R extends string = string, I extends string = string> =
  | { kind: 'accept' }
  | { kind: 'reject'; reason: R; detail?: string }
  | { kind: 'ignore'; reason: I; detail?: string; fetch?: Uint8Array }

export const ACCEPT = { kind: 'accept' } as const

export function reject<R extends string>(reason: R, detail?: string): { kind: 'reject'; reason: R; detail?: string } {
  return detail === undefined ? { kind: 'reject', reason } : { kind: 'reject', reason, detail }
}

export function ignore<I extends string>(
  reason: I,
  detail?: string,
  fetch?: Uint8Array
): { kind: 'ignore'; reason: I; detail?: string; fetch?: Uint8Array } {
  const v: { kind: 'ignore'; reason: I; detail?: string; fetch?: Uint8Array } = { kind: 'ignore', reason }
  if (detail !== undefined) v.detail = detail
  if (fetch !== undefined) v.fetch = fetch
  return v
}
