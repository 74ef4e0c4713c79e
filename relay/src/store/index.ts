// The relay's durable memory (LevelDB via classic-level).
export { LevelRelayStore, MAX_BLOCKS_LISTED } from './level-store'
export { LevelShareStore } from './level-share-store'
export type { FoundBlockRecord, BlockStatus, BanRecord, BlockRecordStore, TemplateStore, BanStore } from './records'
export {
  StoreDamagedError,
  StoreBusyError,
  snapshotStore,
  restoreStore,
  repairStore,
  verifySnapshot,
  type SnapshotManifest
} from './maintenance'
export { inspectStore } from './integrity'
