// /otedama/<net>/share-push/1: a peer pushes one share to a relay and reads back the relay's verdict.
// Gossipsub drops a re-publish of a message id it saw within its seen TTL (in the sender and in every
// relay), so a share re-sent over gossip within that time reaches nobody; a push is judged afresh.
// Request: one frame, the encoded share (at most the share topic's size limit). Reply: one frame, the
// verdict: a kind byte (0 accept, 1 reject, 2 ignore) then the reason as printable ASCII (validators'
// reasons are identifiers; anything else is sent as '?'), cut to fit the frame.
// The server rate-limits each peer and bounds every exchange in time; what it does with the share
// (validation, scoring, forwarding) is its `judge`'s.
import { createLogger } from '../log'
import { errorMessage } from '../util'
import { FrameError, type FrameStream } from './frame-stream'
import {
  SHARE_PUSH_BURST,
  SHARE_PUSH_MAX_REPLY_BYTES,
  SHARE_PUSH_MAX_REQUEST_BYTES,
  SHARE_PUSH_TIMEOUT_MS,
  SHARE_PUSHES_PER_SECOND
} from './limits'
import { PeerRateLimiter } from './rate-limiter'
import { answerFrame, requestFrame, type ExchangeLimits } from './frame-exchange'
import { ACCEPT, ignore, reject, type Verdict } from './verdict'

const log = createLogger('p2p:share-push')

const KIND_BYTES = { accept: 0, reject: 1, ignore: 2 } as const
const KINDS = ['accept', 'reject', 'ignore'] as const

export function encodePushVerdict(verdict: Verdict): Uint8Array {
  const reason = verdict.kind === 'accept' ? '' : verdict.reason
  const length = Math.min(reason.length, SHARE_PUSH_MAX_REPLY_BYTES - 1)
  const out = new Uint8Array(1 + length)
  out[0] = KIND_BYTES[verdict.kind]
  for (let i = 0; i < length; i++) out[1 + i] = printable(reason.charCodeAt(i))
  return out
}

/** Throws SharePushError('bad-reply') on an empty frame or an unknown kind. */
export function decodePushVerdict(bytes: Uint8Array): Verdict {
  const kind = bytes.length === 0 ? undefined : KINDS[bytes[0]]
  if (kind === undefined) throw new SharePushError('bad-reply', 'share push reply has no known verdict kind')
  let reason = ''
  for (const byte of bytes.subarray(1)) reason += String.fromCharCode(printable(byte))
  return kind === 'accept' ? ACCEPT : kind === 'reject' ? reject(reason) : ignore(reason)
}

/** A printable ASCII code as is, anything else as '?' (a reason is shown in logs). */
function printable(code: number): number {
  return code >= 0x20 && code < 0x7f ? code : 0x3f
}

export class SharePushError extends Error {
  constructor(
    readonly code: 'bad-reply' | 'too-large' | 'timeout',
    message: string
  ) {
    super(message)
    this.name = 'SharePushError'
  }
}

export interface SharePushServerOptions<P> {
  /** Judges a pushed share as live gossip from `peer` would be (validation, scoring, forwarding). */
  judge(share: Uint8Array, peer: P): Promise<Verdict>
  /** A frame above the share limit: never sent by an honest peer (pushShare refuses it). */
  onOversized?(peer: P): void
  ratePerSecond?: number
  burst?: number
}

export class SharePushServer<P extends { toString(): string }> {
  private readonly limiter: PeerRateLimiter
  /** Judged pushes by verdict; `refused`: over rate or oversized, never judged. */
  accepted = 0
  rejected = 0
  ignored = 0
  refused = 0

  constructor(private readonly options: SharePushServerOptions<P>) {
    this.limiter = new PeerRateLimiter(
      options.ratePerSecond ?? SHARE_PUSHES_PER_SECOND,
      options.burst ?? SHARE_PUSH_BURST
    )
  }

  async handle(stream: FrameStream, peer: P): Promise<void> {
    try {
      await answerFrame(stream, PUSH_EXCHANGE, async () => encodePushVerdict(await this.answer(stream, peer)))
    } catch (err) {
      log.debug(`share push by ${peer.toString()} failed: ${errorMessage(err)}`)
    }
  }

  private async answer(stream: FrameStream, peer: P): Promise<Verdict> {
    if (!this.limiter.tryTake(peer.toString())) {
      this.refused++
      return ignore('rate-limited')
    }
    let share: Uint8Array
    try {
      share = await stream.read(SHARE_PUSH_MAX_REQUEST_BYTES)
    } catch (err) {
      if (err instanceof FrameError && err.code === 'too-large') {
        this.refused++
        this.options.onOversized?.(peer)
        return reject('too-large')
      }
      throw err
    }
    const verdict = await this.options.judge(share, peer)
    this.count(verdict)
    return verdict
  }

  private count(verdict: Verdict): void {
    if (verdict.kind === 'accept') this.accepted++
    else if (verdict.kind === 'reject') this.rejected++
    else this.ignored++
  }
}

/** Pushes one share over an opened stream; resolves with the relay's verdict. */
export async function pushShare(stream: FrameStream, share: Uint8Array): Promise<Verdict> {
  if (share.length > SHARE_PUSH_MAX_REQUEST_BYTES) {
    stream.abort(new SharePushError('too-large', 'share above the push limit'))
    throw new SharePushError(
      'too-large',
      `share of ${share.length} bytes above the ${SHARE_PUSH_MAX_REQUEST_BYTES}-byte limit`
    )
  }
  return decodePushVerdict(await requestFrame(stream, share, SHARE_PUSH_MAX_REPLY_BYTES, PUSH_EXCHANGE))
}

const PUSH_EXCHANGE: ExchangeLimits = {
  timeoutMs: SHARE_PUSH_TIMEOUT_MS,
  timeoutError: () => new SharePushError('timeout', `no verdict within ${SHARE_PUSH_TIMEOUT_MS} ms`)
}
