// One request frame, one reply frame, within a deadline: the shape of every request/response protocol we
// speak (sync, devnet blocks, templates, share push), on either side. Reads take no signal of their own,
// so a timer aborts the stream when the exchange is still running at the deadline; any failure aborts the
// stream and is thrown to the caller (clients report it, servers log it).
import type { FrameStream } from './frame-stream'
import { clearTimer, setTimer, timeoutSignal } from './runtime'

export interface ExchangeLimits {
  /** The whole exchange, from the first byte written or read to the close (ms). */
  timeoutMs: number
  /** The error the stream is aborted with at the deadline (the protocol's own, e.g. SyncError 'timeout'). */
  timeoutError: () => Error
}

/** Client side: writes `request`, reads one reply frame of at most `maxReplyBytes`, closes, returns the reply. */
export async function requestFrame(
  stream: FrameStream,
  request: Uint8Array,
  maxReplyBytes: number,
  limits: ExchangeLimits
): Promise<Uint8Array> {
  return await withinDeadline(stream, limits, async (signal) => {
    await stream.write(request, { signal })
    const reply = await stream.read(maxReplyBytes)
    await stream.close({ signal }).catch(() => undefined)
    return reply
  })
}

/** Server side: `answer` reads the request (if any) and returns the reply frame, which is written before the close. */
export async function answerFrame(
  stream: FrameStream,
  limits: ExchangeLimits,
  answer: () => Promise<Uint8Array>
): Promise<void> {
  await withinDeadline(stream, limits, async (signal) => {
    const reply = await answer()
    await stream.write(reply, { signal })
    await stream.close({ signal })
  })
}

async function withinDeadline<T>(
  stream: FrameStream,
  limits: ExchangeLimits,
  run: (signal: ReturnType<typeof timeoutSignal>) => Promise<T>
): Promise<T> {
  const deadline = setTimer(() => stream.abort(limits.timeoutError()), limits.timeoutMs)
  try {
    return await run(timeoutSignal(limits.timeoutMs))
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  } finally {
    clearTimer(deadline)
  }
}
