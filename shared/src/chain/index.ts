// Chain parameters of every network, their network id, the block subsidy, devnet's block rules, and
// what each network's block topic carries.
export {
  type ChainParams,
  ChainParamsError,
  type ChainPorts,
  type Coin,
  type DevnetBlockRetarget,
  type DevnetGenesis,
  type NetworkName,
  type PowAlgorithmName,
  type ShareChainConstants
} from './params'
export { getChainParams, isNetworkName, NETWORK_NAMES } from './networks'
export {
  encodeNetworkParams,
  NETWORK_ID_BYTES,
  NETWORK_ID_ENCODING_VERSION,
  networkId,
  networkIdHex
} from './network-id'
export { blockSubsidy } from './subsidy'
export { PPM, validateChainParams, withShareChainConstants } from './validate'
export { COINBASE_PAYOUT_OUTPUT_CAP, COINBASE_RESERVED_WEIGHT_WU } from './coinbase-budget'
export * from './devnet-rules'
export {
  blockMessageCodec,
  type BlockFind,
  type BlockMessage,
  type BlockMessageCodec,
  type BlockMessageDecode,
  type BlockMessageKind
} from './block-message'
