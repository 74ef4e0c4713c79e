// The relay's HTTP face: PWA, JSON API, live stream, Prometheus metrics.
export { createRelayHttpServer, type RelayHttpServer, type HttpInit } from './server'
export type { ApiContext, StatusView, ShareChainView, PayoutsView, RigView, MetricsSnapshot } from './views'
