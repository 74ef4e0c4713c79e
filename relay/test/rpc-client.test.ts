import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RpcCallError, RpcClient, RpcProtocolError, RpcTransportError } from '../src/rpc'

// A tiny local HTTP server that answers each method with a scripted (often hostile) reply.
type Reply = (req: IncomingMessage, res: ServerResponse, call: { id: number, method: string }) => void
const replies: Record<string, Reply> = {
  ok: (_req, res, call) => res.end(JSON.stringify({ result: 42, error: null, id: call.id })),
  garbage: (_req, res) => res.end('<html>not json</html>'),
  array: (_req, res) => res.end('[1,2,3]'),
  wrongId: (_req, res, call) => res.end(JSON.stringify({ result: 1, error: null, id: call.id + 1 })),
  noResult: (_req, res, call) => res.end(JSON.stringify({ id: call.id })),
  badError: (_req, res, call) => res.writeHead(500).end(JSON.stringify({ result: null, error: 'boom', id: call.id })),
  daemonError: (_req, res, call) => res.writeHead(500).end(JSON.stringify({ result: null, error: { code: -8, message: 'rules must be set' }, id: call.id })),
  huge: (_req, res) => { res.write('{"result":"'); res.end('a'.repeat(64 * 1024) + '"}') },
  hang: () => { /* never answers */ },
  unauthorized: (_req, res) => res.writeHead(401).end(),
  notFound: (_req, res) => res.writeHead(404).end('nope'),
  echoAuth: (req, res, call) => res.end(JSON.stringify({ result: req.headers.authorization ?? null, error: null, id: call.id }))
}

let server: Server
let url: string
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => { body += d.toString() })
    req.on('end', () => {
      const call = JSON.parse(body) as { id: number, method: string }
      const reply = replies[call.method]
      if (reply === undefined) res.writeHead(404).end()
      else reply(req, res, call)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const client = (extra: Partial<ConstructorParameters<typeof RpcClient>[0]> = {}): RpcClient =>
  new RpcClient({ url, auth: { kind: 'userpass', user: 'u', password: 'p' }, timeoutMs: 300, maxResponseBytes: 16 * 1024, ...extra })

describe('RPC client against malformed and hostile answers', () => {
  it('returns the result of a well-formed answer', async () => {
    expect(await client().call('ok')).toBe(42)
  })

  it.each([
    ['garbage', RpcProtocolError, /not JSON/],
    ['array', RpcProtocolError, /not a JSON-RPC object/],
    ['wrongId', RpcProtocolError, /id .* is not ours/],
    ['noResult', RpcProtocolError, /neither result nor error/],
    ['badError', RpcProtocolError, /malformed error object/],
    ['huge', RpcTransportError, /exceeds the 16384-byte limit/],
    ['hang', RpcTransportError, /no answer within 300 ms/],
    ['unauthorized', RpcTransportError, /refused our RPC credentials/],
    ['notFound', RpcTransportError, /HTTP 404/]
  ])('%s → a clear %s', async (method, errorClass, message) => {
    const call = client().call(method)
    await expect(call).rejects.toBeInstanceOf(errorClass)
    await expect(call).rejects.toThrow(message)
  })

  it("passes the daemon's own error code and message on", async () => {
    const err = await client().call('daemonError').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RpcCallError)
    expect((err as RpcCallError).code).toBe(-8)
    expect((err as RpcCallError).message).toBe('daemonError: daemon error -8: rules must be set')
  })

  it('reports an unreachable daemon', async () => {
    const err = await new RpcClient({ url: 'http://127.0.0.1:1', auth: { kind: 'none' } }).call('ok').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RpcTransportError)
    expect((err as RpcTransportError).code).toBe('unreachable')
  })

  it('sends cookie credentials and explains a missing cookie file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otedama-cookie-'))
    const cookieFile = join(dir, '.cookie')
    writeFileSync(cookieFile, '__cookie__:secret\n')
    expect(await client({ auth: { kind: 'cookie', cookieFile } }).call('echoAuth')).toBe('Basic ' + Buffer.from('__cookie__:secret').toString('base64'))
    await expect(client({ auth: { kind: 'cookie', cookieFile: join(dir, 'missing') } }).call('ok')).rejects.toThrow(/cannot read RPC cookie file/)
  })
})
