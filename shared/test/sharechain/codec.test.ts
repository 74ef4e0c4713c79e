// Share and template encodings, the commitment, and the coinbase builder cross-checked against the
// independent primitives (tx decode, buildCoinbaseTx, coinbaseStratumParts).
import { describe, expect, it } from 'vitest'
import { bytesToHex, concatBytes, equalBytes } from '../../src/primitives/bytes'
import { buildCoinbaseTx, coinbaseStratumParts } from '../../src/primitives/coinbase'
import { sha256d } from '../../src/primitives/hash'
import { decodeTx, txid } from '../../src/primitives/tx'
import {
  MAX_SHARE_BYTES,
  decodeShare,
  decodeTemplateAnnouncement,
  encodeShare,
  encodeShareInfo,
  encodeTemplateAnnouncement,
  jobCoinbase,
  shareCommitmentScript,
  templateId
} from '../../src/sharechain'
import { addShare, makeTemplate, mineShare, nextExtranonce, testNet } from './fixtures'

describe('share codec and coinbase builder', () => {
  it('round-trips a share, well under 1 KiB with an 11-step branch', () => {
    const net = testNet()
    const { bytes } = mineShare(net, 'alice')
    const share = decodeShare(bytes)
    expect(encodeShare(share)).toEqual(bytes)
    expect(share.merkleBranch.length).toBe(11)
    expect(bytes.length).toBeLessThan(700)
    expect(bytes.length).toBeLessThanOrEqual(MAX_SHARE_BYTES)
  })

  it('decodes a share lying at an offset inside a larger buffer, its fields viewing that buffer', () => {
    const net = testNet()
    const { bytes } = mineShare(net, 'alice')
    const big = new Uint8Array(bytes.length + 100).fill(0xee)
    big.set(bytes, 37)
    const inPlace = decodeShare(big.subarray(37, 37 + bytes.length))
    expect(encodeShare(inPlace)).toEqual(bytes)
    expect(inPlace).toEqual(decodeShare(bytes))
    expect(inPlace.header80.buffer).toBe(big.buffer) // a view, not a copy
    expect(sha256d(inPlace.header80)).toEqual(sha256d(bytes.subarray(9, 89)))
  })

  it('rejects unknown flags and over-long branches', () => {
    const net = testNet()
    const share = decodeShare(mineShare(net, 'alice').bytes)
    expect(() => encodeShare({ ...share, merkleBranch: new Array(21).fill(new Uint8Array(32)) })).toThrow()
    const bytes = encodeShare(share)
    const flagsAt = bytes.length - 1 - 11 * 32 - 4 - 32 - 1
    const bad = bytes.slice()
    bad[flagsAt] = 0x03
    expect(() => decodeShare(bad)).toThrow(/flags/)
  })

  it('coinb1 || extranonce || coinb2 is the coinbase: payouts, then the commitment, then the witness commitment', () => {
    const net = testNet()
    addShare(net, 'alice', { parent: undefined })
    addShare(net, 'bob')
    const { job } = mineShare(net, 'carol')
    const extranonce = nextExtranonce()
    const raw = jobCoinbase(job, extranonce)
    const tx = decodeTx(raw)
    expect(tx.inputs[0].scriptSig.subarray(-8)).toEqual(extranonce)
    const n = job.payouts.length
    expect(tx.outputs.slice(0, n)).toEqual(job.payouts.map((p) => ({ value: p.value, script: p.script })))
    expect(tx.outputs[n].script).toEqual(shareCommitmentScript(net.rules.networkTag, encodeShareInfo(job.info)))
    expect(bytesToHex(tx.outputs[n + 1].script)).toBe('6a24aa21a9ed' + bytesToHex(net.template.witnessCommitment!))
    expect(tx.outputs.reduce((s, o) => s + o.value, 0n)).toBe(net.template.coinbaseValue)
    // the independent builder from primitives gives the same bytes and split
    const independent = buildCoinbaseTx({
      height: net.template.height,
      scriptSigPrefix: job.scriptSigPrefix.subarray(bip34Length(job.scriptSigPrefix)),
      extranonce,
      outputs: tx.outputs.slice(0, n + 1),
      witnessCommitment: net.template.witnessCommitment,
      version: job.coinbaseVersion,
      locktime: job.locktime
    })
    expect(txid(independent)).toEqual(sha256d(raw))
    const parts = coinbaseStratumParts(independent, 8)
    expect(parts.coinb1).toEqual(job.coinb1)
    expect(parts.coinb2).toEqual(job.coinb2)
  })

  it('template announcement round-trips and its id is sha256d of the encoding', () => {
    const net = testNet()
    const { template, id } = makeTemplate(net.rules, net.headers.tip.hash, 1001)
    const bytes = encodeTemplateAnnouncement(template)
    expect(decodeTemplateAnnouncement(bytes)).toEqual(template)
    expect(id).toEqual(sha256d(bytes))
    expect(equalBytes(templateId({ ...template, curtime: template.curtime + 1 }), id)).toBe(false)
    expect(() => decodeTemplateAnnouncement(concatBytes(bytes, new Uint8Array(1)))).toThrow(/trailing/)
  })
})

/** Length of the BIP34 push at the start of a scriptSig (opcode + data). */
function bip34Length(prefix: Uint8Array): number {
  return prefix[0] >= 0x01 && prefix[0] <= 0x4b ? 1 + prefix[0] : 1
}
