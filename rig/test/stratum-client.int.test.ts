// The Stratum client against a scripted pool on loopback (a plain TCP server the test drives line by
// line): replies to mining.ping and client.get_version, a bad line skipped without losing the session,
// resume with the session id and the plain-subscribe fallback, and an endless line cut off.
import { createServer, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { MAX_POOL_LINE_BYTES, RIG_USER_AGENT } from '../src/constants'
import { StratumClient, type Disconnect, type PoolSession } from '../src/stratum-client'

interface ScriptedConnection {
  socket: Socket
  /** The next line the client sent, parsed. */
  next: () => Promise<any>
  send: (obj: unknown) => void
}

let server: Server | undefined
let client: StratumClient | undefined
afterEach(async () => {
  client?.stop()
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())))
  server = undefined
})

/** A pool whose connections the test scripts; resolves with its port and a queue of connections. */
async function scriptedPool(): Promise<{ port: number; connection: () => Promise<ScriptedConnection> }> {
  const waiting: Array<(c: ScriptedConnection) => void> = []
  const ready: ScriptedConnection[] = []
  server = createServer((socket) => {
    let buffer = ''
    const lines: string[] = []
    const readers: Array<(line: string) => void> = []
    socket.setEncoding('utf8')
    socket.on('error', () => {})
    socket.on('data', (chunk: string) => {
      buffer += chunk
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i)
        buffer = buffer.slice(i + 1)
        const reader = readers.shift()
        if (reader !== undefined) reader(line)
        else lines.push(line)
      }
    })
    const conn: ScriptedConnection = {
      socket,
      next: async () => JSON.parse(lines.shift() ?? (await new Promise<string>((resolve) => readers.push(resolve)))),
      send: (obj) => socket.write(JSON.stringify(obj) + '\n')
    }
    const w = waiting.shift()
    if (w !== undefined) w(conn)
    else ready.push(conn)
  })
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {
    port: address.port,
    connection: async () => ready.shift() ?? (await new Promise((resolve) => waiting.push(resolve)))
  }
}

const NOTIFY = {
  id: null,
  method: 'mining.notify',
  params: ['j1', '00'.repeat(32), '01', '02', [], '20000000', '1d00ffff', '6553f100', true]
}

/** Answers the client's authorize (which must follow the subscribe reply). */
async function authorize(conn: ScriptedConnection): Promise<void> {
  const auth = await conn.next()
  expect(auth.method).toBe('mining.authorize')
  expect(auth.params).toEqual(['addr.w', 'x'])
  conn.send({ id: auth.id, result: true, error: null })
}

describe('Stratum client against a scripted pool', () => {
  it('answers ping and get_version, skips a bad line, resumes with its session id and falls back to a plain subscribe', async () => {
    const pool = await scriptedPool()
    client = new StratumClient({ endpoint: { host: '127.0.0.1', port: pool.port }, user: 'addr.w', password: 'x' })
    const sessions: PoolSession[] = []
    const notifies: string[] = []
    const badLines: string[] = []
    client.on('session', (s) => sessions.push(s))
    client.on('notify', (n) => notifies.push(n.jobId))
    client.on('bad-line', (r) => badLines.push(r))
    client.start()

    const first = await pool.connection()
    const sub = await first.next()
    expect(sub).toEqual({ id: 1, method: 'mining.subscribe', params: [RIG_USER_AGENT] })
    first.send({
      id: 1,
      result: [
        [
          ['mining.set_difficulty', 'sess1'],
          ['mining.notify', 'sess1']
        ],
        '0a0b0c0d',
        4
      ],
      error: null
    })
    await authorize(first)
    first.send({ id: 's1', method: 'mining.ping', params: [] })
    expect(await first.next()).toEqual({ id: 's1', result: 'pong', error: null })
    first.send({ id: 9, method: 'client.get_version', params: [] })
    expect(await first.next()).toEqual({ id: 9, result: RIG_USER_AGENT, error: null })
    first.socket.write('{this is not json\n')
    first.send(NOTIFY)
    first.send({ id: 10, method: 'client.add_peers', params: [] })
    const unknown = await first.next()
    expect(unknown.id).toBe(10)
    expect(unknown.error[0]).toBe(20)
    expect(notifies).toEqual(['j1'])
    expect(badLines).toEqual(['invalid JSON'])
    first.socket.destroy()

    const second = await pool.connection()
    const resume = await second.next()
    expect(resume.params).toEqual([RIG_USER_AGENT, 'sess1'])
    second.send({ id: 1, result: null, error: [20, 'cannot resume', null] })
    const plain = await second.next()
    expect(plain.params).toEqual([RIG_USER_AGENT])
    second.send({ id: 1, result: [[['mining.notify', 'sess2']], '11223344', 4], error: null })
    await authorize(second)
    expect(sessions.map((s) => s.resumed)).toEqual([false, false])
    expect(Buffer.from(sessions[1].extranonce1).toString('hex')).toBe('11223344')
  })

  it('a line longer than the limit ends the connection (then it reconnects)', async () => {
    const pool = await scriptedPool()
    client = new StratumClient({ endpoint: { host: '127.0.0.1', port: pool.port }, user: 'addr.w', password: 'x' })
    const disconnects: Disconnect[] = []
    client.on('disconnected', (d) => disconnects.push(d))
    client.start()
    const first = await pool.connection()
    await first.next()
    first.send({ id: 1, result: [[['mining.notify', 's']], '01020304', 4], error: null })
    await authorize(first)
    first.socket.write('x'.repeat(MAX_POOL_LINE_BYTES + 10))
    const second = await pool.connection()
    expect((await second.next()).method).toBe('mining.subscribe')
    expect(disconnects).toHaveLength(1)
    expect(disconnects[0].reason).toMatch(/without a newline/)
    expect(disconnects[0].stage).toBe('mining')
  })
})
