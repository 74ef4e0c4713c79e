import { afterAll, describe, expect, it, vi } from 'vitest'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { bytesToHex } from '@otedama/shared/primitives'
import { INITIAL_REPUTATION, relayBindingTag } from '@otedama/shared/quorum'
import { p2wpkhScript } from '@otedama/shared/primitives'
import { Relay } from '../src/app/relay'
import type { RelayConfig } from '../src/config'
import type { BlockView, StatusView, TemplateView } from '../src/http/views'
import { freePorts } from './harness/litecoind'
import { easyDevnetParams, mineShare } from './harness/devnet'

// Three whole relays on devnet over real libp2p. With no work bound to any key, no quorum can exist and
// each relay's API says it trusts itself alone. Then each relay mines a share bound to its own key (as its
// Stratum jobs do); once the shares are in every relay's window, the three keys weigh the same on every
// relay, a block moves every relay to a new tip, each announces its new template signed, its committee
// (all three: k = 7 > 3 weighted relays, seeded by the parent block) fetches it, checks it with its own
// devnet chain in proposal mode and attests, and every relay's API shows it confirmed by the quorum.
const devnet = easyDevnetParams()
const WAIT_MS = 30_000
const relays: Relay[] = []
let dir: string

async function configFor(name: string, bootstrap: string[]): Promise<RelayConfig> {
  return {
    poolName: name,
    poolFee: 0,
    ...(await freePorts(2).then(([p2pPort, wsPort]) => ({ p2pPort, wsPort }))),
    stratumPort: 0,
    blockchain: 'devnet',
    bootstrapNodes: bootstrap,
    bind: '127.0.0.1',
    http: { host: '127.0.0.1', port: 0 },
    dataDir: join(dir, name),
    optimization: {
      sharePropagation: { batchSize: 10, batchInterval: 10 },
      validation: { cacheSize: 1000, minValidators: 3, maxValidators: 7 }
    }
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  return await vi.waitFor(
    async () => {
      const value = await probe()
      if (value === undefined) throw new Error(`timed out waiting for ${what}`)
      return value
    },
    { timeout: WAIT_MS, interval: 100 }
  )
}

async function getJson<T>(relay: Relay, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(relay.http.url() + path)
  return { status: res.status, body: (await res.json()) as T }
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
    await until('the relays to connect', () =>
      a.peerCount() >= 2 && b.peerCount() >= 1 && c.peerCount() >= 1 ? true : undefined
    )
    // B and C reach each other only through A: publish once A's meshes hold both of them for the
    // topics the quorum uses, and B and C each know A subscribes (gossipsub sends own messages to every
    // known subscriber; A forwards others' to its mesh).
    await until('the gossip meshes to form', () =>
      (['template', 'attest', 'share'] as const).every(
        (kind) =>
          a.topicPeers(kind).mesh >= 2 && b.topicPeers(kind).subscribers >= 1 && c.topicPeers(kind).subscribers >= 1
      )
        ? true
        : undefined
    )

    // No work bound to any key yet: no quorum can exist, and A says whom it trusts.
    const alone = await getJson<TemplateView>(a, '/api/v1/templates/current')
    expect(alone.body.quorum).toMatchObject({ confirmed: false, trust: 'relay-alone', weightedRelays: 0 })
    expect(alone.body.quorum.trustWords).toContain(
      `trusting relay ${a.peerId() ?? ''} alone: no quorum of weighted relays yet`
    )
    expect((await getJson<StatusView>(a, '/api/v1/status')).body.trust).toBe('relay-alone')

    // Each relay mines a share bound to its own key on its tip (each is a block on easy devnet); the
    // next relay waits until it holds the share before building on it.
    let templateHeight = a.source.current()!.height
    for (const [i, relay] of [a, b, c].entries()) {
      const entry = await relay.book.add(relay.source.current()!)
      const mined = mineShare(
        relay.pool,
        entry,
        p2wpkhScript(new Uint8Array(20).fill(i + 1)),
        i + 1,
        relayBindingTag(selfIdOf(relay))
      )
      const found = await relay.pool.receiveShare(mined.bytes, 'local')
      expect(found.block?.status).toBe('accepted')
      templateHeight++
      await until(`every relay on template height ${templateHeight}`, () =>
        [a, b, c].every((r) => r.source.current()?.height === templateHeight && r.pool.chain.tip?.height === i)
          ? true
          : undefined
      )
    }

    // A's current template (on the block C found), confirmed in A's own API by all three relays.
    const aTemplate = await until('A to see its template confirmed', async () => {
      const { status, body } = await getJson<TemplateView>(a, '/api/v1/templates/current')
      return status === 200 && body.height === templateHeight && body.quorum.confirmed ? body : undefined
    })
    expect(aTemplate.publisher).toBe(a.peerId())
    expect(aTemplate.quorum).toMatchObject({ claim: 'valid', trust: 'quorum', weightedRelays: 3 })
    expect(aTemplate.quorum.trustWords).toContain('confirmed by a quorum of weighted relays')
    expect(aTemplate.quorum.attestersByClaim.valid).toBe(3)

    // The same template seen from B: committee of all three relays (no browsers, no strangers), each
    // for it by its signature or its attestation (devnet relays on one tip may build the very same
    // template; B checked it with its own chain either way).
    const onB = await until("B to confirm A's template", async () => {
      const { status, body } = await getJson<TemplateView>(b, `/api/v1/templates/${aTemplate.templateId}`)
      return status === 200 && body.quorum.confirmed ? body : undefined
    })
    const ids = [a.peerId(), b.peerId(), c.peerId()].sort()
    expect(onB.quorum.committee.map((m) => m.peerId).sort()).toEqual(ids)
    expect(ids).toContain(onB.publisher)
    expect(onB.quorum.claim).toBe('valid')
    const attesters = onB.quorum.attestations
      .filter((v) => v.member && v.claim === 'valid')
      .map((v) => v.attester)
      .sort()
    expect(attesters).toEqual(ids)
    // 3 x agreeing work > 2 x committee work, each member weighing its share's work.
    expect(3n * BigInt(onB.quorum.weightByClaimHashes.valid ?? '0')).toBeGreaterThan(
      2n * BigInt(onB.quorum.totalWeightHashes)
    )
    // The same chain, the same weights: A and B agree on every member's work and on the committee.
    const byKey = (q: TemplateView['quorum']): string[] =>
      q.committee.map((m) => `${m.relayKey}:${m.weightHashes}`).sort()
    expect(byKey(onB.quorum)).toEqual(byKey(aTemplate.quorum))
    expect(onB.quorum.committee.every((m) => BigInt(m.weightHashes) > 0n)).toBe(true)
    // B's own devnet chain checked A's template (and B built its own): A's word proved right there, so
    // A weighs more at B than the INITIAL_REPUTATION every relay starts with.
    expect(b.quorum?.follower.reputation.weightOf(peerHex(a))).toBeGreaterThan(INITIAL_REPUTATION)

    // What a joining browser fetches from A: the signed template and the committee's attestations.
    // (Attestations may trail the confirmation: relays on one tip can sign the very same template.)
    const work = await until('the attestations to reach A', async () => {
      const { status, body } = await getJson<{ signedTemplate: string; attestations: string[] }>(a, '/api/v1/template')
      return status === 200 && body.attestations.length >= 2 ? body : undefined
    })
    expect(work.signedTemplate).toBe(aTemplate.signedTemplate)

    // One more block, found by A now that the three relays weigh: B and C, on its committee, saw A's
    // 'accepted' attestation, found the block on their own chains and attested it too; A's API shows it.
    const lastEntry = await a.book.add(a.source.current()!)
    const last = await a.pool.receiveShare(
      mineShare(a.pool, lastEntry, p2wpkhScript(new Uint8Array(20).fill(9)), 9, relayBindingTag(selfIdOf(a))).bytes,
      'local'
    )
    expect(last.block?.status).toBe('accepted')
    const block = await until('the quorum to confirm the block accepted', async () => {
      const { body } = await getJson<{ blocks: BlockView[] }>(a, '/api/v1/blocks')
      const newest = body.blocks.find((x) => x.hash === last.block?.hash)
      return newest?.quorum?.confirmed === true && newest.quorum.claim === 'accepted' ? newest : undefined
    })
    expect(block.quorum?.committee.length).toBe(3)
    expect(block.quorum?.trust).toBe('quorum')
    expect(block.quorum?.attestations.filter((v) => v.claim === 'accepted')).toHaveLength(3)
    const metrics = await (await fetch(a.http.url() + '/metrics')).text()
    expect(metrics).toMatch(/otedama_quorum_templates\{state="confirmed"\} [1-9]/)
    expect(metrics).toMatch(/otedama_quorum_relays 3/)
    expect(metrics).toMatch(/otedama_quorum_blocks\{state="confirmed"\} [1-9]/)
  })
})

/** A relay's peer id bytes. */
function selfIdOf(relay: Relay): Uint8Array {
  return peerIdFromString(relay.peerId() ?? '').toMultihash().bytes
}

/** Hex of a relay's peer id bytes, as followers key reputation. */
function peerHex(relay: Relay): string {
  return bytesToHex(peerIdFromString(relay.peerId() ?? '').toMultihash().bytes)
}
