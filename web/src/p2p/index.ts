// The browser's P2P node: what the PWA composes (no UI here).
export {
  createBrowserNode,
  BROWSER_DISCOVERY_INTERVAL_MS,
  BROWSER_MAX_CONNECTIONS,
  type BrowserNode,
  type BrowserNodeHandlers,
  type BrowserNodeOptions
} from './browser-node'
export { browserConnectionGater, isInsecureWebSocket } from './gater'
export { RelayKeeper, WANTED_RELAY_LINKS, isRelayAddress } from './relay-keeper'
export {
  RelayHealthBook,
  redialDelayMs,
  TEMPLATE_FRESH_MS,
  MAX_RECENT_ERRORS,
  type RelayLinkHealth
} from './relay-health'
export { WebRtcDialer, MAX_BROWSER_LINKS, RESPONDER_GRACE_MS, dialsFirst, isWebRtcAddress } from './webrtc-dialer'
