// Public face of the miner: the pool, its job and report types, and the kernel interface.
export { MinerPool, type MinerPoolEvents } from './pool'
export type { MiningJob, FoundShare, HashrateReport, JobSwitchReport } from './job'
export { MinerConfigError, defaultWorkerCount, type MinerPoolOptions, NONCE_ALIGN, MAX_WORKERS } from './pool-options'
export type { MinerWorkerFactory, MinerWorkerPort } from './worker-port'
export type { NonceScanner, FoundNonce, PowAlgorithm } from './kernels/types'
