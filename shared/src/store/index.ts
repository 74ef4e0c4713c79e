// Public face of share/header storage: the interface, the in-memory implementation, and restore.
export type { ShareStore, StoredShare, StoredHeader } from './types'
export { MemoryStore } from './memory'
export { restoreShareChain, RESTORE_PAGE_SHARES } from './restore'
export { StorePruner, PRUNE_STORE_EVERY_SHARES } from './pruner'
