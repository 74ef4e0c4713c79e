// Hot-path validation results (DESIGN.md, Validation; gossipsub's accept/reject/ignore):
// reject = provably bad, punish the sender; ignore = not usable now (stale, future, unknown parent),
// no punishment. Reasons are stable codes (metrics, logs, tests).

export type ShareRejectReason =
  | 'size' // over MAX_SHARE_BYTES or under the minimum
  | 'decode' // malformed: truncated, trailing bytes, bad varint, bad flags
  | 'version' // unknown encoding version
  | 'bounds' // a field out of range (bits, payout script, heights, branch length)
  | 'network' // another network's share
  | 'height' // share height is not parent height + 1
  | 'share-target' // claimed share bits differ from the retarget at the parent
  | 'pow' // header hash above the share target
  | 'scriptsig' // coinbase scriptSig does not start with the BIP34 height push
  | 'merkle-root' // rebuilt coinbase + branch does not give the header's merkle root
  | 'timestamp-median' // timestamp at or below the median of its last ancestors
  | 'block-height' // block height does not follow the header chain's prev block
  | 'template' // disagrees with the known template announcement it names

export type ShareIgnoreReason =
  | 'duplicate' // already in the chain
  | 'unknown-parent' // fetch the parent, retry (orphan)
  | 'future' // timestamp too far ahead of the local clock
  | 'stale' // live share whose prev block is more than 1 behind the tip
  | 'unknown-block' // prev block not in our header chain (yet)
  | 'old-block' // synced share whose prev block is before the window's span

export type Verdict<R extends string = string, I extends string = string> =
  | { kind: 'accept' }
  | { kind: 'reject'; reason: R; detail?: string }
  | { kind: 'ignore'; reason: I; detail?: string; fetch?: Uint8Array }

export type ShareVerdict = Verdict<ShareRejectReason, ShareIgnoreReason>

export const ACCEPT = { kind: 'accept' } as const

export function reject<R extends string>(reason: R, detail?: string): { kind: 'reject'; reason: R; detail?: string } {
  return detail === undefined ? { kind: 'reject', reason } : { kind: 'reject', reason, detail }
}

export function ignore<I extends string>(reason: I, detail?: string, fetch?: Uint8Array): { kind: 'ignore'; reason: I; detail?: string; fetch?: Uint8Array } {
  const v: { kind: 'ignore'; reason: I; detail?: string; fetch?: Uint8Array } = { kind: 'ignore', reason }
  if (detail !== undefined) v.detail = detail
  if (fetch !== undefined) v.fetch = fetch
  return v
}
