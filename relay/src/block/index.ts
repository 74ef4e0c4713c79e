// Blocks: assembly from a template and a coinbase, and the one pipeline that submits them and follows
// them to maturity, orphaning or staleness on the daemon's own chain.
export { assembleBlock, coinbaseWithWitness, BlockAssemblyError } from './assemble'
export {
  NotABlockError,
  type BlockAttestor,
  type BlockAttestationKind,
  type BlockDaemon,
  type BlockSubmitter,
  type FoundBlock
} from './submitter'
export { BlockPipeline, DEFAULT_DAEMON_CALLS, type BlockPipelineInit, type BlockPipelineMetrics } from './pipeline'
