import type { NetworkName } from '@otedama/shared/chain'
import { bytesToHex, hexToBytes } from '@otedama/shared/primitives'
import type { BlockTemplate } from '../template/types'

/**
 * What a block found here is, in one vocabulary for the store, the API, the metrics and the PWA
 * (relay/README.md, "Block statuses"), always as the daemon's own chain shows it:
 * - `submitted`: recorded; sent to the daemon or waiting to be sent; its answer not known yet;
 * - `accepted`: in the daemon's best chain, coinbase not yet mature;
 * - `confirmed`: in the best chain with coinbase-maturity confirmations (the coinbase is spendable);
 * - `orphaned`: was in the best chain, and a reorganisation took it out;
 * - `stale`: never in the best chain although valid: its parent was no longer the tip when it could
 *   be sent (then it is not sent at all), or the daemon kept it as a side block (`inconclusive`);
 * - `rejected`: the daemon refused it as invalid; `reason` is the daemon's word.
 * A block counts toward anyone's payout only while `accepted` or `confirmed`.
 */
export const BLOCK_STATUSES = ['submitted', 'accepted', 'confirmed', 'orphaned', 'stale', 'rejected'] as const
export type BlockStatus = (typeof BLOCK_STATUSES)[number]
/** Statuses of blocks in the best chain (the ones that pay). */
export const IN_CHAIN_STATUSES: readonly BlockStatus[] = ['accepted', 'confirmed']

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
  payouts: Array<{ script: string; value: string }>
  foundAt: number
  status: BlockStatus
  /** Daemon's reason for a rejection, or how a status was decided. */
  reason?: string
  /** Daemon's best block right after submission (display hex). */
  tipAfter?: string
  /** Confirmations in the best chain when last checked (1 = the tip); absent off the best chain. */
  confirmations?: number
  /** Wall-clock ms of the first submitblock call; absent for a block never sent (stale before it could be). */
  sentAt?: number
  /** submitblock calls made for this block. */
  submitAttempts?: number
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
  transactions: Array<{
    data: string
    txid: string
    wtxid: string
    fee: string
    weight: number
    sigops: number
    depends: number[]
  }>
  witnessCommitment?: string
  mweb?: string
  rules: string[]
  weightLimit: number
  sigopLimit: number
  receivedAt: number
}

export function templateToStored(t: BlockTemplate): StoredTemplate {
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
      data: bytesToHex(tx.data),
      txid: bytesToHex(tx.txid),
      wtxid: bytesToHex(tx.wtxid),
      fee: tx.fee.toString(),
      weight: tx.weight,
      sigops: tx.sigops,
      depends: tx.depends
    })),
    ...(t.witnessCommitment !== undefined ? { witnessCommitment: bytesToHex(t.witnessCommitment) } : {}),
    ...(t.mweb !== undefined ? { mweb: bytesToHex(t.mweb) } : {}),
    rules: t.rules,
    weightLimit: t.weightLimit,
    sigopLimit: t.sigopLimit,
    receivedAt: t.receivedAt
  }
}

export function storedToTemplate(s: StoredTemplate, target: (bits: number) => bigint): BlockTemplate {
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
      data: hexToBytes(tx.data),
      txid: hexToBytes(tx.txid),
      wtxid: hexToBytes(tx.wtxid),
      fee: BigInt(tx.fee),
      weight: tx.weight,
      sigops: tx.sigops,
      depends: tx.depends
    })),
    ...(s.witnessCommitment !== undefined ? { witnessCommitment: hexToBytes(s.witnessCommitment) } : {}),
    ...(s.mweb !== undefined ? { mweb: hexToBytes(s.mweb) } : {}),
    rules: s.rules,
    weightLimit: s.weightLimit,
    sigopLimit: s.sigopLimit,
    receivedAt: s.receivedAt
  }
}

/** Where found blocks are kept; the block pipeline and the HTTP API use this. */
export interface BlockRecordStore {
  /**
   * Writes a record and its indexes in one atomic batch: one row per hash however often and from
   * wherever it is written (writes of block records run one after another; a later write of the
   * same hash replaces the row and keeps the first `foundAt`).
   */
  putBlock: (record: FoundBlockRecord) => Promise<void>
  getBlock: (hash: string) => Promise<FoundBlockRecord | undefined>
  /** Newest found first, at most `limit`. */
  listBlocks: (limit: number) => Promise<FoundBlockRecord[]>
  /** Records in any of `statuses`, highest first, at heights ≥ `minHeight`, at most `limit` (default all). */
  listBlocksByStatus: (
    statuses: readonly BlockStatus[],
    opts?: { minHeight?: number; limit?: number }
  ) => Promise<FoundBlockRecord[]>
  /** How many records are in each status. */
  countBlocksByStatus: () => Promise<Record<BlockStatus, number>>
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
