import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { hashToDisplayHex } from '@otedama/shared/primitives'
import { parseBlockTemplate, TemplateFormatError } from '../src/template/parse-gbt'
import { UnsupportedRuleError } from '../src/template/rules'
import { coinbaseBudget, fitCoinbase } from '../src/template/coinbase-room'
import type { BlockTemplate, TemplateTx } from '../src/template/types'

const fixture = JSON.parse(readFileSync(new URL('./fixtures/litecoin-regtest-gbt.json', import.meta.url), 'utf8'))
const clone = (): any => structuredClone(fixture.plain)

function formatError(raw: unknown): string {
  try {
    parseBlockTemplate(raw, 'litecoin-regtest')
  } catch (err) {
    if (err instanceof TemplateFormatError || err instanceof UnsupportedRuleError) return err.message
    throw err
  }
  throw new Error('expected the template to be refused')
}

describe('getblocktemplate parsing', () => {
  it('parses a real litecoind template, checking hashes and the witness commitment', () => {
    const t = parseBlockTemplate(fixture.plain, 'litecoin-regtest')
    expect(t.height).toBe(fixture.plain.height)
    expect(hashToDisplayHex(t.prevHash)).toBe(fixture.plain.previousblockhash)
    expect(t.transactions.map((tx) => hashToDisplayHex(tx.txid))).toEqual(
      fixture.plain.transactions.map((tx: any) => tx.txid)
    )
    expect(t.coinbaseValue).toBe(BigInt(fixture.plain.coinbasevalue))
    expect(t.witnessCommitment).toHaveLength(32)
    expect(t.mweb).toBeUndefined()
  })

  it('parses the first MWEB template: HogEx last, MWEB data kept', () => {
    const t = parseBlockTemplate(fixture.mweb, 'litecoin-regtest')
    expect(t.mweb?.length).toBe(fixture.mweb.mweb.length / 2)
    expect(t.transactions[t.transactions.length - 1].data[5]).toBe(0x08) // MWEB serialization flag
  })

  it('refuses rules it does not know, naming them', () => {
    const raw = clone()
    raw.rules.push('!quantum')
    expect(formatError(raw)).toMatch(/rule\(s\) !quantum .* not support/)
    raw.rules = ['csv', '!segwit', '!signet']
    expect(formatError(raw)).toMatch(/!signet/)
  })

  it.each([
    ['a non-object', () => 'hello', /result must be an object/],
    [
      'a missing height',
      (r: any) => {
        delete r.height
      },
      /height must be an integer/
    ],
    [
      'a fractional coinbase value',
      (r: any) => {
        r.coinbasevalue = 1.5
      },
      /coinbasevalue must be an integer/
    ],
    [
      'a short previous hash',
      (r: any) => {
        r.previousblockhash = 'abcd'
      },
      /previousblockhash must be 64 hex/
    ],
    [
      'bits that are not hex',
      (r: any) => {
        r.bits = 'zzzzzzzz'
      },
      /bits must be 8 hex/
    ],
    [
      'a target that does not match bits',
      (r: any) => {
        r.target = '00'.repeat(32)
      },
      /target does not match bits/
    ],
    [
      'transaction data that is not hex',
      (r: any) => {
        r.transactions[0].data = 'xyz'
      },
      /transactions\[0\]\.data/
    ],
    [
      'a txid that does not hash from the data',
      (r: any) => {
        r.transactions[0].hash = '00'.repeat(32)
      },
      /transactions\[0\]\.hash is not the hash/
    ],
    [
      'a dependency on a later transaction',
      (r: any) => {
        r.transactions[0].depends = [2]
      },
      /transactions\[0\]\.depends\[0\]/
    ],
    [
      'fees above the coinbase value',
      (r: any) => {
        r.coinbasevalue = 1
      },
      /below the sum of transaction fees/
    ],
    [
      'a witness commitment to other transactions',
      (r: any) => {
        r.transactions.pop()
      },
      /default_witness_commitment does not commit/
    ],
    [
      'a longpollid that is far too long',
      (r: any) => {
        r.longpollid = 'x'.repeat(10_000)
      },
      /longpollid/
    ],
    [
      'a negative fee',
      (r: any) => {
        r.transactions[0].fee = -1
      },
      /fee must be an integer/
    ],
    [
      'transactions given as an object',
      (r: any) => {
        r.transactions = {}
      },
      /transactions must be an array/
    ]
  ])('refuses %s with a clear error', (_name, mutate, message) => {
    let raw = clone()
    const replaced = mutate(raw)
    if (replaced !== undefined) raw = replaced
    expect(formatError(raw)).toMatch(message)
  })
})

function tx(fee: bigint, weight: number, depends: number[] = []): TemplateTx {
  const id = new Uint8Array(32).fill(Number(fee % 251n) + depends.length)
  return { data: new Uint8Array(10), txid: id, wtxid: id, fee, weight, sigops: 4, depends }
}
function template(txs: TemplateTx[], mweb = false): BlockTemplate {
  return {
    network: 'litecoin-regtest',
    height: 500,
    version: 0x20000000,
    prevHash: new Uint8Array(32),
    bits: 0x207fffff,
    target: 1n << 254n,
    curtime: 0,
    mintime: 0,
    coinbaseValue: 1_000_000n + txs.reduce((s, t) => s + t.fee, 0n),
    transactions: txs,
    rules: ['!segwit'],
    weightLimit: 80 * 4 + 4 + 10_000,
    sigopLimit: 80_000,
    receivedAt: 0,
    ...(mweb ? { mweb: new Uint8Array(1) } : {})
  }
}

describe('coinbase room', () => {
  it('keeps a template that leaves enough room untouched', () => {
    const t = template([tx(100n, 1000)])
    expect(fitCoinbase(t, { weight: 8000, sigops: 4 }).template).toBe(t)
  })

  it('drops the lowest fee rate first and subtracts exactly its fee', () => {
    const t = template([tx(5000n, 2000), tx(1000n, 2000), tx(3000n, 1000)])
    const fit = fitCoinbase(t, { weight: 10_000 - 5000 + 1500, sigops: 0 })
    expect(fit.fits).toBe(true)
    expect(fit.dropped.map((d) => d.fee)).toEqual([1000n])
    expect(fit.template.coinbaseValue).toBe(t.coinbaseValue - 1000n)
  })

  it('never drops the HogEx nor a transaction a kept one spends', () => {
    // tx0 (cheapest) is spent by tx1; tx2 is the HogEx (MWEB, last) and also cheap.
    const t = template([tx(10n, 3000), tx(9000n, 3000, [0]), tx(1n, 3000)], true)
    const fit = fitCoinbase(t, { weight: 10_000 - 9000 + 3500, sigops: 0 }) // needs two of the three gone
    // Dropping the child first frees its parent; the HogEx stays.
    expect(fit.dropped.map((d) => d.fee)).toEqual([10n, 9000n])
    expect(fit.template.transactions.map((d) => d.fee)).toEqual([1n])
    const hopeless = fitCoinbase(t, { weight: 100_000, sigops: 0 })
    expect(hopeless.fits).toBe(false)
    expect(hopeless.template.transactions).toHaveLength(1)
  })

  it('sizes the budget from the payout count', () => {
    const a = coinbaseBudget(1, true)
    const b = coinbaseBudget(11, true)
    expect(b.weight - a.weight).toBe(10 * (8 + 1 + 42) * 4)
    expect(b.sigops).toBe(44)
  })
})
