// Copies the peer's state into the rune classes the screens read (PoolView, PeersView), once a second
// and when blocks or statuses change, so the UI never walks the share chain itself.
import { bytesToHex } from '@otedama/shared/primitives'
import type { PeersView } from '../app/state/peers.svelte'
import type { PoolView } from '../app/state/pool.svelte'
import { poolSnapshot } from './pool-feed'
import type { PeerSession } from './session'

/** How often the Pool and Peers views refresh (ms): the screens' 1-second resolution. */
export const VIEW_REFRESH_MS = 1_000

const COIN_UNITS: Record<string, string> = { devnet: 'DEV', bitcoin: 'BTC', litecoin: 'LTC' }

export class ViewFeed {
  private session: PeerSession | undefined
  private myScriptKey: string | undefined
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(
    private readonly pool: PoolView,
    private readonly peers: PeersView
  ) {}

  setPayoutScript(script: Uint8Array): void {
    this.myScriptKey = bytesToHex(script)
    this.refresh()
  }

  attach(session: PeerSession): void {
    this.session = session
    this.pool.live = true
    this.pool.coinUnit = COIN_UNITS[session.state.params.coin] ?? ''
    // Blocks among the shares synced on join, oldest first, then every share as it comes.
    const tip = session.state.tip
    const synced = tip === undefined ? [] : [...session.state.chain.ancestors(tip, session.state.rules.windowShares)]
    for (const node of synced.reverse()) session.blocks.consider(node, this.myScriptKey)
    this.refreshBlocks()
    session.state.onShare((node) => {
      if (session.blocks.consider(node, this.myScriptKey)) this.refreshBlocks()
    })
    session.quorum.onBlockStatus((hashHex, claim) => {
      if (session.blocks.setStatus(hashHex, claim)) this.refreshBlocks()
    })
    this.refresh()
    this.timer ??= setInterval(() => this.refresh(), VIEW_REFRESH_MS)
  }

  detach(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  refresh(): void {
    const session = this.session
    if (session === undefined) return
    const snap = poolSnapshot(session.state, this.myScriptKey, session.template?.announcement)
    const view = this.pool
    view.tipHeight = snap.tipHeight
    view.windowCount = snap.windowCount
    view.windowShares = snap.windowShares
    view.shareIntervalSeconds = snap.shareIntervalSeconds
    view.myWindowShares = snap.myWindowShares
    view.myExpectedPayout = snap.myExpectedPayout
    view.poolHashrate = snap.poolHashrate
    view.networkHashrate = snap.networkHashrate
    view.shareWork = snap.shareWork
    view.blockWork = snap.blockWork
    view.recentShares = snap.recentShares
    // What the tab trusts for templates and block statuses, in the words the relay's API uses.
    const trust = session.trust()
    view.trustLevel = trust.level
    view.trustWords = trust.words
    const network = session.network
    if (network !== undefined) {
      this.peers.selfId = network.selfId
      this.peers.list = network.peers()
    }
  }

  private refreshBlocks(): void {
    if (this.session !== undefined) this.pool.blocks = this.session.blocks.list()
  }
}
