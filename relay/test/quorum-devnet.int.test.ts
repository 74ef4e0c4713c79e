import { afterAll, describe, expect, it } from 'vitest'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { bytesToHex } from '../../shared/src/primitives/bytes'
import { INITIAL_REPUTATION } from '../../shared/src/quorum'
import { p2wpkhScript } from '../../shared/src/primitives/script'
import { Relay } from '../src/app/relay'
import type { RelayConfig } from '../src/config'
import type { BlockView, TemplateView } from '../src/http/views'
import { freePort } from './harness/litecoind'
import { easyDevnetParams, mineShare } from './harness/devnet'

// Three whole relays on devnet over real libp2p: a block found on A moves every relay to a new tip;
// each announces its new template signed; the other two (its committee with it: k = 7 > 3 relays)
// fetch it over the template protocol, check it with their own devnet chain in proposal mode and
// attest; every relay tallies what arrives on the attest topic and shows the quorum in its API.
const devnet = easyDevnetParams()
const WAIT_MS = 30_000
const relays: Relay[] = []
let dir: string

async function configFor (name: string, bootstrap: string[]): Promise<RelayConfig> {
  return {
    poolName: name, poolFee: 0, p2pPort: await freePort(), wsPort: await freePort(), stratumPort: 0, blockchain: 'devnet', bootstrapNodes: bootstrap, bind: '127.0.0.1',
    http: { host: '127.0.0.1', port: 0 }, dataDir: join(dir, name),
    optimization: { sharePropagation: { batchSize: 10, batchInterval: 10 }, validation: { cacheSize: 1000, minValidators: 3, maxValidators: 7 } }
  }
}

async function until<T> (what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + WAIT_MS
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function getJson<T> (relay: Relay, path: string): Promise<{ status: number, body: T }> {
  const res = await fetch(relay.http.url() + path)
  return { status: res.status, body: await res.json() as T }
}

afterAll(async () => {
  for (const r of relays) await r.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

describe('template quorum across three devnet relays', () => {
  it("a relay's template is cross-checked by its committee and shows confirmed in another relay's API", async () => {
    dir = await mkdtemp(join(tmpdir(), 'otedama-quorum-'))
    const dist = join(dir, 'dist')
    await mkdir(dist)
    await writeFile(join(dist, 'index.html'), '<!doctype html>')
    const a = await Relay.start({ config: await configFor('a', []), staticRoot: dist, stratum: false, devnet })
    relays.push(a)
    const entry = `/ip4/127.0.0.1/tcp/${a.config.p2pPort}/p2p/${a.peerId() ?? ''}`
    const b = await Relay.start({ config: await configFor('b', [entry]), staticRoot: dist, stratum: false, devnet })
    relays.push(b)
    const c = await Relay.start({ config: await configFor('c', [entry]), staticRoot: dist, stratum: false, devnet })
    relays.push(c)
    await until('the relays to connect', () => (a.peerCount() >= 2 && b.peerCount() >= 1 && c.peerCount() >= 1 ? true : undefined))
    // Let gossipsub exchange subscriptions and form meshes before publishing (heartbeat ~1 s).
    await new Promise((resolve) => setTimeout(resolve, 2000))

    // A block on A: every relay reaches height 2 and announces a new template on it.
    const book = await a.book.add(a.source.current()!)
    const found = await a.pool.receiveShare(mineShare(a.pool, book, p2wpkhScript(new Uint8Array(20).fill(1)), 1).bytes, 'local')
    expect(found.block?.status).toBe('accepted')
    await until('B and C to take the block', () => (b.source.current()?.height === 2 && c.source.current()?.height === 2 ? true : undefined))

    // A's current template, confirmed in A's own API once B's and C's attestations arrived.
    const aTemplate = await until('A to see its template confirmed', async () => {
      const { status, body } = await getJson<TemplateView>(a, '/api/v1/templates/current')
      return status === 200 && body.height === 2 && body.quorum.confirmed ? body : undefined
    })
    expect(aTemplate.publisher).toBe(a.peerId())
    expect(aTemplate.quorum.claim).toBe('valid')

    // The same template seen from B: committee of all three relays (no browsers, no strangers), each
    // for it by its signature or its attestation (devnet relays on one tip may build the very same
    // template; B checked it with its own chain either way).
    const onB = await until("B to confirm A's template", async () => {
      const { status, body } = await getJson<TemplateView>(b, `/api/v1/templates/${aTemplate.templateId}`)
      return status === 200 && body.quorum.confirmed ? body : undefined
    })
    const ids = [a.peerId(), b.peerId(), c.peerId()].sort()
    expect([...onB.quorum.committee].sort()).toEqual(ids)
    expect(ids).toContain(onB.publisher)
    expect(onB.quorum.claim).toBe('valid')
    const attesters = onB.quorum.attestations.filter((v) => v.member && v.claim === 'valid').map((v) => v.attester).sort()
    expect(attesters).toEqual(ids)
    // 3 x agreeing weight > 2 x committee weight.
    expect(3 * (onB.quorum.weightByClaim.valid ?? 0)).toBeGreaterThan(2 * onB.quorum.totalWeight)
    // B's own devnet chain checked A's template (and B built its own): A's word proved right there, so
    // A weighs more at B than the INITIAL_REPUTATION every relay starts with.
    expect(b.quorum?.follower.reputation.weightOf(peerHex(a))).toBeGreaterThan(INITIAL_REPUTATION)

    // What a joining browser fetches from A: the signed template and the committee's attestations.
    // (Attestations may trail the confirmation: relays on one tip can sign the very same template.)
    const work = await until('the attestations to reach A', async () => {
      const { status, body } = await getJson<{ signedTemplate: string, attestations: string[] }>(a, '/api/v1/template')
      return status === 200 && body.attestations.length >= 2 ? body : undefined
    })
    expect(work.signedTemplate).toBe(aTemplate.signedTemplate)

    // The block A found: B and C, on its committee, saw A's 'accepted' attestation, found the block on
    // their own chains and attested it too; A's API shows the quorum's status of it.
    const block = await until('the quorum to confirm the block accepted', async () => {
      const { body } = await getJson<{ blocks: BlockView[] }>(a, '/api/v1/blocks')
      return body.blocks[0]?.quorum?.claim === 'accepted' ? body.blocks[0] : undefined
    })
    expect(block.quorum?.committee.length).toBe(3)
    expect(block.quorum?.attestations.filter((v) => v.claim === 'accepted')).toHaveLength(3)
    const metrics = await (await fetch(a.http.url() + '/metrics')).text()
    expect(metrics).toMatch(/otedama_quorum_templates\{state="confirmed"\} [1-9]/)
    expect(metrics).toMatch(/otedama_quorum_relays 3/)
    expect(metrics).toMatch(/otedama_quorum_blocks\{state="confirmed"\} 1/)
  })
})

/** Hex of a relay's peer id bytes, as followers key reputation. */
function peerHex (relay: Relay): string {
  return bytesToHex(peerIdFromString(relay.peerId() ?? '').toMultihash().bytes)
}
