export interface BlockView {
  hash: string
  height: number
  status: 'submitted' | 'accepted' | 'orphaned' | 'mature' | 'rejected'
  paidToMe: bigint
}

export interface ShareView {
  id: string
  height: number
  mine: boolean
}

/** Recent shares kept for the Pool screen. */
export const RECENT_SHARES_SHOWN = 20

/** The pool as this peer sees it, fed by the browser peer from its own share chain and attestations. */
export class PoolView {
  /** False until this tab has joined the network and holds its own share chain. */
  live = $state(false)
  tipHeight = $state(0)
  windowCount = $state(0)
  windowShares = $state(2160)
  shareIntervalSeconds = $state(10)
  myWindowShares = $state(0)
  myExpectedPayout = $state(0n)
  poolHashrate = $state(0)
  networkHashrate = $state(0)
  /** Expected hashes per share / per block at the current targets. */
  shareWork = $state(0)
  blockWork = $state(0)
  coinUnit = $state('')
  blocks = $state<BlockView[]>([])
  /** What the tab trusts for templates and block statuses ('quorum' | 'relay-alone' | 'waiting'; '' before joining), and the plain words for it. */
  trustLevel = $state<'quorum' | 'relay-alone' | 'waiting' | ''>('')
  trustWords = $state('')
  recentShares = $state<ShareView[]>([])
}
