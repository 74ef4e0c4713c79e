// Collects small messages for a short window and hands them on as one batch (fewer gossip messages,
// one message id and one validation per batch). Flushes early at an item or byte bound.
import { clearTimer, setTimer, type TimerHandle } from './runtime'
import { BATCH_MAX_BYTES, BATCH_MAX_ITEMS, BATCH_WINDOW_MS } from './limits'

export interface BatcherOptions {
  windowMs?: number
  maxItems?: number
  maxBytes?: number
}

export class Batcher {
  private items: Uint8Array[] = []
  private bytes = 0
  private timer: TimerHandle | undefined
  private readonly windowMs: number
  private readonly maxItems: number
  private readonly maxBytes: number

  constructor(
    private readonly flushTo: (items: Uint8Array[]) => void,
    options: BatcherOptions = {}
  ) {
    this.windowMs = options.windowMs ?? BATCH_WINDOW_MS
    this.maxItems = options.maxItems ?? BATCH_MAX_ITEMS
    this.maxBytes = options.maxBytes ?? BATCH_MAX_BYTES
  }

  add(item: Uint8Array): void {
    if (this.bytes + item.length > this.maxBytes) this.flush()
    this.items.push(item)
    this.bytes += item.length
    if (this.items.length >= this.maxItems || this.bytes >= this.maxBytes) this.flush()
    else this.timer ??= setTimer(() => this.flush(), this.windowMs)
  }

  flush(): void {
    clearTimer(this.timer)
    this.timer = undefined
    if (this.items.length === 0) return
    const items = this.items
    this.items = []
    this.bytes = 0
    this.flushTo(items)
  }

  /** Drops nothing: pending items go out now. */
  close(): void {
    this.flush()
  }
}
