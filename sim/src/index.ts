// Public face of the simulator: configure, run, read the report.
export {
  createSimConfig,
  defaultSimConfig,
  relayCount,
  type SimConfig,
  type LinkModel as LinkClassModel,
  type PeerKind,
  type LinkClass
} from './config'
export { Simulation, SPREAD_FRACTION } from './simulator'
export { summarize, quantile, type SimReport } from './report'
export { Prng } from './prng'
