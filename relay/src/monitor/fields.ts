// The figures of one history point, in a fixed order (the order of their slots in a stored record).
// Each says how points of a finer tier fold into one point of a coarser tier: a mean of a gauge is
// weighted by the seconds each finer point covers, counts add up, peaks take the largest.

/** How finer points fold into a coarser one. */
export type FieldFold =
  /** Gauge: mean over the seconds covered (each point weighs its `samples`). */
  | { kind: 'mean' }
  /** Count of events in the point's span: added. */
  | { kind: 'sum' }
  /** Peak in the point's span: the largest. */
  | { kind: 'max' }
  /** A mean per event (latency): weighted by the events it averages, the field named here. */
  | { kind: 'mean-per'; weight: FieldName }

export interface FieldSpec {
  name: FieldName
  /** Unit, as the API and README state it. */
  unit: string
  fold: FieldFold
  help: string
}

export const FIELD_NAMES = [
  'samples',
  'poolHashrate',
  'rigHashrate',
  'untrackedRigHashrate',
  'rigsOnline',
  'peers',
  'sharesAccepted',
  'sharesRejected',
  'pseudoSharesAccepted',
  'pseudoSharesRejected',
  'pseudoSharesStale',
  'blocksFound',
  'sourceHealthy',
  'validations',
  'validationMeanMs',
  'validationMaxMs',
  'blockSubmits',
  'blockSubmitMeanMs',
  'blockSubmitMaxMs',
  'cpuPercent',
  'rssBytes',
  'heapUsedBytes',
  'bytesIn',
  'bytesOut'
] as const

export type FieldName = (typeof FIELD_NAMES)[number]

const mean: FieldFold = { kind: 'mean' }
const sum: FieldFold = { kind: 'sum' }
const max: FieldFold = { kind: 'max' }

export const FIELDS: Record<FieldName, FieldSpec> = {
  samples: {
    name: 'samples',
    unit: 'count',
    fold: sum,
    help: '1-second samples the point covers (fewer than its span while the relay was down)'
  },
  poolHashrate: {
    name: 'poolHashrate',
    unit: 'H/s',
    fold: mean,
    help: 'share-chain hashrate of the whole pool (work of the last 100 shares over their span)'
  },
  rigHashrate: { name: 'rigHashrate', unit: 'H/s', fold: mean, help: "sum of this relay's Stratum rigs' hashrate" },
  untrackedRigHashrate: {
    name: 'untrackedRigHashrate',
    unit: 'H/s',
    fold: mean,
    help: 'hashrate of rigs beyond the per-rig series bound (in rigHashrate, without a series of their own)'
  },
  rigsOnline: { name: 'rigsOnline', unit: 'count', fold: mean, help: 'rigs with an open Stratum connection' },
  peers: { name: 'peers', unit: 'count', fold: mean, help: 'connected libp2p peers' },
  sharesAccepted: {
    name: 'sharesAccepted',
    unit: 'count',
    fold: sum,
    help: 'shares accepted into the share chain (any origin)'
  },
  sharesRejected: { name: 'sharesRejected', unit: 'count', fold: sum, help: 'shares rejected as invalid' },
  pseudoSharesAccepted: {
    name: 'pseudoSharesAccepted',
    unit: 'count',
    fold: sum,
    help: 'Stratum pseudo-shares accepted'
  },
  pseudoSharesRejected: {
    name: 'pseudoSharesRejected',
    unit: 'count',
    fold: sum,
    help: 'Stratum submits rejected for any reason but stale'
  },
  pseudoSharesStale: {
    name: 'pseudoSharesStale',
    unit: 'count',
    fold: sum,
    help: 'Stratum submits rejected as stale (work of a replaced block)'
  },
  blocksFound: { name: 'blocksFound', unit: 'count', fold: sum, help: 'distinct blocks found here' },
  sourceHealthy: {
    name: 'sourceHealthy',
    unit: 'fraction',
    fold: mean,
    help: 'share of the span the template source (daemon or devnet) was healthy, 0..1'
  },
  validations: { name: 'validations', unit: 'count', fold: sum, help: 'shares validated (Stratum and gossip)' },
  validationMeanMs: {
    name: 'validationMeanMs',
    unit: 'ms',
    fold: { kind: 'mean-per', weight: 'validations' },
    help: 'mean time to validate one share'
  },
  validationMaxMs: { name: 'validationMaxMs', unit: 'ms', fold: max, help: 'longest share validation' },
  blockSubmits: {
    name: 'blockSubmits',
    unit: 'count',
    fold: sum,
    help: 'block submissions to the daemon (submitblock calls)'
  },
  blockSubmitMeanMs: {
    name: 'blockSubmitMeanMs',
    unit: 'ms',
    fold: { kind: 'mean-per', weight: 'blockSubmits' },
    help: 'mean submitblock round trip'
  },
  blockSubmitMaxMs: { name: 'blockSubmitMaxMs', unit: 'ms', fold: max, help: 'longest submitblock round trip' },
  cpuPercent: {
    name: 'cpuPercent',
    unit: '% of one core',
    fold: mean,
    help: 'CPU time of the relay process (user + system) per wall second'
  },
  rssBytes: {
    name: 'rssBytes',
    unit: 'bytes',
    fold: max,
    help: 'resident memory of the relay process (peak in the span)'
  },
  heapUsedBytes: { name: 'heapUsedBytes', unit: 'bytes', fold: max, help: 'V8 heap in use (peak in the span)' },
  bytesIn: {
    name: 'bytesIn',
    unit: 'bytes',
    fold: sum,
    help: 'bytes received, where a source counts them (absent otherwise)'
  },
  bytesOut: {
    name: 'bytesOut',
    unit: 'bytes',
    fold: sum,
    help: 'bytes sent, where a source counts them (absent otherwise)'
  }
}

export const FIELD_COUNT = FIELD_NAMES.length
export const FIELD_INDEX: Record<FieldName, number> = Object.fromEntries(FIELD_NAMES.map((n, i) => [n, i])) as Record<
  FieldName,
  number
>

export function isFieldName(s: string): s is FieldName {
  return Object.hasOwn(FIELD_INDEX, s)
}
