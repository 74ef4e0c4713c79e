// Public face of the miner: the pool, its job and report types, and the kernel interface.
export { MinerPool, type MinerPoolEvents } from './pool'
export type { MiningJob, FoundShare, HashrateReport, JobSwitchReport, EngineHashrate, WorkerRestartReport } from './job'
export { MinerConfigError, defaultWorkerCount, type MinerPoolOptions, NONCE_ALIGN, MAX_WORKERS } from './pool-options'
export type { MinerWorkerFactory, MinerWorkerPort } from './worker-port'
export type { NonceScanner, FoundNonce, PowAlgorithm, MinerEngine } from './kernels/types'
export { DEFAULT_WORKER_SPEED, type WorkerSpeedParams } from './worker-speed'
