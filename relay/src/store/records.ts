import type { NetworkName } from '../../../shared/src/chain/params'
import { bytesToHex, hexToBytes } from '../../../shared/src/primitives/bytes'
import type { BlockTemplate } from '../template/types'

/** Life of a block found here: submitted, then accepted or rejected; accepted ends confirmed or orphaned. */
export type BlockStatus = 'submitted' | 'accepted' | 'rejected' | 'orphaned' | 'confirmed'

/** A block found by this relay's miners or assembled here for another relay (JSON-safe: hex and decimal strings). */
export interface FoundBlockRecord {
  /** Block hash, display hex (as explorers show it). */
  hash: string
  network: NetworkName
  height: number
  /** Previous block hash, display hex. */
  prevHash: string
  /** Share id (display hex) and template id (hex) when the block came from the share chain. */
  shareId?: string
  templateId?: string
  /** Coinbase value and outputs, base units as decimal strings. */
  coinbaseValue: string
  payouts: Array<{ script: string, value: string }>
  foundAt: number
  status: BlockStatus
  /** Daemon's reason for a rejection, or how a status was decided. */
  reason?: string
  /** Daemon's best block right after submission (display hex). */
  tipAfter?: string
  confirmations?: number
  updatedAt: number
}

/** A banned peer or rig address, until a wall-clock time (ms). */
export interface BanRecord {
  /** Peer id or IP address. */
  subject: string
  until: number
  reason: string
}

/** JSON form of a BlockTemplate, for the templates-in-use table. */
export interface StoredTemplate {
  network: NetworkName
  height: number
  version: number
  prevHash: string
  bits: number
  curtime: number
  mintime: number
  coinbaseValue: string
  transactions: Array<{ data: string, txid: string, wtxid: string, fee: string, weight: number, sigops: number, depends: number[] }>
  witnessCommitment?: string
  mweb?: string
  rules: string[]
  weightLimit: number
  sigopLimit: number
  receivedAt: number
}

export function templateToStored (t: BlockTemplate): StoredTemplate {
  return {
    network: t.network,
    height: t.height,
    version: t.version,
    prevHash: bytesToHex(t.prevHash),
    bits: t.bits,
    curtime: t.curtime,
    mintime: t.mintime,
    coinbaseValue: t.coinbaseValue.toString(),
    transactions: t.transactions.map((tx) => ({
      data: bytesToHex(tx.data), txid: bytesToHex(tx.txid), wtxid: bytesToHex(tx.wtxid), fee: tx.fee.toString(), weight: tx.weight, sigops: tx.sigops, depends: tx.depends
    })),
    ...(t.witnessCommitment !== undefined ? { witnessCommitment: bytesToHex(t.witnessCommitment) } : {}),
    ...(t.mweb !== undefined ? { mweb: bytesToHex(t.mweb) } : {}),
    rules: t.rules,
    weightLimit: t.weightLimit,
    sigopLimit: t.sigopLimit,
    receivedAt: t.receivedAt
  }
}

export function storedToTemplate (s: StoredTemplate, target: (bits: number) => bigint): BlockTemplate {
  return {
    network: s.network,
    height: s.height,
    version: s.version,
    prevHash: hexToBytes(s.prevHash),
    bits: s.bits,
    target: target(s.bits),
    curtime: s.curtime,
    mintime: s.mintime,
    coinbaseValue: BigInt(s.coinbaseValue),
    transactions: s.transactions.map((tx) => ({
      data: hexToBytes(tx.data), txid: hexToBytes(tx.txid), wtxid: hexToBytes(tx.wtxid), fee: BigInt(tx.fee), weight: tx.weight, sigops: tx.sigops, depends: tx.depends
    })),
    ...(s.witnessCommitment !== undefined ? { witnessCommitment: hexToBytes(s.witnessCommitment) } : {}),
    ...(s.mweb !== undefined ? { mweb: hexToBytes(s.mweb) } : {}),
    rules: s.rules,
    weightLimit: s.weightLimit,
    sigopLimit: s.sigopLimit,
    receivedAt: s.receivedAt
  }
}

/** Where found blocks are kept; the submitter and the HTTP API use this. */
export interface BlockRecordStore {
  putBlock: (record: FoundBlockRecord) => Promise<void>
  getBlock: (hash: string) => Promise<FoundBlockRecord | undefined>
  /** Newest first, at most `limit`. */
  listBlocks: (limit: number) => Promise<FoundBlockRecord[]>
}

/** Full templates by template id (hex), so a block found on them can be assembled after a restart. */
export interface TemplateStore {
  putTemplate: (templateId: string, template: BlockTemplate) => Promise<void>
  getTemplate: (templateId: string) => Promise<BlockTemplate | undefined>
  /** Deletes templates received before `olderThan` (ms). */
  pruneTemplates: (olderThan: number) => Promise<number>
}

export interface BanStore {
  putBan: (ban: BanRecord) => Promise<void>
  /** Bans still in force at `now`. */
  listBans: (now: number) => Promise<BanRecord[]>
  deleteBan: (subject: string) => Promise<void>
}
