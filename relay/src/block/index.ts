// Blocks: assembly from a template and a coinbase, submission, and following them to maturity or orphaning.
export { assembleBlock, coinbaseWithWitness, BlockAssemblyError } from './assemble'
export { BlockSubmitter, NotABlockError, type BlockAttestor, type BlockAttestationKind, type FoundBlock, type BlockSubmitterInit } from './submitter'
export { foundBlockFromShare, meetsBlockTarget, shareCoinbase } from './from-share'
