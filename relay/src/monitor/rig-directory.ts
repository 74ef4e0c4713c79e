// Which rig each per-rig series slot belongs to. Slots are bounded (MAX_RIG_SERIES), so a flood of
// rigs cannot grow the history without end: a rig that finds no free slot is counted in
// `untrackedRigHashrate` instead. A slot is reused only once its rig has had no hashrate for longer than
// the longest tier keeps points, so no point still held names the slot's old rig.
import type { RigSlot } from './history-store'

/** Rigs with their own history series at most (slots); 2 bytes address one in a stored point. */
export const MAX_RIG_SERIES = 2048

export class RigDirectory {
  private readonly slotOf = new Map<string, number>()
  private dirty = false

  constructor(
    private readonly slots: RigSlot[],
    private readonly reuseAfterMs: number,
    private readonly maxSlots = MAX_RIG_SERIES
  ) {
    slots.splice(maxSlots)
    slots.forEach((s, i) => this.slotOf.set(s.rig, i))
  }

  get size(): number {
    return this.slots.length
  }

  /** The rig's slot, marking it seen at `now`; undefined when every slot is held by a rig seen within the reuse age. */
  slotFor(rig: string, now: number): number | undefined {
    const known = this.slotOf.get(rig)
    if (known !== undefined) {
      const slot = this.slots[known] as RigSlot
      slot.lastSeenMs = now
      return known
    }
    let index = this.slots.length
    if (index >= this.maxSlots) {
      index = this.oldestReusable(now)
      if (index < 0) return undefined
      this.slotOf.delete((this.slots[index] as RigSlot).rig)
    }
    this.slots[index] = { rig, lastSeenMs: now }
    this.slotOf.set(rig, index)
    this.dirty = true
    return index
  }

  /** The slot of a rig known to the directory (no update). */
  lookup(rig: string): number | undefined {
    return this.slotOf.get(rig)
  }

  rigs(): string[] {
    return this.slots.map((s) => s.rig)
  }

  /** The directory to store when a slot changed, else undefined; `always` forces it (last-seen times). */
  takeChanges(always = false): RigSlot[] | undefined {
    if (!this.dirty && !always) return undefined
    this.dirty = false
    return this.slots.map((s) => ({ ...s }))
  }

  private oldestReusable(now: number): number {
    let best = -1
    let bestSeen = Number.POSITIVE_INFINITY
    this.slots.forEach((s, i) => {
      if (now - s.lastSeenMs > this.reuseAfterMs && s.lastSeenMs < bestSeen) {
        best = i
        bestSeen = s.lastSeenMs
      }
    })
    return best
  }
}
