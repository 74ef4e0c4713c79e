// Every operator-tunable setting of the Stratum server in one object (gossipsub's params style):
// a doc comment per field, defaultStratumParams(), createStratumParams(partial) and a validator
// whose errors say what to change.
import * as C from './constants'

/** What Stratum needs from the chain's parameters (a structural subset of shared ChainParams). */
export interface StratumChain {
  name: string
  pow: 'sha256d' | 'scrypt'
  /** Target of difficulty 1 on the chain's Stratum scale (scrypt: 2^16 easier than sha256d). */
  stratumDiff1Target: bigint
  /** Address prefixes for checking `mining.authorize` users (@otedama/shared src/address). */
  addresses: { pubkeyHash: number; scriptHash: number | number[]; bech32Hrp: string }
  /** The share chain's target seconds between shares (a rig's own share target aims at one per interval); default 10. */
  shareIntervalSeconds?: number
}

export interface StratumParams {
  /** Interface to bind; loopback unless the operator exposes it to rigs on the LAN. */
  host: string
  /** TCP port; 0 picks a free one (tests). Default 3333. */
  port: number
  /** Difficulty a new connection starts at (Stratum scale of the chain; below 1 allowed). */
  startDifficulty: number
  /** Vardiff and suggestions never go below this (> 0). */
  minDifficulty: number
  /** ...nor above this (also capped by the share difficulty, so no share is ever missed). */
  maxDifficulty: number
  /** Vardiff aims at one pseudo-share per this many seconds. */
  targetShareSeconds: number
  maxConnections: number
  /** Rigs behind one NAT share an IP: farms may need this raised. */
  maxConnectionsPerIp: number
  maxLineBytes: number
  writeHighWaterBytes: number
  messageRatePerSecond: number
  messageBurst: number
  maxInvalidMessages: number
  maxConsecutiveBadSubmits: number
  idleBeforeAuthorizeMs: number
  idleAfterAuthorizeMs: number
  strikesBeforeBan: number
  strikeWindowMs: number
  banDurationMs: number
  shareTipGraceMs: number
  sameTipJobExpiryMs: number
  jobRefreshIntervalMs: number
  tickMs: number
  /**
   * Operator fee: the fraction (0 ≤ fee < 1) of each rig's work done on jobs whose coinbase names
   * the operator's payout script (docs/design.md, Operator fee). 0 disables it.
   */
  operatorFee: number
  /** The operator's payout address (required when operatorFee > 0). */
  operatorAddress: string | undefined
  /** Where rigs are sent by client.reconnect when this relay drains (a sibling relay). */
  sibling: { host: string; port: number } | undefined
  /** Shown to rigs in client.show_message and logs. */
  poolName: string
}

export function defaultStratumParams(): StratumParams {
  return {
    host: '127.0.0.1',
    port: 3333,
    startDifficulty: 1024,
    minDifficulty: 1e-9,
    maxDifficulty: 2 ** 52,
    targetShareSeconds: C.VARDIFF_TARGET_SHARE_SECONDS,
    maxConnections: 10_000,
    maxConnectionsPerIp: 256,
    maxLineBytes: C.MAX_LINE_BYTES,
    writeHighWaterBytes: C.WRITE_BUFFER_HIGH_WATER_BYTES,
    messageRatePerSecond: C.MESSAGE_RATE_PER_SECOND,
    messageBurst: C.MESSAGE_BURST,
    maxInvalidMessages: C.MAX_INVALID_MESSAGES_PER_CONNECTION,
    maxConsecutiveBadSubmits: C.MAX_CONSECUTIVE_BAD_SUBMITS,
    idleBeforeAuthorizeMs: C.IDLE_BEFORE_AUTHORIZE_MS,
    idleAfterAuthorizeMs: C.IDLE_AFTER_AUTHORIZE_MS,
    strikesBeforeBan: C.STRIKES_BEFORE_BAN,
    strikeWindowMs: C.STRIKE_WINDOW_MS,
    banDurationMs: C.BAN_DURATION_MS,
    shareTipGraceMs: C.SHARE_TIP_GRACE_MS,
    sameTipJobExpiryMs: C.SAME_TIP_JOB_EXPIRY_MS,
    jobRefreshIntervalMs: C.JOB_REFRESH_INTERVAL_MS,
    tickMs: C.SESSION_TICK_MS,
    operatorFee: 0,
    operatorAddress: undefined,
    sibling: undefined,
    poolName: 'Otedama'
  }
}

export class StratumConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StratumConfigError'
  }
}

export function createStratumParams(partial: Partial<StratumParams> = {}): StratumParams {
  const params = { ...defaultStratumParams(), ...stripUndefined(partial) }
  validateStratumParams(params)
  return params
}

export function validateStratumParams(p: StratumParams): void {
  const positive = (name: keyof StratumParams): void => {
    const v = p[name]
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new StratumConfigError(`stratum.${name} must be a finite number > 0, got ${String(v)}`)
    }
  }
  const integer = (name: keyof StratumParams, min: number, max: number): void => {
    const v = p[name]
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new StratumConfigError(`stratum.${name} must be an integer in ${min}..${max}, got ${String(v)}`)
    }
  }
  if (typeof p.host !== 'string' || p.host.length === 0)
    throw new StratumConfigError('stratum.host must be an interface address such as 127.0.0.1')
  integer('port', 0, 65535)
  for (const name of ['startDifficulty', 'minDifficulty', 'maxDifficulty', 'targetShareSeconds'] as const)
    positive(name)
  if (p.minDifficulty > p.maxDifficulty) {
    throw new StratumConfigError(
      `stratum.minDifficulty (${p.minDifficulty}) is above stratum.maxDifficulty (${p.maxDifficulty})`
    )
  }
  integer('maxConnections', 1, 1_000_000)
  integer('maxConnectionsPerIp', 1, 1_000_000)
  integer('maxLineBytes', 256, 1 << 20)
  integer('writeHighWaterBytes', 1024, 1 << 30)
  positive('messageRatePerSecond')
  integer('messageBurst', 1, 1_000_000)
  integer('maxInvalidMessages', 1, 1_000_000)
  integer('maxConsecutiveBadSubmits', 1, 1_000_000)
  for (const name of [
    'idleBeforeAuthorizeMs',
    'idleAfterAuthorizeMs',
    'strikeWindowMs',
    'banDurationMs',
    'shareTipGraceMs',
    'sameTipJobExpiryMs',
    'jobRefreshIntervalMs',
    'tickMs'
  ] as const)
    positive(name)
  integer('strikesBeforeBan', 1, 1_000)
  if (typeof p.operatorFee !== 'number' || !(p.operatorFee >= 0 && p.operatorFee < 1)) {
    throw new StratumConfigError(
      `stratum.operatorFee is a fraction 0 <= fee < 1 (0.01 = 1 %), got ${String(p.operatorFee)}`
    )
  }
  if (p.operatorFee > 0 && (typeof p.operatorAddress !== 'string' || p.operatorAddress.length === 0)) {
    throw new StratumConfigError('stratum.operatorFee > 0 needs stratum.operatorAddress (the operator payout address)')
  }
  if (
    p.sibling !== undefined &&
    (typeof p.sibling.host !== 'string' ||
      !Number.isInteger(p.sibling.port) ||
      p.sibling.port < 1 ||
      p.sibling.port > 65535)
  ) {
    throw new StratumConfigError("stratum.sibling must be { host, port } of another relay's Stratum port")
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
