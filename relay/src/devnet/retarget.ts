// The devnet block retarget and median-time rule live in @otedama/shared src/chain/devnet-rules.ts (browsers check
// devnet headers too). Re-exported here for callers that imported them from the relay.
export {
  DEVNET_MEDIAN_TIME_BLOCKS as MEDIAN_TIME_BLOCKS,
  devnetMedianTimePast as medianTimePast,
  nextDevnetBits,
  type DevnetAncestor as TimedBlock
} from '@otedama/shared/chain'
