// A Stratum client for tests that speaks like the firmware in docs/field-notes.md (Stratum), and mines by
// really grinding the PoW (node:crypto, independent of the server's @noble/hashes).
//   esp-miner : configure (id 1), subscribe, authorize back to back; suggest_difficulty after the
//               authorize reply; 6-param submits with version bits = rolled ^ job version, "%08lx";
//               answers mining.ping with {"id":X,"method":"pong"}.
//   cpuminer  : subscribe, wait; authorize, wait; every submit has id 4; 5 params; resends the
//               subscription id to resume.
//   cgminer   : configure first and waits (VMASK builds), subscribe, authorize; answers
//               client.get_version; 6 params (version & mask) when rolling.
//   nerdminer : subscribe, then authorize and suggest_difficulty without waiting; 5 params; nonce
//               UPPERCASE and not zero-padded; any reply with error null counts as accepted.
//   bfgminer  : suggest_target with id null before subscribe, capabilities id null,
//               extranonce.subscribe with string id "xnsub".
import { createHash, scryptSync } from 'node:crypto'
import { connect, type Socket } from 'node:net'

/**
 * The shape of our WebAssembly nonce scanner (web/src/miner/kernels/types.ts NonceScanner), restated
 * here because the kernel modules are typed with the DOM's WebAssembly lib, which the relay's
 * tsconfig does not load; `loadKernelScanner` below imports them at run time.
 */
export interface NonceScanner {
  setJob(header80: Uint8Array, target: bigint): void
  scan(startNonce: number, count: number): Array<{ nonce: number; hash: Uint8Array }>
}

/** Loads the sha256d WebAssembly scanner (needs `npm run build:kernels`). */
export async function loadKernelScanner(): Promise<NonceScanner> {
  const modulePath: string = new URL('../../../web/src/miner/kernels/sha256d.node.ts', import.meta.url).href
  const kernels = (await import(modulePath)) as { loadSha256dScanner: () => Promise<NonceScanner> }
  return await kernels.loadSha256dScanner()
}

export type Profile = 'esp-miner' | 'cpuminer' | 'cgminer' | 'nerdminer' | 'bfgminer'

export interface NotifyJob {
  id: string
  prevHash: string
  coinb1: string
  coinb2: string
  branches: string[]
  version: number
  nbits: number
  ntime: number
  clean: boolean
  /** Difficulty that applies to this job (the last set_difficulty before its notify). */
  difficulty: number
}

export interface Message {
  id?: unknown
  method?: string
  params?: unknown[]
  result?: unknown
  error?: unknown
}

export interface RigOptions {
  user: string
  password?: string
  /** esp-miner / nerdminer: the value sent with mining.suggest_difficulty. */
  suggestDifficulty?: number
  /** bfgminer: hex target for suggest_target. */
  suggestTarget?: string
  /** cpuminer/cgminer: subscription id to resume. */
  resumeId?: string
  pow?: 'sha256d' | 'scrypt'
  /** Scale of difficulty 1 (sha256d 0xffff<<208, scrypt 0xffff<<224). */
  diff1Target?: bigint
  extranonceSubscribe?: boolean
  /** sha256d only: grind with our WebAssembly kernel (web/src/miner/kernels, ~4 MH/s a thread) instead of node:crypto (~0.5 MH/s). */
  scanner?: NonceScanner
}

/** Nonces one kernel scan covers (a multiple of every kernel's lanes). */
const SCAN_CHUNK_NONCES = 1 << 16

const SHA256D_DIFF1 = 0xffffn << 208n

export class TestRig {
  readonly received: Message[] = []
  readonly jobs = new Map<string, NotifyJob>()
  currentJob: NotifyJob | undefined
  extranonce1 = ''
  extranonce2Size = 0
  subscriptionId = ''
  versionMask = 0
  difficulty = 1
  closed = false
  private buffer = ''
  private nextId = 1
  private waiters: Array<{ pred: (m: Message) => boolean; resolve: (m: Message) => void }> = []
  private closeWaiters: Array<() => void> = []
  private xn2Counter = 0

  private constructor(
    readonly socket: Socket,
    readonly profile: Profile,
    readonly opts: RigOptions
  ) {
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => this.onData(chunk))
    socket.on('error', () => {})
    socket.on('close', () => {
      this.closed = true
      for (const w of this.closeWaiters) w()
    })
  }

  /** `localAddress` (e.g. 127.0.0.2) lets a test play a different IP on loopback. */
  static async connect(port: number, profile: Profile, opts: RigOptions, localAddress = '127.0.0.1'): Promise<TestRig> {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true, localAddress })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    return new TestRig(socket, profile, opts)
  }

  /** Runs the profile's opening sequence and resolves once the first job arrived. */
  async handshake(): Promise<void> {
    const o = this.opts
    const sub = (id: number): string =>
      JSON.stringify({ id, method: 'mining.subscribe', params: this.subscribeParams() })
    switch (this.profile) {
      case 'esp-miner': {
        this.sendJson({
          id: 1,
          method: 'mining.configure',
          params: [['version-rolling'], { 'version-rolling.mask': 'ffffffff' }]
        })
        this.sendLine(sub(2))
        if (o.extranonceSubscribe) this.sendJson({ id: 3, method: 'mining.extranonce.subscribe', params: [] })
        this.sendJson({ id: 4, method: 'mining.authorize', params: [o.user, o.password ?? 'x'] })
        this.nextId = 5
        this.readConfigure(await this.waitFor((m) => m.id === 1))
        this.readSubscribe(await this.waitFor((m) => m.id === 2))
        await this.expectResult(4)
        if (o.suggestDifficulty !== undefined)
          this.sendJson({ id: this.nextId++, method: 'mining.suggest_difficulty', params: [o.suggestDifficulty] })
        break
      }
      case 'cpuminer': {
        this.sendLine(sub(1))
        this.readSubscribe(await this.waitFor((m) => m.id === 1))
        this.sendJson({ id: 2, method: 'mining.authorize', params: [o.user, o.password ?? 'x'] })
        await this.expectResult(2)
        break
      }
      case 'cgminer': {
        this.sendJson({
          id: 0,
          method: 'mining.configure',
          params: [['version-rolling'], { 'version-rolling.mask': 'ffffffff', 'version-rolling.min-bit-count': 2 }]
        })
        this.readConfigure(await this.waitFor((m) => m.id === 0))
        this.sendLine(sub(1))
        this.readSubscribe(await this.waitFor((m) => m.id === 1))
        this.sendJson({ id: 2, method: 'mining.authorize', params: [o.user, o.password ?? 'x'] })
        await this.expectResult(2)
        this.nextId = 3
        break
      }
      case 'nerdminer': {
        this.sendLine(sub(1))
        this.sendJson({ id: 2, method: 'mining.authorize', params: [o.user, o.password ?? 'x'] })
        if (o.suggestDifficulty !== undefined)
          this.sendJson({ id: 3, method: 'mining.suggest_difficulty', params: [o.suggestDifficulty] })
        this.nextId = 4
        this.readSubscribe(await this.waitFor((m) => m.id === 1))
        break
      }
      case 'bfgminer': {
        if (o.suggestTarget !== undefined)
          this.sendJson({ id: null, method: 'mining.suggest_target', params: [o.suggestTarget] })
        this.sendJson({
          id: null,
          method: 'mining.capabilities',
          params: [{ notify: [], set_difficulty: {}, set_goal: [], suggested_target: o.suggestTarget ?? '' }]
        })
        this.sendLine(sub(0))
        this.readSubscribe(await this.waitFor((m) => m.id === 0))
        this.sendJson({ id: 'xnsub', method: 'mining.extranonce.subscribe', params: [] })
        this.sendJson({ id: 1, method: 'mining.authorize', params: [o.user, o.password ?? 'x'] })
        await this.expectResult(1)
        this.nextId = 2
        break
      }
    }
    await this.waitFor((m) => m.method === 'mining.notify')
  }

  private subscribeParams(): unknown[] {
    const agent = {
      'esp-miner': 'bitaxe/BM1370/v2.9.0',
      cpuminer: 'cpuminer/2.5.1',
      cgminer: 'cgminer/4.12.1',
      nerdminer: 'NerdMinerV2',
      bfgminer: 'bfgminer/5.5.0'
    }[this.profile]
    return this.opts.resumeId === undefined ? [agent] : [agent, this.opts.resumeId]
  }

  private readSubscribe(m: Message): void {
    if (m.error !== null && m.error !== undefined) throw new Error(`subscribe failed: ${JSON.stringify(m.error)}`)
    const r = m.result as [Array<[string, string]>, string, number]
    this.subscriptionId = r[0][1][1]
    this.extranonce1 = r[1]
    this.extranonce2Size = r[2]
    if (this.profile === 'nerdminer' && ![2, 4, 8].includes(this.extranonce2Size))
      throw new Error('NerdMiner supports extranonce2 of 2, 4 or 8 bytes only')
  }

  private readConfigure(m: Message): void {
    const r = m.result as Record<string, unknown>
    if (r?.['version-rolling'] === true) this.versionMask = Number.parseInt(r['version-rolling.mask'] as string, 16)
  }

  private async expectResult(id: number): Promise<void> {
    const m = await this.waitFor((x) => x.id === id && x.method === undefined)
    if (m.error !== null && m.error !== undefined) throw new Error(`request ${id} failed: ${JSON.stringify(m.error)}`)
  }

  // --- mining ----------------------------------------------------------------------------------
  /**
   * Grinds nonces on the current job until the PoW meets the job's difficulty (rolling version bits
   * when negotiated), submits in the profile's format and returns the server's reply.
   */
  async mineOne(opts: { job?: NotifyJob; difficulty?: number } = {}): Promise<{ reply: Message; found: FoundWork }> {
    const job = opts.job ?? this.currentJob
    if (job === undefined) throw new Error('no job yet')
    const found = this.grind(job, opts.difficulty ?? job.difficulty)
    const reply = await this.submit(job, found)
    return { reply, found }
  }

  grind(job: NotifyJob, difficulty: number): FoundWork {
    const diff1 = this.opts.diff1Target ?? SHA256D_DIFF1
    // A hair below the exact target so float rounding of the difficulty never makes us submit a miss.
    const exact = targetOf(difficulty, diff1)
    return this.grindTarget(job, exact - exact / (1n << 20n))
  }

  /** Grinds until the PoW meets `target` (e.g. the block target from the job's nbits). */
  grindTarget(job: NotifyJob, target: bigint): FoundWork {
    const xn2 = (this.xn2Counter++).toString(16).padStart(this.extranonce2Size * 2, '0')
    const coinbase = Buffer.from(job.coinb1 + this.extranonce1 + xn2 + job.coinb2, 'hex')
    let root = dsha(coinbase)
    for (const b of job.branches) root = dsha(Buffer.concat([root, Buffer.from(b, 'hex')]))
    const header = Buffer.alloc(80)
    // Rolled version: one bit pattern inside the mask per extranonce2, like an ASIC's version roll.
    const rolledBits = this.versionMask === 0 ? 0 : ((this.xn2Counter * 0x2000) & this.versionMask) >>> 0
    const version = (job.version | rolledBits) >>> 0
    header.writeUInt32LE(version, 0)
    const prev = Buffer.from(job.prevHash, 'hex')
    for (let i = 0; i < 32; i += 4) prev.subarray(i, i + 4).reverse()
    prev.copy(header, 4)
    root.copy(header, 36)
    header.writeUInt32LE(job.ntime, 68)
    header.writeUInt32LE(job.nbits, 72)
    const scanner = this.opts.scanner
    if (scanner !== undefined && this.opts.pow !== 'scrypt') {
      scanner.setJob(header, target)
      for (let start = 0; start + SCAN_CHUNK_NONCES <= 0x100000000; start += SCAN_CHUNK_NONCES) {
        const [hit] = scanner.scan(start, SCAN_CHUNK_NONCES)
        if (hit === undefined) continue
        header.writeUInt32LE(hit.nonce, 76)
        return {
          xn2,
          ntime: job.ntime,
          nonce: hit.nonce,
          version,
          rolledBits,
          hash: Buffer.from(hit.hash),
          header: Buffer.from(header)
        }
      }
      throw new Error('nonce space exhausted')
    }
    for (let nonce = 0; nonce <= 0xffffffff; nonce++) {
      header.writeUInt32LE(nonce, 76)
      const hash = this.opts.pow === 'scrypt' ? scryptSync(header, header, 32, { N: 1024, r: 1, p: 1 }) : dsha(header)
      if (hashValue(hash) <= target)
        return { xn2, ntime: job.ntime, nonce, version, rolledBits, hash, header: Buffer.from(header) }
    }
    throw new Error('nonce space exhausted')
  }

  /** Submits found work in the profile's format; resolves with the reply. */
  async submit(job: NotifyJob, f: FoundWork): Promise<Message> {
    const params = this.submitParams(job, f)
    const id = this.profile === 'cpuminer' ? 4 : this.nextId++
    this.sendJson({ id, method: 'mining.submit', params })
    return await this.waitFor((m) => m.id === id && m.method === undefined)
  }

  submitParams(job: NotifyJob, f: FoundWork): string[] {
    const ntime = f.ntime.toString(16).padStart(8, '0')
    const nonce = f.nonce.toString(16).padStart(8, '0')
    switch (this.profile) {
      case 'esp-miner':
        return [
          this.opts.user,
          job.id,
          f.xn2,
          ntime,
          nonce,
          ((f.version ^ job.version) >>> 0).toString(16).padStart(8, '0')
        ]
      case 'cgminer':
        return this.versionMask !== 0
          ? [
              this.opts.user,
              job.id,
              f.xn2,
              ntime,
              nonce,
              ((f.version & this.versionMask) >>> 0).toString(16).padStart(8, '0')
            ]
          : [this.opts.user, job.id, f.xn2, ntime, nonce]
      case 'nerdminer':
        return [this.opts.user, job.id, f.xn2, ntime, f.nonce.toString(16).toUpperCase()]
      default:
        return [this.opts.user, job.id, f.xn2, ntime, nonce]
    }
  }

  /** NerdMiner's rule: any reply whose error is null counts as accepted. */
  static accepted(reply: Message): boolean {
    return reply.error === null || reply.error === undefined ? reply.result === true : false
  }

  // --- wire ------------------------------------------------------------------------------------
  sendJson(obj: unknown): void {
    this.sendLine(JSON.stringify(obj))
  }

  sendLine(line: string): void {
    if (!this.closed) this.socket.write(`${line}\n`)
  }

  sendRaw(text: string | Buffer): void {
    if (!this.closed) this.socket.write(text)
  }

  /** Sends a request with the next id and waits for its reply. */
  async call(method: string, params: unknown[], id: number | string = this.nextId++): Promise<Message> {
    this.sendJson({ id, method, params })
    return await this.waitFor((m) => m.id === id && m.method === undefined)
  }

  /** The first received message (past or future) matching `pred`. */
  async waitFor(pred: (m: Message) => boolean, timeoutMs = 10_000): Promise<Message> {
    const seen = this.received.find(pred)
    if (seen !== undefined) {
      this.received.splice(this.received.indexOf(seen), 1)
      return seen
    }
    return await new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `${this.profile}: no matching message in ${timeoutMs} ms; got ${JSON.stringify(this.received.slice(-5))}`
            )
          ),
        timeoutMs
      )
      this.waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(timer)
          resolve(m)
        }
      })
    })
  }

  async waitClosed(timeoutMs = 10_000): Promise<void> {
    if (this.closed) return
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.profile}: still open after ${timeoutMs} ms`)), timeoutMs)
      this.closeWaiters.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  close(): void {
    this.socket.destroy()
  }

  private onData(chunk: string): void {
    this.buffer += chunk
    let nl: number
    while ((nl = this.buffer.indexOf('\n')) !== -1) {
      const line = this.buffer.slice(0, nl)
      this.buffer = this.buffer.slice(nl + 1)
      if (line.trim() === '') continue
      this.onMessage(JSON.parse(line) as Message)
    }
  }

  private onMessage(m: Message): void {
    if (m.method === 'mining.set_difficulty') this.difficulty = (m.params as number[])[0]
    if (m.method === 'mining.notify') {
      const p = m.params as [string, string, string, string, string[], string, string, string, boolean]
      const job: NotifyJob = {
        id: p[0],
        prevHash: p[1],
        coinb1: p[2],
        coinb2: p[3],
        branches: p[4],
        version: Number.parseInt(p[5], 16),
        nbits: Number.parseInt(p[6], 16),
        ntime: Number.parseInt(p[7], 16),
        clean: p[8],
        difficulty: this.difficulty
      }
      if (job.clean) this.jobs.clear()
      this.jobs.set(job.id, job)
      this.currentJob = job
    }
    if (m.method === 'mining.set_extranonce') {
      const p = m.params as [string, number]
      this.extranonce1 = p[0]
      this.extranonce2Size = p[1]
    }
    if (m.method === 'mining.set_version_mask') this.versionMask = Number.parseInt((m.params as string[])[0], 16)
    if (m.method === 'mining.ping' && this.profile === 'esp-miner') this.sendJson({ id: m.id, method: 'pong' })
    if (m.method === 'client.get_version' && this.profile === 'cgminer')
      this.sendJson({ id: m.id, result: 'cgminer/4.12.1', error: null })
    const i = this.waiters.findIndex((w) => w.pred(m))
    if (i !== -1) {
      const [w] = this.waiters.splice(i, 1)
      w.resolve(m)
    } else {
      this.received.push(m)
    }
  }
}

export interface FoundWork {
  xn2: string
  ntime: number
  nonce: number
  version: number
  rolledBits: number
  hash: Buffer
  header: Buffer
}

function dsha(b: Buffer): Buffer {
  return createHash('sha256').update(createHash('sha256').update(b).digest()).digest()
}

/** A hash as Bitcoin compares it: a little-endian 256-bit number. */
export function hashValue(hash: Buffer): bigint {
  return BigInt(`0x${Buffer.from(hash).reverse().toString('hex')}`)
}

/** The target of compact `bits` (Bitcoin's nBits). */
export function targetOfBits(bits: number): bigint {
  return BigInt(bits & 0x007fffff) << BigInt(8 * ((bits >>> 24) - 3))
}

/** diff1 / difficulty, exact enough for tests (difficulties here are powers of two or simple decimals). */
export function targetOf(difficulty: number, diff1: bigint): bigint {
  const SCALE = 1n << 64n
  return (diff1 * SCALE) / BigInt(Math.round(difficulty * 2 ** 64))
}
