import { createLogger } from '@otedama/shared/log'
import { bytesToHex } from '@otedama/shared/primitives'
import { coinbaseMerkleBranch } from '@otedama/shared/primitives'
import { templateId, type TemplateAnnouncement } from '@otedama/shared/sharechain'
import type { TemplateStore } from '../store/records'
import type { BlockTemplate, TemplateSource } from '../template/types'
import { errorMessage, BoundedMap, ListenerSet } from '@otedama/shared/util'

const log = createLogger('templates')

/** Full templates kept in memory for block assembly (count); older ones stay in the store. */
export const MAX_TEMPLATES_IN_MEMORY = 64
/** Templates older than this are pruned from the store (ms): a share names a template it was mined on minutes ago. */
export const TEMPLATE_RETENTION_MS = 6 * 60 * 60_000

export interface BookEntry {
  id: Uint8Array
  idHex: string
  announcement: TemplateAnnouncement
  template: BlockTemplate
}

/** The announcement of a template (docs/design.md, Work and shares step 2): no transaction bodies. */
export function announce(template: BlockTemplate, networkTag: Uint8Array): TemplateAnnouncement {
  return {
    networkTag,
    prevHash: template.prevHash,
    height: template.height,
    version: template.version,
    bits: template.bits,
    curtime: Math.max(template.curtime, template.mintime),
    coinbaseValue: template.coinbaseValue,
    witnessCommitment: template.witnessCommitment,
    merkleBranch: coinbaseMerkleBranch(template.transactions.map((tx) => tx.txid))
  }
}

/**
 * Templates in use, by template id: our own (from the source) and ones this relay cross-checked as a
 * committee member, so a block found on any of them can be assembled here. Persisted so a restart
 * can still submit a block found on a template from before it.
 */
export class TemplateBook {
  private readonly entries = new BoundedMap<string, BookEntry>(MAX_TEMPLATES_IN_MEMORY)
  private readonly added = new ListenerSet<[BookEntry, boolean]>()
  private off: (() => void) | undefined

  constructor(
    private readonly networkTag: Uint8Array,
    private readonly store?: TemplateStore
  ) {}

  /** Announces every template the source yields. */
  follow(source: TemplateSource): void {
    this.off = source.onTemplate((template, newTip) => {
      void this.add(template, newTip)
    })
    const current = source.current()
    if (current !== undefined) void this.add(current, true)
  }

  stop(): void {
    this.off?.()
  }

  /** Called with each template added and whether it builds on a new tip. */
  onAnnouncement(listener: (entry: BookEntry, newTip: boolean) => void): () => void {
    return this.added.add(listener)
  }

  async add(template: BlockTemplate, newTip = false): Promise<BookEntry> {
    const announcement = announce(template, this.networkTag)
    const id = templateId(announcement)
    const entry: BookEntry = { id, idHex: bytesToHex(id), announcement, template }
    if (this.entries.has(entry.idHex)) return this.entries.get(entry.idHex) as BookEntry
    this.entries.set(entry.idHex, entry)
    try {
      await this.store?.putTemplate(entry.idHex, template)
      if (newTip) await this.store?.pruneTemplates(Date.now() - TEMPLATE_RETENTION_MS)
    } catch (err) {
      log.error(`cannot store template ${entry.idHex}: ${errorMessage(err)}`)
    }
    this.added.emit(entry, newTip)
    return entry
  }

  announcement(idHex: string): TemplateAnnouncement | undefined {
    return this.entries.get(idHex)?.announcement
  }

  /** The full template for an id, from memory or the store. */
  async template(idHex: string): Promise<BlockTemplate | undefined> {
    const entry = this.entries.get(idHex)
    if (entry !== undefined) return entry.template
    return await this.store?.getTemplate(idHex)
  }

  latest(): BookEntry | undefined {
    let last: BookEntry | undefined
    for (const e of this.entries.values()) last = e
    return last
  }
}
