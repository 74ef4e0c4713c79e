// The alert rules: what each one watches, its threshold from the config file, and the observation it
// reports each second to the alert engine (alert-engine.ts applies the hold and the states).
import type { AlertsConfig } from '../config/types'
import type { RigView } from '../http/views'
import type { AlertRule, AlertSeverity, Observation, RuleSpec } from './alert-engine'
import type { HashrateTrend } from './trends'

/** Submits a rate rule needs in its window before it judges (count): 1 reject of 2 submits is no 50 % rate. */
export const MIN_SUBMITS_FOR_RATE = 20
/** Subject of relay-wide observations. */
export const RELAY_SUBJECT = 'relay'
const MIB = 1024 * 1024

/** Everything the rules read at one evaluation. */
export interface RuleInputs {
  now: number
  rigs: readonly RigView[]
  /** Last share-chain share by payout address (ms), for addresses watched. */
  addressLastShareMs: ReadonlyMap<string, number>
  /** Addresses the operator listed besides the rigs' own. */
  watchedAddresses: readonly string[]
  rigTrends: ReadonlyMap<string, HashrateTrend>
  relayTrend: HashrateTrend
  /** Stratum submits in the last window of each rate rule. */
  submits: (windowSeconds: number) => { accepted: number; rejected: number; stale: number }
  /** undefined without the libp2p network (then no peers is no fault). */
  peers: number | undefined
  source: { healthy: boolean; reason?: string }
  rssBytes: number
  /** Blocks found here that are orphaned now, with when they were seen orphaned (ms). */
  orphans: ReadonlyMap<string, { height: number; sinceMs: number; backInChain: boolean }>
}

const SEVERITY: Record<AlertRule, AlertSeverity> = {
  rigOffline: 'warning',
  addressOffline: 'warning',
  hashrateDrop: 'warning',
  rejectRate: 'warning',
  staleRate: 'warning',
  noPeers: 'critical',
  daemonUnhealthy: 'critical',
  blockOrphaned: 'critical',
  memory: 'critical'
}

export interface EvaluatedRule {
  spec: RuleSpec
  enabled: boolean
  observe: (inputs: RuleInputs) => Observation[]
}

const seconds = (ms: number): string => {
  const s = Math.round(ms / 1000)
  return s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 120 ? `${Math.round(s / 60)} min` : `${s} s`
}

/** A rig is quiet from its last accepted pseudo-share (or from when it was first seen, before any). */
function rigQuietSince(r: RigView): number {
  return r.lastShareAtMs ?? r.firstSeenAtMs
}

function rateRule(
  name: 'rejectRate' | 'staleRate',
  cfg: AlertsConfig['rejectRate'],
  pick: 'rejected' | 'stale'
): (i: RuleInputs) => Observation[] {
  return (i) => {
    const w = i.submits(cfg.windowSeconds)
    const total = w.accepted + w.rejected + w.stale
    const rate = total === 0 ? 0 : (100 * w[pick]) / total
    const what = name === 'rejectRate' ? 'rejected' : 'stale'
    return [
      {
        subject: RELAY_SUBJECT,
        active: total >= MIN_SUBMITS_FOR_RATE && rate > cfg.percent,
        value: rate,
        threshold: cfg.percent,
        unit: '%',
        message: `${rate.toFixed(1)} % of ${total} Stratum submits ${what} in the last ${seconds(cfg.windowSeconds * 1000)} (limit ${cfg.percent} %)`
      }
    ]
  }
}

/** The rules with their thresholds from `cfg`, in a fixed order. */
export function alertRules(cfg: AlertsConfig): EvaluatedRule[] {
  const spec = (rule: AlertRule, holdSeconds: number): RuleSpec => ({
    rule,
    severity: SEVERITY[rule],
    holdMs: holdSeconds * 1000
  })
  return [
    {
      spec: spec('rigOffline', cfg.rigOffline.offlineSeconds),
      enabled: cfg.rigOffline.enabled,
      observe: (i) =>
        i.rigs.map((r) => {
          const quiet = i.now - rigQuietSince(r)
          const offline = quiet >= cfg.rigOffline.offlineSeconds * 1000
          return {
            subject: r.rig,
            active: true,
            since: rigQuietSince(r),
            value: quiet / 1000,
            threshold: cfg.rigOffline.offlineSeconds,
            unit: 's',
            message: offline
              ? `rig ${r.rig} ${r.online ? 'connected but' : 'disconnected,'} no accepted share for ${seconds(quiet)}`
              : `rig ${r.rig} is mining (last accepted share ${seconds(quiet)} ago)`
          }
        })
    },
    {
      spec: spec('addressOffline', cfg.addressOffline.offlineSeconds),
      enabled: cfg.addressOffline.enabled,
      observe: (i) => {
        const last = new Map<string, number>()
        for (const a of i.watchedAddresses) last.set(a, i.addressLastShareMs.get(a) ?? Number.NaN)
        for (const r of i.rigs) {
          const prev = last.get(r.address)
          const mine = Math.max(rigQuietSince(r), i.addressLastShareMs.get(r.address) ?? 0)
          last.set(r.address, prev === undefined || Number.isNaN(prev) ? mine : Math.max(prev, mine))
        }
        return [...last].map(([address, at]) => {
          // An address listed but never seen mining is quiet since the monitor started watching it.
          const known = !Number.isNaN(at)
          const offline = !known || i.now - at >= cfg.addressOffline.offlineSeconds * 1000
          return {
            subject: address,
            active: true,
            ...(known ? { since: at } : {}),
            value: known ? (i.now - at) / 1000 : 0,
            threshold: cfg.addressOffline.offlineSeconds,
            unit: 's',
            message: !known
              ? `address ${address}: no share seen since the relay started`
              : offline
                ? `address ${address}: no share or pseudo-share for ${seconds(i.now - at)}`
                : `address ${address} is mining (last share ${seconds(i.now - at)} ago)`
          }
        })
      }
    },
    {
      spec: spec('hashrateDrop', cfg.hashrateDrop.holdSeconds),
      enabled: cfg.hashrateDrop.enabled,
      observe: (i) => {
        const out: Observation[] = []
        const observe = (subject: string, trend: HashrateTrend): void => {
          const drop = trend.drop(i.now)
          if (drop === undefined) return
          out.push({
            subject,
            active: drop * 100 >= cfg.hashrateDrop.percent,
            value: drop * 100,
            threshold: cfg.hashrateDrop.percent,
            unit: '%',
            message: `${subject === RELAY_SUBJECT ? "this relay's rigs" : `rig ${subject}`}: ${(drop * 100).toFixed(0)} % below the 30-min average (${trend.short.toPrecision(3)} vs ${trend.long.toPrecision(3)} H/s)`
          })
        }
        observe(RELAY_SUBJECT, i.relayTrend)
        // Offline rigs are the offline rule's: a rig at 0 H/s is not also a hashrate drop.
        for (const r of i.rigs) {
          const t = i.rigTrends.get(r.rig)
          if (r.online && t !== undefined) observe(r.rig, t)
        }
        return out
      }
    },
    {
      spec: spec('rejectRate', cfg.rejectRate.holdSeconds),
      enabled: cfg.rejectRate.enabled,
      observe: rateRule('rejectRate', cfg.rejectRate, 'rejected')
    },
    {
      spec: spec('staleRate', cfg.staleRate.holdSeconds),
      enabled: cfg.staleRate.enabled,
      observe: rateRule('staleRate', cfg.staleRate, 'stale')
    },
    {
      spec: spec('noPeers', cfg.noPeers.holdSeconds),
      enabled: cfg.noPeers.enabled,
      observe: (i) =>
        i.peers === undefined
          ? []
          : [
              {
                subject: RELAY_SUBJECT,
                active: i.peers === 0,
                value: i.peers,
                threshold: 0,
                unit: 'peers',
                message: i.peers === 0 ? 'no libp2p peer connected' : `${i.peers} libp2p peers connected`
              }
            ]
    },
    {
      spec: spec('daemonUnhealthy', cfg.daemonUnhealthy.holdSeconds),
      enabled: cfg.daemonUnhealthy.enabled,
      observe: (i) => [
        {
          subject: RELAY_SUBJECT,
          active: !i.source.healthy,
          value: i.source.healthy ? 1 : 0,
          threshold: 1,
          unit: 'healthy',
          message: i.source.healthy
            ? 'template source healthy'
            : `template source unhealthy: ${i.source.reason ?? 'no reason given'}`
        }
      ]
    },
    {
      spec: spec('blockOrphaned', 0),
      enabled: cfg.blockOrphaned.enabled,
      observe: (i) =>
        [...i.orphans].map(([hash, o]) => ({
          subject: hash,
          active: !o.backInChain && i.now - o.sinceMs < cfg.blockOrphaned.keepFiringSeconds * 1000,
          since: o.sinceMs,
          value: o.height,
          threshold: 0,
          unit: 'height',
          message: o.backInChain
            ? `block ${hash} at height ${o.height} is back in the best chain`
            : `block ${hash} at height ${o.height}, found here, was orphaned`
        }))
    },
    {
      spec: spec('memory', cfg.memory.holdSeconds),
      enabled: cfg.memory.enabled,
      observe: (i) => [
        {
          subject: RELAY_SUBJECT,
          active: i.rssBytes > cfg.memory.limitMiB * MIB,
          value: i.rssBytes / MIB,
          threshold: cfg.memory.limitMiB,
          unit: 'MiB',
          message: `resident memory ${(i.rssBytes / MIB).toFixed(0)} MiB (limit ${cfg.memory.limitMiB} MiB)`
        }
      ]
    }
  ]
}
