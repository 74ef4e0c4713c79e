// Alert delivery to webhooks: a generic JSON POST, Discord's webhook message ({content}) and a Telegram
// bot's sendMessage ({chat_id, text}). Each target has its own queue: events that come together go in
// one request (a relay losing its network can turn a thousand rigs offline in one second), a failed
// request is retried with backoff, and a target that stays down loses its oldest events first, counted,
// never the relay's memory. URLs can hold secrets (Discord's and Telegram's tokens): logs name the host only.
import { createLogger } from '@otedama/shared/log'
import type { AlertsConfig } from '../config/types'
import type { AlertEvent } from './alert-engine'
import { errorMessage } from '@otedama/shared/util'

const log = createLogger('monitor/webhooks')

/** How often a target's queue is sent (ms): events within it travel in one request. */
export const DELIVERY_INTERVAL_MS = 1000
/** Longest a request may take (ms). */
export const DELIVERY_TIMEOUT_MS = 10_000
/** Events one request carries at most (count); the rest go in the next. */
export const MAX_EVENTS_PER_REQUEST = 50
/** Events waiting per target at most (count); the oldest are dropped beyond. */
export const MAX_QUEUED_EVENTS = 1000
/** Retry backoff after a failed request (ms): doubling from the first to the last. */
export const RETRY_FIRST_MS = 1000
export const RETRY_MAX_MS = 60_000
/** Tries per batch before it is dropped (count). */
export const MAX_DELIVERY_ATTEMPTS = 6
/** Discord's limit on a message's content and Telegram's on a message's text (chars). */
export const DISCORD_CONTENT_MAX_CHARS = 2000
export const TELEGRAM_TEXT_MAX_CHARS = 4096

export type WebhookKind = 'json' | 'discord' | 'telegram'

export interface WebhookTarget {
  kind: WebhookKind
  url: string
  /** What logs and the API show of it (scheme and host). */
  label: string
  body: (events: readonly AlertEvent[]) => unknown
}

export interface DeliveryCounters {
  sent: number
  failed: number
  dropped: number
}

/** One line an operator reads at a glance. */
export function eventLine(e: AlertEvent): string {
  return `[${e.state === 'firing' ? 'FIRING' : 'RESOLVED'}] ${e.rule} ${e.subject}: ${e.message}`
}

/** Lines until `maxChars`, then how many were left out. */
function joinLines(events: readonly AlertEvent[], header: string, maxChars: number): string {
  let text = header
  for (let i = 0; i < events.length; i++) {
    const line = eventLine(events[i] as AlertEvent)
    const tail = `\n… and ${events.length - i} more`
    if (text.length + 1 + line.length + (i < events.length - 1 ? tail.length : 0) > maxChars)
      return (text + tail).slice(0, maxChars)
    text += `\n${line}`
  }
  return text
}

function labelOf(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}`
  } catch {
    return 'invalid URL'
  }
}

/** The targets the config names, each with the body its service accepts. */
export function webhookTargets(cfg: AlertsConfig, relayName: string): WebhookTarget[] {
  const header = `${relayName}:`
  const targets: WebhookTarget[] = []
  for (const url of cfg.webhooks)
    targets.push({ kind: 'json', url, label: labelOf(url), body: (events) => ({ relay: relayName, events }) })
  for (const url of cfg.discordWebhooks)
    targets.push({
      kind: 'discord',
      url,
      label: labelOf(url),
      body: (events) => ({ content: joinLines(events, header, DISCORD_CONTENT_MAX_CHARS) })
    })
  const t = cfg.telegram
  if (t !== undefined) {
    const url = `${t.apiUrl.replace(/\/+$/, '')}/bot${t.botToken}/sendMessage`
    targets.push({
      kind: 'telegram',
      url,
      label: labelOf(t.apiUrl),
      body: (events) => ({
        chat_id: t.chatId,
        text: joinLines(events, header, TELEGRAM_TEXT_MAX_CHARS),
        disable_web_page_preview: true
      })
    })
  }
  return targets
}

interface TargetQueue {
  target: WebhookTarget
  queue: AlertEvent[]
  inFlight: boolean
  attempts: number
  retryAt: number
}

export class WebhookDelivery {
  readonly counters: DeliveryCounters = { sent: 0, failed: 0, dropped: 0 }
  private readonly queues: TargetQueue[]
  private readonly timer: ReturnType<typeof setInterval> | undefined
  private readonly requests = new Set<Promise<void>>()

  constructor(
    targets: readonly WebhookTarget[],
    private readonly now: () => number = Date.now
  ) {
    this.queues = targets.map((target) => ({ target, queue: [], inFlight: false, attempts: 0, retryAt: 0 }))
    if (this.queues.length > 0) {
      this.timer = setInterval(() => this.deliver(), DELIVERY_INTERVAL_MS)
      this.timer.unref()
    }
  }

  get targets(): Array<{ kind: WebhookKind; target: string; queued: number }> {
    return this.queues.map((q) => ({ kind: q.target.kind, target: q.target.label, queued: q.queue.length }))
  }

  enqueue(event: AlertEvent): void {
    for (const q of this.queues) {
      q.queue.push(event)
      if (q.queue.length > MAX_QUEUED_EVENTS) {
        q.queue.splice(0, q.queue.length - MAX_QUEUED_EVENTS)
        this.counters.dropped++
      }
    }
  }

  /** Sends what is due now (the timer calls it every DELIVERY_INTERVAL_MS). */
  deliver(): void {
    const now = this.now()
    for (const q of this.queues) {
      if (q.inFlight || q.queue.length === 0 || now < q.retryAt) continue
      const batch = q.queue.slice(0, MAX_EVENTS_PER_REQUEST)
      q.inFlight = true
      const request = this.post(q.target, batch).then((ok) => {
        q.inFlight = false
        if (ok) {
          q.queue.splice(0, batch.length)
          q.attempts = 0
          q.retryAt = 0
          this.counters.sent++
          return
        }
        this.counters.failed++
        q.attempts++
        if (q.attempts >= MAX_DELIVERY_ATTEMPTS) {
          log.warn(
            `${q.target.kind} webhook ${q.target.label}: ${batch.length} alert events dropped after ${q.attempts} failed tries`
          )
          q.queue.splice(0, batch.length)
          this.counters.dropped += batch.length
          q.attempts = 0
          q.retryAt = 0
          return
        }
        q.retryAt = this.now() + Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (q.attempts - 1))
      })
      this.requests.add(request)
      void request.finally(() => this.requests.delete(request))
    }
  }

  private async post(target: WebhookTarget, events: readonly AlertEvent[]): Promise<boolean> {
    try {
      const res = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(target.body(events)),
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS)
      })
      await res.arrayBuffer().catch(() => undefined)
      if (res.ok) return true
      log.warn(`${target.kind} webhook ${target.label} answered HTTP ${res.status}; retrying`)
      return false
    } catch (err) {
      log.warn(`${target.kind} webhook ${target.label}: ${errorMessage(err)}; retrying`)
      return false
    }
  }

  /** Sends what is queued once more, stops the timer, and waits for requests in flight (each ends within DELIVERY_TIMEOUT_MS). */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.deliver()
    await Promise.allSettled([...this.requests])
  }
}
