// The browser's P2P node: what the PWA composes (no UI here).
export { createBrowserNode, BROWSER_DISCOVERY_INTERVAL_MS, BROWSER_MAX_CONNECTIONS, type BrowserNode, type BrowserNodeHandlers, type BrowserNodeOptions } from './browser-node'
export { allowInsecureForOrigin, browserConnectionGater, isInsecureWebSocket } from './gater'
export { RelayKeeper, WANTED_RELAY_LINKS, isRelayAddress } from './relay-keeper'
export { WebRtcDialer, MAX_BROWSER_LINKS, isWebRtcAddress } from './webrtc-dialer'
