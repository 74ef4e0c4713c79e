import { formatHashrate, plural } from '../format'

export interface HeaderInput {
  running: boolean
  starting: boolean
  pausedReason: string | undefined
  hashrate: number
  otherTabMining: boolean
  otherTabHashrate: number
  /** Relays this tab's libp2p node is linked to now. */
  relayLinks: number
  /** Shares found here that no peer has acknowledged yet. */
  queuedShares: number
}

export type HeaderKind = 'idle' | 'other-tab' | 'starting' | 'mining' | 'paused' | 'reconnecting'

/** The one line the header shows about mining, honest about the relay link (never "Mining" without one). */
export function headerStatus(s: HeaderInput): { kind: HeaderKind; text: string } {
  if (s.starting) return { kind: 'starting', text: 'Starting — joining the pool…' }
  if (!s.running) {
    if (s.otherTabMining)
      return {
        kind: 'other-tab',
        text:
          s.otherTabHashrate > 0
            ? `Mining in another tab (${formatHashrate(s.otherTabHashrate)})`
            : 'Mining in another tab'
      }
    return { kind: 'idle', text: 'Not mining' }
  }
  if (s.relayLinks === 0) {
    const queued = s.queuedShares > 0 ? `, ${plural(s.queuedShares, 'share')} queued` : ''
    return { kind: 'reconnecting', text: `No relay link — reconnecting${queued}` }
  }
  if (s.pausedReason !== undefined) return { kind: 'paused', text: `Paused: ${s.pausedReason}` }
  return { kind: 'mining', text: `Mining · ${formatHashrate(s.hashrate)}` }
}
