// The frame adapter over real libp2p 3 message streams (@libp2p/utils' in-memory stream pair): the wire bytes
// (u32 big-endian length + payload), frames split across chunks or packed into one, the read bound checked on
// the length alone, a stream that ends mid-frame, and one sync exchange end to end. Node 20 needs the relay's
// runtime shims (Promise.withResolvers) for libp2p's streams, as the relay itself does.
import '../../src/p2p/shims'
import type { Stream } from '@libp2p/interface'
import { streamPair } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import {
  decodeSyncReply,
  FrameError,
  frameStream,
  MAX_TEMPLATE_REPLY_BYTES,
  requestSync,
  requestTemplate,
  SyncServer,
  TEMPLATE_ID_BYTES,
  TemplateServer,
  type ShareSyncSource
} from '@otedama/shared/p2p'

const open: Stream[] = []

async function pair(): Promise<[Stream, Stream]> {
  const streams = await streamPair()
  open.push(...streams)
  return streams
}

afterEach(() => {
  for (const stream of open.splice(0)) stream.abort(new Error('test over'))
})

/** Resolves once `stream` has delivered a chunk to its readers (so what is sent next is a separate chunk). */
function delivered(stream: Stream): Promise<void> {
  return new Promise((resolve) => stream.addEventListener('message', () => resolve(), { once: true }))
}

/** The raw bytes `stream` receives, once `length` of them have arrived. */
function receiveRaw(stream: Stream, length: number): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = []
    let got = 0
    stream.addEventListener('message', (evt) => {
      const bytes = evt.data.subarray()
      chunks.push(bytes)
      got += bytes.length
      if (got >= length) resolve(concat(...chunks))
    })
  })
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

function prefix(length: number): Uint8Array {
  const bytes = new Uint8Array(4)
  new DataView(bytes.buffer).setUint32(0, length, false)
  return bytes
}

const payload = (n: number, fill = 7): Uint8Array => new Uint8Array(n).fill(fill)

describe('frame stream', () => {
  it('writes a u32 big-endian length then the payload, as the wire format always was', async () => {
    const [a, b] = await pair()
    const raw = receiveRaw(b, 4 + 300)
    await frameStream(a).write(payload(300))
    expect(await raw).toEqual(concat(Uint8Array.of(0, 0, 1, 44), payload(300)))
  })

  it('reads a frame whose prefix and payload are split across chunks', async () => {
    const [a, b] = await pair()
    const frames = frameStream(b)
    const reading = frames.read(1024)
    const bytes = concat(prefix(500), payload(500, 3))
    for (const [from, to] of [
      [0, 2],
      [2, 200],
      [200, bytes.length]
    ]) {
      const arrived = delivered(b)
      a.send(bytes.subarray(from, to))
      await arrived
    }
    expect(await reading).toEqual(payload(500, 3))
  })

  it('reads several frames that arrive in one chunk, in order', async () => {
    const [a, b] = await pair()
    const frames = frameStream(b)
    a.send(concat(prefix(3), Uint8Array.of(1, 2, 3), prefix(0), prefix(2), Uint8Array.of(9, 8)))
    expect(await frames.read(16)).toEqual(Uint8Array.of(1, 2, 3))
    expect(await frames.read(16)).toEqual(new Uint8Array(0))
    expect(await frames.read(16)).toEqual(Uint8Array.of(9, 8))
  })

  it('round-trips frames written through the adapter on both ends', async () => {
    const [a, b] = await pair()
    const left = frameStream(a)
    const right = frameStream(b)
    await left.write(payload(10, 1))
    expect(await right.read(10)).toEqual(payload(10, 1))
    await right.write(payload(20_000, 2))
    expect(await left.read(20_000)).toEqual(payload(20_000, 2))
  })

  it('refuses a frame above the read bound on its length alone, with the size and the limit', async () => {
    const [a, b] = await pair()
    a.send(prefix(1025)) // no payload follows: the refusal cannot have waited for it
    const err = await frameStream(b)
      .read(1024)
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FrameError)
    expect(err).toMatchObject({ code: 'too-large', message: 'frame of 1025 bytes above the 1024-byte limit' })
  })

  it('cuts off a peer that sends more than one frame of the stream limit unread', async () => {
    const [a, b] = await pair()
    const frames = frameStream(b, 64)
    a.send(concat(prefix(32), payload(32), prefix(32), payload(32)))
    await expect(frames.read(64)).rejects.toMatchObject({ name: 'FrameError', code: 'too-large' })
  })

  it('refuses a read bound above the stream limit (a caller bug, not a peer fault)', async () => {
    const [, b] = await pair()
    await expect(frameStream(b, 64).read(65)).rejects.toThrow(RangeError)
  })

  it('reports a stream that ends mid-frame, or before any frame, as truncated', async () => {
    const [a, b] = await pair()
    a.send(concat(prefix(10), Uint8Array.of(1, 2, 3)))
    await a.close()
    await expect(frameStream(b).read(16)).rejects.toMatchObject({ name: 'FrameError', code: 'truncated' })

    const [c, d] = await pair()
    await c.close()
    await expect(frameStream(d).read(16)).rejects.toMatchObject({ name: 'FrameError', code: 'truncated' })
  })

  it('carries a sync exchange: a request frame out, the reply frame back', async () => {
    const [a, b] = await pair()
    const shares = [payload(100, 1), payload(200, 2)]
    const tip = new Uint8Array(32).fill(5)
    const source: ShareSyncSource = {
      bestTip: () => tip,
      window: (_tip, skip, count) => ({ shares: shares.slice(skip, skip + count), more: false }),
      sharesById: () => []
    }
    const served = new SyncServer(source).handle(frameStream(b), 'peer-b')
    const reply = await requestSync(frameStream(a), { kind: 'window', skip: 0, count: 10 })
    await served
    expect(reply).toEqual({ status: 'ok', tip, shares, more: false })
  })

  it("carries a template of the largest size a reply may hold (above libp2p's default 4 MiB read buffer)", async () => {
    const [a, b] = await pair()
    const id = new Uint8Array(TEMPLATE_ID_BYTES).fill(4)
    const template = payload(MAX_TEMPLATE_REPLY_BYTES, 6)
    const served = new TemplateServer({
      fullTemplate: (asked) => (asked.every((x, i) => x === id[i]) ? template : undefined)
    }).handle(frameStream(b), 'peer-b')
    const got = await requestTemplate(frameStream(a), id)
    await served
    expect(got.length).toBe(template.length)
    expect(got.every((x) => x === 6)).toBe(true)
  })

  it('answers bad-request to an oversized request and still replies on the same stream', async () => {
    const [a, b] = await pair()
    const source: ShareSyncSource = { bestTip: () => undefined, window: () => undefined, sharesById: () => [] }
    const server = new SyncServer(source)
    const served = server.handle(frameStream(b), 'peer-b')
    a.send(prefix(1 << 20))
    const reply = decodeSyncReply(await frameStream(a).read(1024))
    await served
    expect(reply.status).toBe('bad-request')
    expect(server.refused).toBe(1)
  })
})
