// /otedama/<net>/sync/1 and /otedama/<net>/template/1: one request frame, one reply frame per stream.
// Servers bound every reply and rate-limit each peer; clients bound what they read and page through a
// window with the tip the first reply named, so a moving tip cannot make them loop.
import { createLogger } from '../log'
import { FrameError, type FrameStream } from './frame-stream'
import {
  MAX_SHARE_MESSAGE_BYTES,
  MAX_TEMPLATE_REPLY_FRAME_BYTES,
  SYNC_MAX_REPLY_BYTES,
  SYNC_MAX_REQUEST_BYTES,
  SYNC_MAX_SHARES_PER_REPLY,
  SYNC_REQUEST_BURST,
  SYNC_REQUESTS_PER_SECOND,
  SYNC_TIMEOUT_MS,
  TEMPLATE_FETCH_TIMEOUT_MS,
  TEMPLATE_REQUEST_BURST,
  TEMPLATE_REQUESTS_PER_SECOND
} from './limits'
import { PeerRateLimiter } from './rate-limiter'
import { answerFrame, requestFrame, type ExchangeLimits } from './frame-exchange'
import {
  decodeSyncReply,
  decodeSyncRequest,
  decodeTemplateReply,
  decodeTemplateRequest,
  emptySyncReply,
  encodeSyncReply,
  encodeSyncRequest,
  encodeTemplateReply,
  encodeTemplateRequest,
  TEMPLATE_ID_BYTES,
  type SyncReply,
  type SyncRequest,
  type TemplateReply
} from './sync-codec'
import { errorMessage } from '../util'

const log = createLogger('p2p:sync')

/** What a node that serves sync must offer; C's share chain implements it. Shares are encoded bytes. */
export interface ShareSyncSource {
  /** Id of the best tip, or undefined when the chain is empty. */
  bestTip(): Uint8Array | undefined
  /**
   * Walking back from `tip` (tip first), skip `skip` shares then return up to `count`; `more` is true when
   * older shares of the window remain. Undefined when `tip` is unknown.
   */
  window(tip: Uint8Array, skip: number, count: number): WindowPage | undefined | Promise<WindowPage | undefined>
  /** The shares among `ids` that are known, in any order. */
  sharesById(ids: Uint8Array[]): Uint8Array[] | Promise<Uint8Array[]>
}

export interface WindowPage {
  shares: Uint8Array[]
  more: boolean
}

export interface FullTemplateSource {
  /** The full template (serialized by the template owner's format) for a template id, if held. */
  fullTemplate(templateId: Uint8Array): Uint8Array | undefined | Promise<Uint8Array | undefined>
}

export class SyncServer {
  private readonly limiter: PeerRateLimiter
  served = 0
  refused = 0

  private readonly maxItemBytes: number

  /** `maxItemBytes`: largest item served (shares by default; the devnet block protocol serves blocks). */
  constructor(
    private readonly source: ShareSyncSource,
    limits: { ratePerSecond?: number; burst?: number; maxItemBytes?: number } = {}
  ) {
    this.limiter = new PeerRateLimiter(
      limits.ratePerSecond ?? SYNC_REQUESTS_PER_SECOND,
      limits.burst ?? SYNC_REQUEST_BURST
    )
    this.maxItemBytes = limits.maxItemBytes ?? MAX_SHARE_MESSAGE_BYTES
  }

  async handle(stream: FrameStream, peer: string): Promise<void> {
    try {
      await answerFrame(stream, SYNC_EXCHANGE, async () => encodeSyncReply(await this.answer(stream, peer)))
    } catch (err) {
      log.debug(`sync with ${peer} failed: ${errorMessage(err)}`)
    }
  }

  private async answer(stream: FrameStream, peer: string): Promise<SyncReply> {
    if (!this.limiter.tryTake(peer)) {
      this.refused++
      return emptySyncReply('rate-limited')
    }
    let request: SyncRequest
    try {
      request = decodeSyncRequest(await stream.read(SYNC_MAX_REQUEST_BYTES))
    } catch (err) {
      if (err instanceof FrameError && err.code === 'truncated') throw err
      this.refused++
      return emptySyncReply('bad-request')
    }
    this.served++
    if (request.kind === 'byId') {
      return {
        ...emptySyncReply('ok'),
        shares: boundShares(await this.source.sharesById(request.ids), this.maxItemBytes).shares
      }
    }
    const tip = request.tip ?? this.source.bestTip()
    if (tip === undefined) return emptySyncReply('ok') // empty chain: nothing to send
    const page = await this.source.window(tip, request.skip, Math.min(request.count, SYNC_MAX_SHARES_PER_REPLY))
    if (page === undefined) return emptySyncReply('unknown-tip')
    const bounded = boundShares(page.shares, this.maxItemBytes)
    return { status: 'ok', tip, shares: bounded.shares, more: page.more || bounded.truncated }
  }
}

/** Keeps a reply within SYNC_MAX_SHARES_PER_REPLY shares and SYNC_MAX_REPLY_BYTES. */
function boundShares(shares: Uint8Array[], maxItemBytes: number): { shares: Uint8Array[]; truncated: boolean } {
  const out: Uint8Array[] = []
  let bytes = 0
  for (const share of shares) {
    if (share.length > maxItemBytes) continue
    if (out.length >= SYNC_MAX_SHARES_PER_REPLY || bytes + share.length + 4 > SYNC_MAX_REPLY_BYTES - 64) {
      return { shares: out, truncated: true }
    }
    out.push(share)
    bytes += share.length + 4
  }
  return { shares: out, truncated: false }
}

/** One request over an opened stream. Throws SyncError on a refusal or a malformed reply. */
export async function requestSync(
  stream: FrameStream,
  request: SyncRequest,
  maxItemBytes: number = MAX_SHARE_MESSAGE_BYTES
): Promise<SyncReply> {
  const reply = decodeSyncReply(
    await requestFrame(stream, encodeSyncRequest(request), SYNC_MAX_REPLY_BYTES, SYNC_EXCHANGE),
    maxItemBytes
  )
  if (reply.status !== 'ok') throw new SyncError(reply.status, `sync peer answered ${reply.status}`)
  return reply
}

const SYNC_EXCHANGE: ExchangeLimits = {
  timeoutMs: SYNC_TIMEOUT_MS,
  timeoutError: () => new SyncError('timeout', `no answer within ${SYNC_TIMEOUT_MS} ms`)
}
const TEMPLATE_EXCHANGE: ExchangeLimits = {
  timeoutMs: TEMPLATE_FETCH_TIMEOUT_MS,
  timeoutError: () => new SyncError('timeout', `no answer within ${TEMPLATE_FETCH_TIMEOUT_MS} ms`)
}

export class SyncError extends Error {
  constructor(
    readonly status: string,
    message: string
  ) {
    super(message)
    this.name = 'SyncError'
  }
}

/**
 * Fetches the window from a peer's best tip backwards, up to `maxShares`, one page per stream.
 * Shares come back tip first; the caller validates them (oldest first) with the share chain.
 */
export async function fetchWindow(
  openStream: () => Promise<FrameStream>,
  maxShares: number
): Promise<{ tip?: Uint8Array; shares: Uint8Array[] }> {
  const shares: Uint8Array[] = []
  let tip: Uint8Array | undefined
  while (shares.length < maxShares) {
    const page = await fetchAncestorPage(
      openStream,
      tip,
      shares.length,
      Math.min(SYNC_MAX_SHARES_PER_REPLY, maxShares - shares.length)
    )
    tip ??= page.tip
    shares.push(...page.shares)
    if (!page.more || page.shares.length === 0) break
  }
  return { tip, shares }
}

export class TemplateServer {
  private readonly limiter = new PeerRateLimiter(TEMPLATE_REQUESTS_PER_SECOND, TEMPLATE_REQUEST_BURST)

  constructor(private readonly source: FullTemplateSource) {}

  async handle(stream: FrameStream, peer: string): Promise<void> {
    try {
      await answerFrame(stream, TEMPLATE_EXCHANGE, async () => encodeTemplateReply(await this.answer(stream, peer)))
    } catch (err) {
      log.debug(`template fetch by ${peer} failed: ${errorMessage(err)}`)
    }
  }

  private async answer(stream: FrameStream, peer: string): Promise<TemplateReply> {
    if (!this.limiter.tryTake(peer)) return { status: 'rate-limited' }
    let id: Uint8Array | undefined
    try {
      id = decodeTemplateRequest(await stream.read(TEMPLATE_ID_BYTES))
    } catch (err) {
      if (err instanceof FrameError && err.code === 'truncated') throw err
    }
    if (id === undefined) return { status: 'bad-request' }
    const template = await this.source.fullTemplate(id)
    return template === undefined ? { status: 'unavailable' } : { status: 'ok', template }
  }
}

export async function requestTemplate(stream: FrameStream, templateId: Uint8Array): Promise<Uint8Array> {
  const reply = decodeTemplateReply(
    await requestFrame(stream, encodeTemplateRequest(templateId), MAX_TEMPLATE_REPLY_FRAME_BYTES, TEMPLATE_EXCHANGE)
  )
  if (reply.status !== 'ok') throw new SyncError(reply.status, `template peer answered ${reply.status}`)
  return reply.template
}

/**
 * The window from a given share backwards (skip, count), as the parent fetcher's branch walks read it:
 * one request per page, the tip the page was walked from (a peer names its best tip when asked for none).
 */
export async function fetchAncestorPage(
  openStream: () => Promise<FrameStream>,
  tip: Uint8Array | undefined,
  skip: number,
  count: number,
  maxItemBytes: number = MAX_SHARE_MESSAGE_BYTES
): Promise<{ shares: Uint8Array[]; more: boolean; tip?: Uint8Array }> {
  const reply = await requestSync(await openStream(), { kind: 'window', tip, skip, count }, maxItemBytes)
  return reply.shares.length > 0
    ? { shares: reply.shares, more: reply.more, tip: reply.tip }
    : { shares: [], more: false }
}
