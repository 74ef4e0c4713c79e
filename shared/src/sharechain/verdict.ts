// The share chain's verdict reasons; the verdict shape and its helpers are the leaf shared/src/verdict.ts.

export type ShareRejectReason =
  | 'size' // over MAX_SHARE_BYTES or under the minimum
  | 'decode' // malformed: truncated, trailing bytes, bad varint, bad flags
  | 'version' // unknown encoding version
  | 'bounds' // a field out of range (bits, payout script, heights, branch length)
  | 'network' // another network's share
  | 'height' // share height is not parent height + 1
  | 'share-target' // own share target easier than the retarget's required target at the parent
  | 'uncle' // an uncle it names breaks the uncle rules (depth, ancestry, named twice, order, count)
  | 'pow' // header hash above the share target
  | 'scriptsig' // coinbase scriptSig does not start with the BIP34 height push
  | 'merkle-root' // rebuilt coinbase + branch does not give the header's merkle root
  | 'timestamp-median' // timestamp below the median of its last ancestors
  | 'block-height' // block height does not follow the header chain's prev block
  | 'template' // disagrees with the known template announcement it names

export type ShareIgnoreReason =
  | 'duplicate' // already in the chain
  | 'unknown-parent' // fetch the parent (or a named uncle), retry (orphan)
  | 'incomplete-history' // live share on a parent whose history is too short to judge it (sync more)
  | 'siblings' // live side-branch share at a height that already holds maxSiblingsPerHeight more
  | 'stale-share' // live share too far below the tip to win or to be named as an uncle
  | 'future' // timestamp too far ahead of the local clock
  | 'stale' // live share whose prev block is more than 1 behind the tip
  | 'unknown-block' // prev block not in our header chain (yet)
  | 'old-block' // synced share whose prev block is before the window's span

import type { Verdict } from '../verdict'
export { ACCEPT, ignore, reject, type Verdict } from '../verdict'

export type ShareVerdict = Verdict<ShareRejectReason, ShareIgnoreReason>
