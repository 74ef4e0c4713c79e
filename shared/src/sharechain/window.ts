// The PPLNS window, maintained incrementally (docs/design.md, Share-chain rules): the last `capacity`
// main-chain shares ending at `newest` and the uncles they name, with per-script weight sums. A share
// weighs its own target's work; an uncle weighs its work less the penalty, which goes to the share
// that named it (so the window's total is all the work it stands for). Advancing to a child or retreating to the
// parent is O(1); moving to any node walks back to the fork point and forward, never rescanning.
import { Deque } from './deque'
import type { ShareNode } from './node'
import type { PayoutBasis, PayoutWeight } from './payouts'

export class PplnsWindow {
  private readonly shares = new Deque<ShareNode>()
  private readonly weights = new Map<string, PayoutWeight>()
  private total = 0n

  constructor(
    readonly capacity: number,
    readonly unclePenaltyPercent = 0
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`window capacity must be >= 1, got ${capacity}`)
  }

  get newest(): ShareNode | undefined {
    return this.shares.back()
  }

  get oldest(): ShareNode | undefined {
    return this.shares.front()
  }

  get length(): number {
    return this.shares.length
  }

  get totalWeight(): bigint {
    return this.total
  }

  get payeeCount(): number {
    return this.weights.size
  }

  weightOf(scriptKey: string): bigint {
    return this.weights.get(scriptKey)?.weight ?? 0n
  }

  /** Appends a child of `newest` (or a first node to an empty window). */
  advance(node: ShareNode): void {
    this.shares.pushBack(node)
    this.add(node)
    if (this.shares.length > this.capacity) this.remove(this.shares.popFront()!)
  }

  /** Drops `newest`; the share before the tail re-enters, so the window ends at the parent. */
  retreat(): void {
    const dropped = this.shares.popBack()
    if (!dropped) return
    this.remove(dropped)
    const refill = this.shares.length ? this.shares.front()!.parent : dropped.parent
    if (refill && this.shares.length < this.capacity) {
      this.shares.pushFront(refill)
      this.add(refill)
    }
  }

  /** Makes the window end at `target`: back to the fork point, then forward. O(distance). */
  moveTo(target: ShareNode | undefined): void {
    const forward: ShareNode[] = []
    let a = this.newest
    let b = target
    while (a !== b) {
      if (b && (!a || b.height >= a.height)) {
        forward.push(b)
        b = b.parent
      } else {
        this.retreat()
        a = this.newest
      }
    }
    for (let i = forward.length - 1; i >= 0; i--) this.advance(forward[i])
  }

  /** Payees sorted by script bytes (hex order), for payout computation. */
  basis(): PayoutBasis {
    const weights = [...this.weights.values()].map((w) => ({ ...w }))
    weights.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
    return { parentId: this.newest?.id, weights, totalWeight: this.total }
  }

  private add(node: ShareNode): void {
    let own = node.work
    for (const uncle of node.uncles) {
      const credit = uncleCredit(uncle.work, this.unclePenaltyPercent)
      own += uncle.work - credit
      this.credit(uncle, credit)
    }
    this.credit(node, own)
    this.total += node.poolWork
  }

  private remove(node: ShareNode): void {
    let own = node.work
    for (const uncle of node.uncles) {
      const credit = uncleCredit(uncle.work, this.unclePenaltyPercent)
      own += uncle.work - credit
      this.credit(uncle, -credit)
    }
    this.credit(node, -own)
    this.total -= node.poolWork
  }

  private credit(node: ShareNode, amount: bigint): void {
    if (amount === 0n) return
    const w = this.weights.get(node.payoutKey)
    if (w) {
      w.weight += amount
      if (w.weight === 0n) this.weights.delete(node.payoutKey)
    } else this.weights.set(node.payoutKey, { script: node.payoutScript, key: node.payoutKey, weight: amount })
  }
}

/** What an uncle's miner is credited: its work less the penalty, rounded down (integers). */
export function uncleCredit(work: bigint, penaltyPercent: number): bigint {
  return (work * BigInt(100 - penaltyPercent)) / 100n
}
