// What every path that finds a block hands it to, and what blocks are told to the quorum.
import type { FoundBlockRecord } from '../store/records'
import type { BlockTemplate, TemplateSource } from '../template/types'

/** A header whose PoW meets the share target but not the block target: not a block. */
export class NotABlockError extends Error {
  override readonly name = 'NotABlockError'
}

/** What the quorum publishes about blocks (the quorum's block claims). */
export type BlockAttestationKind = 'accepted' | 'orphaned' | 'confirmed'

/** Carries block attestations to the network (signed and batched by the quorum duties). */
export interface BlockAttestor {
  attestBlock: (blockHash: Uint8Array, height: number, kind: BlockAttestationKind) => void
}

export interface FoundBlock {
  template: BlockTemplate
  header80: Uint8Array
  /** The coinbase in legacy (txid) serialization, as the share chain builds it. */
  coinbaseLegacy: Uint8Array
  shareId?: Uint8Array
  templateId?: Uint8Array
}

/**
 * The one entry for found blocks (the Stratum block sink and the share pool both call it). It
 * resolves with the block's record once its first status is decided: `accepted`, `rejected` or
 * `stale`, or `submitted` while the daemon cannot take it yet. The same block again resolves with
 * the same record and no second submission.
 */
export interface BlockSubmitter {
  submit: (found: FoundBlock) => Promise<FoundBlockRecord>
}

/** What the block pipeline needs of a template source (a coin daemon or the embedded devnet). */
export type BlockDaemon = Pick<
  TemplateSource,
  'submitBlock' | 'bestBlockHash' | 'headerOf' | 'chainPosition' | 'current' | 'onTemplate' | 'health' | 'onHealth'
>
