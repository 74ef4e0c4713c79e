import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RpcCallError, RpcClient, RpcProtocolError, RpcTransportError } from '../src/rpc'
import { DaemonTemplateSource } from '../src/template/daemon-source'
import { coinbaseBudget } from '../src/template/coinbase-room'
import { errorMessage } from '@otedama/shared/util'

// A tiny local HTTP server that answers each method with a scripted (often hostile) reply.
type Reply = (req: IncomingMessage, res: ServerResponse, call: { id: number; method: string }) => void
const replies: Record<string, Reply> = {
  ok: (_req, res, call) => res.end(JSON.stringify({ result: 42, error: null, id: call.id })),
  garbage: (_req, res) => res.end('<html>not json</html>'),
  array: (_req, res) => res.end('[1,2,3]'),
  wrongId: (_req, res, call) => res.end(JSON.stringify({ result: 1, error: null, id: call.id + 1 })),
  noResult: (_req, res, call) => res.end(JSON.stringify({ id: call.id })),
  badError: (_req, res, call) => res.writeHead(500).end(JSON.stringify({ result: null, error: 'boom', id: call.id })),
  daemonError: (_req, res, call) =>
    res
      .writeHead(500)
      .end(JSON.stringify({ result: null, error: { code: -8, message: 'rules must be set' }, id: call.id })),
  huge: (_req, res) => {
    res.write('{"result":"')
    res.end('a'.repeat(64 * 1024) + '"}')
  },
  hang: () => {
    /* never answers */
  },
  unauthorized: (_req, res) => res.writeHead(401).end(),
  notFound: (_req, res) => res.writeHead(404).end('nope'),
  // What litecoind 0.21 answers when -rpcworkqueue is full (later versions: 503), and to an IP outside -rpcallowip.
  workQueue: (_req, res) => res.writeHead(500).end('Work queue depth exceeded'),
  workQueue503: (_req, res) => res.writeHead(503).end('Work queue depth exceeded'),
  forbidden: (_req, res) => res.writeHead(403).end(),
  serverError: (_req, res) => res.writeHead(500).end('<html>proxy error</html>'),
  slow: (_req, res, call) => {
    slow.inFlight++
    slow.peak = Math.max(slow.peak, slow.inFlight)
    setTimeout(() => {
      slow.inFlight--
      res.end(JSON.stringify({ result: call.id, error: null, id: call.id }))
    }, 5)
  },
  echoAuth: (req, res, call) =>
    res.end(JSON.stringify({ result: req.headers.authorization ?? null, error: null, id: call.id })),
  // A fake daemon for the template source: answers set per test.
  getblockhash: (_req, res, call) => res.end(JSON.stringify({ result: daemon.genesis, error: null, id: call.id })),
  getblocktemplate: (_req, res, call) => res.end(JSON.stringify({ result: daemon.template, error: null, id: call.id }))
}
const slow = { inFlight: 0, peak: 0 }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/litecoin-regtest-gbt.json', import.meta.url), 'utf8'))
const LITECOIN_REGTEST_GENESIS = '530827f38f93b43ed12af0b3ad25a288dc02ed74d6d7857862df51fc56c416f9'
const daemon: { genesis: string; template: unknown } = { genesis: LITECOIN_REGTEST_GENESIS, template: fixture.plain }

let server: Server
let url: string
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => {
      body += d.toString()
    })
    req.on('end', () => {
      const call = JSON.parse(body) as { id: number; method: string }
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
  new RpcClient({
    url,
    auth: { kind: 'userpass', user: 'u', password: 'p' },
    timeoutMs: 300,
    maxResponseBytes: 16 * 1024,
    ...extra
  })

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
    ['notFound', RpcTransportError, /HTTP 404.*\/wallet\/<name>/],
    [
      'workQueue',
      RpcTransportError,
      /overloaded \(HTTP 500: its RPC work queue is full\); raise -rpcworkqueue \/ -rpcthreads/
    ],
    ['workQueue503', RpcTransportError, /overloaded \(HTTP 503/],
    ['forbidden', RpcTransportError, /HTTP 403.*-rpcallowip/],
    ['serverError', RpcTransportError, /HTTP 500 .*without a JSON-RPC answer \("<html>proxy error<\/html>"\)/]
  ])('%s → a clear %s', async (method, errorClass, message) => {
    const call = client().call(method)
    await expect(call).rejects.toBeInstanceOf(errorClass)
    await expect(call).rejects.toThrow(message)
  })

  it("passes the daemon's own error code and message on", async () => {
    const err = await client()
      .call('daemonError')
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RpcCallError)
    expect((err as RpcCallError).code).toBe(-8)
    expect((err as RpcCallError).message).toBe('daemonError: daemon error -8: rules must be set')
  })

  it('reports an unreachable daemon and what to check', async () => {
    const err = await new RpcClient({ url: 'http://127.0.0.1:1', auth: { kind: 'none' } })
      .call('ok')
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RpcTransportError)
    expect((err as RpcTransportError).code).toBe('unreachable')
    expect(errorMessage(err)).toMatch(
      /nothing listens at 127\.0\.0\.1:1 \(ECONNREFUSED\): is the daemon running, and is its -rpcport this port\?/
    )
  })

  it('never has more than maxInFlight calls at the daemon; the rest wait in the relay, and every call is seen once', async () => {
    const seen: number[] = []
    const c = client({
      maxInFlight: 3,
      timeoutMs: 5_000,
      observer: { onDispatch: (_m, inFlight) => seen.push(inFlight) }
    })
    slow.peak = 0
    const answers = await Promise.all(Array.from({ length: 40 }, async () => await c.call('slow')))
    expect(new Set(answers).size).toBe(40)
    expect(slow.peak).toBe(3)
    expect(seen).toHaveLength(40)
    expect(Math.max(...seen)).toBe(3)
    expect(c.load()).toEqual({ inFlight: 0, waiting: 0 })
  })

  it('sends cookie credentials and explains a missing cookie file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otedama-cookie-'))
    const cookieFile = join(dir, '.cookie')
    writeFileSync(cookieFile, '__cookie__:secret\n')
    expect(await client({ auth: { kind: 'cookie', cookieFile } }).call('echoAuth')).toBe(
      'Basic ' + Buffer.from('__cookie__:secret').toString('base64')
    )
    await expect(client({ auth: { kind: 'cookie', cookieFile: join(dir, 'missing') } }).call('ok')).rejects.toThrow(
      /cannot read RPC cookie file/
    )
  })
})

describe('daemon template source against a misbehaving daemon', () => {
  async function healthWith(genesis: string, template: unknown): Promise<string> {
    daemon.genesis = genesis
    daemon.template = template
    const source = new DaemonTemplateSource({
      network: 'litecoin-regtest',
      rpc: { url, auth: { kind: 'none' } },
      coinbaseBudget: coinbaseBudget(16, true),
      longpoll: false
    })
    const reason = new Promise<string>((resolve) =>
      source.onHealth((h) => resolve(h.healthy ? 'healthy' : (h.reason ?? '')))
    )
    await source.start()
    const result = await reason
    await source.stop()
    return result
  }

  it('takes a well-formed template', async () => {
    expect(await healthWith(LITECOIN_REGTEST_GENESIS, fixture.plain)).toBe('healthy')
  })

  it('names a rule it does not support', async () => {
    expect(
      await healthWith(LITECOIN_REGTEST_GENESIS, { ...fixture.plain, rules: [...fixture.plain.rules, '!quantum'] })
    ).toMatch(/rule\(s\) !quantum/)
  })

  it('names a malformed template field', async () => {
    expect(await healthWith(LITECOIN_REGTEST_GENESIS, { ...fixture.plain, coinbasevalue: 'lots' })).toMatch(
      /coinbasevalue must be an integer/
    )
  })

  it('refuses a daemon on another chain', async () => {
    const bitcoinGenesis = '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f'
    expect(await healthWith(bitcoinGenesis, fixture.plain)).toMatch(/another chain: its block 0 is 000000000019d6/)
  })
})
