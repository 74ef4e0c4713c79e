// The relay's monitor: 1-second history (an hour at 1 s, a day at 1 min, a month at 1 h) in the relay's
// LevelDB, hashrate trends and waiting times, alert rules with thresholds from the config file, and
// their delivery (live stream, webhooks, a Prometheus rules file). See relay/README.md, Monitoring.
export {
  Monitor,
  MONITOR_INTERVAL_MS,
  MAX_ALERT_EVENTS,
  type MonitorInit,
  type LiveFrame,
  type AlertsAnswer,
  type TrendsAnswer
} from './monitor'
export {
  History,
  HISTORY_RANGES,
  TIERS,
  historyBoundBytes,
  HistoryQueryError,
  MAX_QUERY_SERIES,
  type HistoryAnswer,
  type Sample
} from './history'
export { HistoryStore } from './history-store'
export { MAX_RIG_SERIES } from './rig-directory'
export {
  AlertEngine,
  ALERT_RULES,
  type ActiveAlert,
  type AlertEvent,
  type AlertRule,
  type Observation
} from './alert-engine'
export { alertRules, MIN_SUBMITS_FOR_RATE } from './rules'
export { WebhookDelivery, webhookTargets } from './webhooks'
export { prometheusRules, renderPrometheusRules } from './prometheus-rules'
export { LatencyRecorder, instrument } from './latency'
export { HashrateTrend, waitFor, erlangCdf, erlangQuantile } from './trends'
export { relayMonitorInputs } from './relay-inputs'
export type { MonitorInputs, ChainFigures, MinerWindow } from './inputs'
