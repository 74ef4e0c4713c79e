import { createLogger } from '../../../shared/src/log'
import type { NetworkName } from '../../../shared/src/chain/params'
import { bytesToHex } from '../../../shared/src/primitives/bytes'
import { powHash, type PowAlgorithm } from '../../../shared/src/primitives/hash'
import { blockHash, displayHexToHash, hashToDisplayHex } from '../../../shared/src/primitives/header'
import { meetsTarget } from '../../../shared/src/primitives/target'
import { decodeTx } from '../../../shared/src/primitives/tx'
import type { BlockRecordStore, BlockStatus, FoundBlockRecord } from '../store/records'
import type { BlockTemplate, TemplateSource } from '../template/types'
import { Listeners } from '../util/listeners'
import { assembleBlock } from './assemble'

const log = createLogger('block')

/** Unsettled blocks (accepted, not yet confirmed or orphaned) checked on each new tip, at most. */
export const MAX_TRACKED_BLOCKS = 200

/** A header whose PoW meets the share target but not the block target: not a block. */
export class NotABlockError extends Error {
  override readonly name = 'NotABlockError'
}

/** What the quorum publishes about blocks (DESIGN.md, Validation in quorums). */
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

export interface BlockSubmitterInit {
  network: NetworkName
  source: TemplateSource
  blocks: BlockRecordStore
  pow: PowAlgorithm
  /** Confirmations after which a coinbase is spendable (chain params). */
  coinbaseMaturity: number
  attestor?: BlockAttestor
  now?: () => number
}

/**
 * Turns a share that meets the block target into a submitted block, and follows that block until it
 * is confirmed at coinbase maturity or orphaned. Every step is written to the store first, so a
 * restart resumes tracking where it was.
 */
export class BlockSubmitter {
  private readonly init: BlockSubmitterInit
  private readonly now: () => number
  private readonly changes = new Listeners<[FoundBlockRecord]>()
  private checking: Promise<void> | undefined
  private queued: Promise<void> | undefined
  /** Blocks being submitted right now: the status check leaves them to submit(). */
  private readonly inFlight = new Set<string>()
  private offTemplate: (() => void) | undefined
  private offHealth: (() => void) | undefined
  /** Blocks whose submitblock failed on transport (daemon away), kept to send again when it returns. */
  private readonly unsent = new Map<string, { block: Uint8Array, header80: Uint8Array }>()

  constructor (init: BlockSubmitterInit) {
    this.init = init
    this.now = init.now ?? Date.now
  }

  /** Re-checks unsettled blocks on every new tip. */
  start (): void {
    this.offTemplate ??= this.init.source.onTemplate((_t, newTip) => {
      if (newTip) this.updateStatuses().catch((err: unknown) => log.warn(`block status check failed: ${(err as Error).message}`))
    })
    this.offHealth ??= this.init.source.onHealth((health) => { if (health.healthy) void this.resubmit() })
  }

  /** Sends again the blocks the daemon could not take while it was away (a still-valid block is worth it). */
  private async resubmit (): Promise<void> {
    for (const [hash, { block, header80 }] of this.unsent) {
      this.unsent.delete(hash)
      const record = await this.init.blocks.getBlock(hash)
      if (record === undefined || record.status !== 'submitted' || this.inFlight.has(hash)) continue
      log.info(`submitting ${hash} again now that the daemon is back`)
      this.inFlight.add(hash)
      try {
        await this.submitRecorded(block, record, header80)
      } catch (err) {
        log.warn(`resubmitting ${hash}: ${(err as Error).message}`)
      } finally {
        this.inFlight.delete(hash)
      }
    }
  }

  /** Stops following tips and waits for a status check under way. */
  async stop (): Promise<void> {
    this.offTemplate?.()
    this.offTemplate = undefined
    this.offHealth?.()
    this.offHealth = undefined
    await this.checking?.catch(() => {})
  }

  onChange (listener: (record: FoundBlockRecord) => void): () => void {
    return this.changes.add(listener)
  }

  /** Assembles and submits at once; resolves with the record after the daemon answered. */
  async submit (found: FoundBlock): Promise<FoundBlockRecord> {
    const { template, header80, coinbaseLegacy } = found
    if (!meetsTarget(powHash(this.init.pow, header80), template.target)) {
      throw new NotABlockError('the header does not meet the block target')
    }
    const block = assembleBlock(template, header80, coinbaseLegacy)
    const hash = hashToDisplayHex(blockHash(header80))
    const coinbase = decodeTx(coinbaseLegacy)
    const record: FoundBlockRecord = {
      hash,
      network: this.init.network,
      height: template.height,
      prevHash: hashToDisplayHex(template.prevHash),
      ...(found.shareId !== undefined ? { shareId: hashToDisplayHex(found.shareId) } : {}),
      ...(found.templateId !== undefined ? { templateId: bytesToHex(found.templateId) } : {}),
      coinbaseValue: template.coinbaseValue.toString(),
      payouts: coinbase.outputs.filter((o) => o.value > 0n).map((o) => ({ script: bytesToHex(o.script), value: o.value.toString() })),
      foundAt: this.now(),
      status: 'submitted',
      updatedAt: this.now()
    }
    const known = await this.init.blocks.getBlock(hash)
    if (known !== undefined && known.status !== 'submitted') return known // the same block again
    this.inFlight.add(hash)
    try {
      return await this.submitRecorded(block, record, header80)
    } finally {
      this.inFlight.delete(hash)
    }
  }

  private async submitRecorded (block: Uint8Array, submitted: FoundBlockRecord, header80: Uint8Array): Promise<FoundBlockRecord> {
    const hash = submitted.hash
    let record = submitted
    await this.save(record)
    let outcome
    try {
      outcome = await this.init.source.submitBlock(block)
    } catch (err) {
      // Unreachable daemon: keep 'submitted'; the tip check decides later whether it made it.
      log.error(`submitblock ${hash} failed: ${(err as Error).message}`)
      this.unsent.set(hash, { block, header80 })
      record = { ...record, reason: `submit failed: ${(err as Error).message}`, updatedAt: this.now() }
      await this.save(record)
      return record
    }
    let tipAfter: string | undefined
    try {
      tipAfter = hashToDisplayHex(await this.init.source.bestBlockHash())
    } catch (err) {
      log.warn(`best block after submitting ${hash}: ${(err as Error).message}`) // the status check catches up
    }
    record = {
      ...record,
      status: outcome.accepted ? 'accepted' : 'rejected',
      ...(outcome.accepted ? {} : { reason: outcome.reason }),
      ...(tipAfter !== undefined ? { tipAfter } : {}),
      updatedAt: this.now()
    }
    await this.save(record)
    if (outcome.accepted) {
      log.info(`block ${hash} at height ${record.height} accepted; tip now ${tipAfter ?? '?'}`)
      this.init.attestor?.attestBlock(blockHash(header80), record.height, 'accepted')
    } else {
      log.warn(`block ${hash} at height ${record.height} rejected: ${outcome.reason}`)
    }
    return record
  }

  /** Moves accepted (or unconfirmed submitted) blocks to confirmed or orphaned as the chain grows. */
  async updateStatuses (): Promise<void> {
    // Checks run one at a time; a request during a check queues one more (which sees the newest tip).
    if (this.queued !== undefined) return await this.queued
    const previous = this.checking ?? Promise.resolve()
    const next: Promise<void> = previous.catch(() => {}).then(async () => {
      this.queued = undefined
      await this.checkOnce()
    })
    this.queued = next
    this.checking = next.finally(() => { if (this.checking === guarded) this.checking = undefined })
    const guarded = this.checking
    await next
  }

  private async checkOnce (): Promise<void> {
    const unsettled = (await this.init.blocks.listBlocks(MAX_TRACKED_BLOCKS))
      .filter((r) => (r.status === 'accepted' || r.status === 'submitted') && !this.inFlight.has(r.hash))
    for (const record of unsettled) {
      let position
      try {
        position = await this.init.source.chainPosition(displayHexToHash(record.hash))
      } catch (err) {
        log.debug(`status of ${record.hash}: ${(err as Error).message}`)
        return // daemon away: try again on the next tip
      }
      let status: BlockStatus = record.status
      let confirmations = record.confirmations
      if (position.state === 'orphaned') status = 'orphaned'
      else if (position.state === 'in-chain') {
        confirmations = position.confirmations
        status = confirmations >= this.init.coinbaseMaturity ? 'confirmed' : 'accepted'
      }
      if (status === record.status && confirmations === record.confirmations) continue
      const fresh = await this.init.blocks.getBlock(record.hash)
      if (this.inFlight.has(record.hash) || fresh?.status !== record.status) continue // submit() moved it meanwhile
      const updated: FoundBlockRecord = { ...fresh, status, ...(confirmations !== undefined ? { confirmations } : {}), updatedAt: this.now() }
      await this.save(updated)
      if (status !== record.status && (status === 'orphaned' || status === 'confirmed' || status === 'accepted')) {
        log.info(`block ${record.hash} is now ${status}`)
        this.init.attestor?.attestBlock(displayHexToHash(record.hash), record.height, status)
      }
    }
  }

  private async save (record: FoundBlockRecord): Promise<void> {
    await this.init.blocks.putBlock(record)
    this.changes.emit(record)
  }
}
