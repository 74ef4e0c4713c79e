export interface PeerView {
  id: string
  kind: 'relay' | 'browser'
  link: 'websocket' | 'webrtc' | 'relayed'
  latencyMs?: number
  score?: number
}

/** Peers this tab is connected to, fed by the browser libp2p node. */
export class PeersView {
  selfId = $state<string | undefined>(undefined)
  list = $state<PeerView[]>([])
}
