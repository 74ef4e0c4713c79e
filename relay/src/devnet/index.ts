// The embedded devnet (docs/design.md, Chains): its block index and its TemplateSource.
import type { DevnetChain } from './chain'
import { DevnetTemplateSource, type DevnetSourceOptions } from './source'
import type { DevnetBlockStore } from './store'

export { DevnetChain, type DevnetAcceptResult, type DevnetBlock, type DevnetChainOptions } from './chain'
export {
  DEVNET_GENESIS_HASH_HEX,
  DEVNET_GENESIS_NONCE,
  devnetGenesisBlock,
  findDevnetGenesisNonce,
  type DevnetGenesisBlock
} from './genesis'
export { DevnetOrphanPool, MAX_DEVNET_ORPHANS } from './orphans'
export {
  DEVNET_BLOCK_VERSION,
  DEVNET_CURTIME_REFRESH_MS,
  DEVNET_SIGOP_LIMIT,
  DevnetTemplateSource,
  type BlockOrigin,
  type DevnetSourceOptions
} from './source'
export { FileDevnetBlockStore, MemoryDevnetBlockStore, type DevnetBlockStore, type StoredDevnetBlock } from './store'

export interface DevnetInit extends DevnetSourceOptions {
  /** Where accepted blocks are kept (FileDevnetBlockStore in the data dir, or the relay's LevelDB); none: memory only. */
  store?: DevnetBlockStore
}

/** The devnet chain and the template source on it; call `source.start()` to load the store and begin. */
export function createDevnet(init: DevnetInit = {}): { chain: DevnetChain; source: DevnetTemplateSource } {
  const { store, ...opts } = init
  const source = new DevnetTemplateSource(store, opts)
  return { chain: source.chain, source }
}
