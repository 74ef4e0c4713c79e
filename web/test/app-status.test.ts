// The words the header and the address field use: the header never says "Mining" without a relay link,
// and address errors are plain words with the network's prefix, not codec jargon.
import { describe, expect, test } from 'vitest'
import { scriptToAddress } from '@otedama/shared/address'
import { getChainParams } from '@otedama/shared/chain'
import { p2wpkhScript } from '@otedama/shared/primitives'
import { checkPayoutAddress, exampleAddress } from '../src/app/state/address-check'
import { headerStatus, type HeaderInput } from '../src/app/state/header-status'

const idle: HeaderInput = {
  running: false,
  starting: false,
  pausedReason: undefined,
  hashrate: 0,
  otherTabMining: false,
  otherTabHashrate: 0,
  relayLinks: 0,
  queuedShares: 0
}

describe('header status', () => {
  test('mining with a relay link shows the hashrate; without one, reconnecting with the queued shares', () => {
    expect(headerStatus({ ...idle, running: true, hashrate: 3.4e6, relayLinks: 1 })).toEqual({
      kind: 'mining',
      text: 'Mining · 3.40 MH/s'
    })
    expect(headerStatus({ ...idle, running: true, hashrate: 3.4e6, relayLinks: 0, queuedShares: 3 })).toEqual({
      kind: 'reconnecting',
      text: 'No relay link — reconnecting, 3 shares queued'
    })
    expect(headerStatus({ ...idle, running: true, relayLinks: 0, queuedShares: 1 }).text).toBe(
      'No relay link — reconnecting, 1 share queued'
    )
  })

  test('another tab mining and a pause are said so', () => {
    expect(headerStatus({ ...idle, otherTabMining: true, otherTabHashrate: 2e6 }).text).toBe(
      'Mining in another tab (2.00 MH/s)'
    )
    expect(headerStatus({ ...idle, running: true, relayLinks: 1, pausedReason: 'the tab is hidden' }).text).toBe(
      'Paused: the tab is hidden'
    )
    expect(headerStatus(idle).text).toBe('Not mining')
  })
})

describe('payout address check in plain words', () => {
  const good = scriptToAddress(p2wpkhScript(new Uint8Array(20).fill(7)), getChainParams('devnet').addresses) as string

  test('a good address passes; the example is a well-formed address of the network', () => {
    expect(checkPayoutAddress(good, 'devnet').ok).toBe(true)
    const example = exampleAddress('devnet') as string
    expect(example).toMatch(/^odev1q/)
    expect(checkPayoutAddress(example, 'devnet').ok).toBe(true)
    expect(exampleAddress('litecoin')).toMatch(/^ltc1q/)
  })

  test('errors say what to do, with no codec jargon', () => {
    const messages = [
      checkPayoutAddress('hello', 'devnet'),
      checkPayoutAddress(good.slice(0, -1) + (good.endsWith('q') ? 'p' : 'q'), 'devnet'),
      checkPayoutAddress('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'devnet')
    ].map((c) => (c.ok ? '' : c.message))
    expect(messages[0]).toBe(
      'That is not a wallet address. devnet addresses start with odev1 and are 42 or more characters long.'
    )
    expect(messages[1]).toMatch(/typo.*checksum.*odev1/)
    expect(messages[2]).toMatch(/^This is an address for bitcoin, but this pool runs devnet/)
    for (const m of messages) expect(m).not.toMatch(/base58check|bech32/)
  })
})
