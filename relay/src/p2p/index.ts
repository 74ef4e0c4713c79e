// The relay's P2P node: what relay/src/main.ts composes.
export {
  createRelayNode,
  DISCOVERY_ANNOUNCE_INTERVAL_MS,
  type CatchUpResult,
  type DevnetBlockSync,
  type RelayNode,
  type RelayNodeHandlers,
  type RelayNodeMetrics
} from './relay-node'
export * from './config'
export { loadOrCreatePeerKey, PEER_KEY_FILE, PeerKeyError } from './peer-key'
