// What the tab trusts (@otedama/shared src/sharechain/README.md, Quorums) over its own share chain, with real
// Ed25519 keys and real shares bound to relay keys: a lone relay still lets it mine and the status says
// "trusting relay X alone"; seven fresh keys confirm nothing; once three relays weigh in the window, a
// template needs their quorum, and the publisher's signature alone is not enough.
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { beforeAll, describe, expect, it } from 'vitest'
import { getChainParams } from '@otedama/shared/chain'
import { sha256d } from '@otedama/shared/primitives'
import { p2wpkhScript } from '@otedama/shared/primitives'
import { meetsTarget } from '@otedama/shared/primitives'
import {
  RelayWeightBook,
  encodeAttestation,
  encodeSignedTemplate,
  peerIdBytesOf,
  peerIdText,
  relayBindingTag,
  signAttestation,
  signTemplate,
  type Claim,
  type SubjectKind
} from '@otedama/shared/quorum'
import { buildShareJob, jobHeader, jobShare } from '@otedama/shared/sharechain'
import type { TemplateAnnouncement } from '@otedama/shared/sharechain'
import { ShareState } from '../../src/peer/share-state'
import { TemplateQuorum, type ConfirmedTemplate } from '../../src/peer/template-quorum'

const params = getChainParams('devnet')
let relayKeys: PrivateKey[] = []
let sybils: PrivateKey[] = []

beforeAll(async () => {
  relayKeys = await Promise.all([0, 1, 2].map(async () => await generateKeyPair('Ed25519')))
  sybils = await Promise.all(Array.from({ length: 7 }, async () => await generateKeyPair('Ed25519')))
})

const idOf = (k: PrivateKey): Uint8Array => peerIdBytesOf(k.publicKey)

function announcement(
  state: ShareState,
  prevSeed: number,
  curtime = Math.floor(Date.now() / 1000)
): TemplateAnnouncement {
  return {
    networkTag: state.rules.networkTag,
    prevHash: sha256d(Uint8Array.of(prevSeed)),
    height: 5,
    version: 0x20000000,
    bits: 0x1e00ffff,
    curtime,
    coinbaseValue: 50_0000_0000n,
    witnessCommitment: undefined,
    merkleBranch: []
  }
}

/** A tab: its share state, its weights from its own chain, its quorum with `page` as the page's relay. */
function tab(page: PrivateKey): { state: ShareState; quorum: TemplateQuorum; believed: ConfirmedTemplate[] } {
  const state = new ShareState(params)
  const book = new RelayWeightBook(state.chain)
  const quorum = new TemplateQuorum({
    networkTag: state.rules.networkTag,
    weights: () => book.current(),
    loneRelay: idOf(page)
  })
  const believed: ConfirmedTemplate[] = []
  quorum.onConfirmed((t) => believed.push(t))
  state.onTip(() => quorum.reevaluate())
  return { state, quorum, believed }
}

/** Mines a share on `template` into the tab's chain, bound to `relay` (none: unbound, as a tab's own). */
function mineInto(state: ShareState, template: ConfirmedTemplate, relay: PrivateKey | undefined, seq: number): void {
  const job = buildShareJob({
    chain: state.chain,
    template: template.announcement,
    templateId: template.id,
    payoutScript: p2wpkhScript(new Uint8Array(20).fill(seq + 1)),
    now: Math.floor(Date.now() / 1000),
    ...(relay !== undefined ? { scriptSigTag: relayBindingTag(idOf(relay)) } : {})
  })
  const extranonce = Uint8Array.of(seq, 0, 0, 0, 0, 0, 0, 0)
  for (let nonce = 0; nonce < 1_000_000; nonce++) {
    const header = jobHeader(job, extranonce, nonce)
    if (!meetsTarget(sha256d(header), job.shareTarget)) continue
    const result = state.addLive(jobShare(job, state.rules.networkTag, extranonce, header), 'mine')
    expect(result.verdict).toEqual({ kind: 'accept' })
    return
  }
  throw new Error('no share found')
}

async function attest(
  key: PrivateKey,
  subjectId: Uint8Array,
  claim: Claim = 'valid',
  subjectKind: SubjectKind = 'template'
): Promise<Uint8Array> {
  return encodeAttestation(
    await signAttestation(
      { networkTag: getTag(), subjectKind, claim, subjectId, time: Math.floor(Date.now() / 1000) },
      key
    )
  )
}

let tag: Uint8Array | undefined
function getTag(): Uint8Array {
  tag ??= new ShareState(params).rules.networkTag
  return tag
}

describe('what the tab trusts', () => {
  it('a lone relay: the tab mines on its template and says "trusting relay X alone"', async () => {
    const [page] = relayKeys
    const { state, quorum, believed } = tab(page)
    expect(quorum.trust(undefined).level).toBe('relay-alone') // nothing known yet
    expect(
      (await quorum.takeSignedTemplate(encodeSignedTemplate(await signTemplate(announcement(state, 1), page)))).kind
    ).toBe('accept')
    expect(believed).toHaveLength(1)
    const template = believed[0]
    expect(template.trust).toBe('relay-alone')
    state.addTemplate(template.id, template.announcement)
    state.anchor(template.announcement.prevHash, template.announcement.height - 1)
    // Its shares (bound to the page's relay, as its Stratum rigs' are, and the tab's own unbound) enter the window.
    mineInto(state, template, page, 0)
    mineInto(state, template, undefined, 1)
    expect(state.tip?.height).toBe(1)
    const trust = quorum.trust(template.idHex)
    expect(trust).toMatchObject({ level: 'relay-alone', weightedRelays: 1, minAttesters: 3 })
    expect(trust.words).toBe(
      `trusting relay ${peerIdText(idOf(page))} alone: no quorum of weighted relays yet (1 of the 3 needed)`
    )
    // Another relay's template is not the page relay's word: not believed.
    const other = encodeSignedTemplate(await signTemplate(announcement(state, 1, 1), relayKeys[1]))
    expect((await quorum.takeSignedTemplate(other)).kind).toBe('accept')
    expect(believed).toHaveLength(1)
  })

  it('seven fresh keys confirm nothing, and once three relays weigh, one signature is not enough', async () => {
    const [page, r1, r2] = relayKeys
    const { state, quorum, believed } = tab(page)
    await quorum.takeSignedTemplate(encodeSignedTemplate(await signTemplate(announcement(state, 2), page)))
    const first = believed[0]
    state.addTemplate(first.id, first.announcement)
    state.anchor(first.announcement.prevHash, first.announcement.height - 1)
    for (const [i, relay] of [page, r1, r2].entries()) mineInto(state, first, relay, i)
    expect(quorum.trust(first.idHex).level).toBe('waiting') // three weighted relays: the page's word alone no longer decides

    // A new template on another parent, signed by a sybil and attested by seven fresh keys.
    const sybilTemplate = await signTemplate(announcement(state, 3), sybils[0])
    await quorum.takeSignedTemplate(encodeSignedTemplate(sybilTemplate))
    const sybilId = sha256d(sybilTemplate.announcement)
    for (const key of sybils) expect((await quorum.takeAttestation(await attest(key, sybilId))).kind).toBe('ignore')
    expect(believed).toHaveLength(1)
    expect(quorum.follower.status(sybilId)?.trust).toBe('waiting')

    // The page's relay publishes a template: its signature is not a vote; its committee's attestations are.
    const signed = await signTemplate(announcement(state, 4), page)
    const id = sha256d(signed.announcement)
    await quorum.takeSignedTemplate(encodeSignedTemplate(signed))
    expect(believed).toHaveLength(1)
    for (const key of [page, r1]) expect((await quorum.takeAttestation(await attest(key, id))).kind).toBe('accept')
    expect(believed).toHaveLength(1) // two of three relays: not the minimum
    await quorum.takeAttestation(await attest(r2, id))
    expect(believed.map((t) => t.trust)).toEqual(['relay-alone', 'quorum'])
    expect(quorum.trust(believed[1].idHex).words).toContain('confirmed by a quorum of weighted relays')

    // Block statuses take the same path: the quorum's, never one relay's.
    const statuses: string[] = []
    quorum.onBlockStatus((_hash, claim, trust) => statuses.push(`${claim}/${trust}`))
    const block = sha256d(Uint8Array.of(99))
    await quorum.takeAttestation(await attest(page, block, 'accepted', 'block'))
    expect(statuses).toEqual([])
    await quorum.takeAttestation(await attest(r1, block, 'accepted', 'block'))
    await quorum.takeAttestation(await attest(r2, block, 'accepted', 'block'))
    expect(statuses).toEqual(['accepted/quorum'])
  })
})
