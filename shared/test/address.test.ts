// Addresses of every network against published scripts: Bitcoin Core and Litecoin Core
// src/test/data/key_io_valid.json, Bitcoin's genesis payout address, and real Litecoin/MWEB addresses.
import { describe, expect, it } from 'vitest'
import { ADDRESS_PREFIXES, AddressError, addressToScript, decodeAddress, scriptToAddress } from '../src/address'
import type { AddressPrefixes } from '../src/address'
import { bytesToHex, hexToBytes } from '../src/primitives/bytes'
import { hash160 } from '../src/primitives/hash'
import {
  opReturnScript,
  p2pkhScript,
  p2shScript,
  p2trScript,
  p2wpkhScript,
  p2wshScript
} from '../src/primitives/script'

type Net = keyof typeof ADDRESS_PREFIXES
const P = ADDRESS_PREFIXES

function refusal(address: string, prefixes: AddressPrefixes): AddressError {
  try {
    addressToScript(address, prefixes)
  } catch (e) {
    if (e instanceof AddressError) return e
    throw e
  }
  throw new Error(`${address} was accepted`)
}

/** Version bytes 111 (P2PKH) and 196 (P2SH) are shared by every test network: base58 cannot tell them apart. */
const TEST_BASE58: Net[] = [
  'bitcoin-testnet4',
  'bitcoin-signet',
  'bitcoin-regtest',
  'litecoin-testnet',
  'litecoin-regtest'
]

const BITCOIN_TESTS: Net[] = ['bitcoin-testnet4', 'bitcoin-signet']
const LITECOIN_TESTS: Net[] = ['litecoin-testnet', 'litecoin-regtest']

// [address, scriptPubKey, networks that accept it]
const KNOWN: [string, string, Net[]][] = [
  // Bitcoin genesis block coinbase payee (pay-to-pubkey there; this is its hash160 as P2PKH).
  ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', '76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac', ['bitcoin']],
  // Bitcoin Core key_io_valid.json
  ['1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo', '76a914a31c06bd463e3923bc1aadbde48b16976c08071788ac', ['bitcoin']],
  ['36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm', 'a914373b819a068f32b7a6b38b6b38729647cfde01c287', ['bitcoin', 'litecoin']],
  ['bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv', '00146100fc6343edc8c874496cb2f5bbfec88ea9b77c', ['bitcoin']],
  [
    'bc1p83n3au0rjylefxq2nc2xh2y4jzz4pm6zxj4mw5pagdjjr2a9f36s6jjnnu',
    '51203c671ef1e3913f94980a9e146ba895908550ef4234abb7503d436521aba54c75',
    ['bitcoin']
  ],
  ['mzK2FFDEhxqHcmrJw1ysqFkVyhUULo45hZ', '76a914ce28b26c57472737f5c3561a1761185bd8589a4388ac', TEST_BASE58],
  ['2NC2hEhe28ULKAJkW5MjZ3jtTMJdvXmByvK', 'a914ce0bba75891ff9ec60148d4bd4a09ee2dc5c933187', TEST_BASE58],
  ['tb1qcrh3yqn4nlleplcez2yndq2ry8h9ncg3qh7n54', '0014c0ef1202759fff90ff19128936814321ee59e111', BITCOIN_TESTS],
  ['mww4LvqtTMKvmeQvizPz2EQv26xTneWrbg', '76a914b4110ba93ac54afc14da3bdd19614774a2d55d2988ac', TEST_BASE58],
  ['2N1r7aC69VHeE7yQJPDLi9T1PYq4wnwvjuT', 'a9145e5a35ab44b3efaea5129ba22b88ba3e2976614587', TEST_BASE58],
  [
    'tb1pae5um27ahn8n73pgexe3kcwlp8dhswpn684h2k2w6t9a7w3eq65qephd5y',
    '5120ee69cdabddbccf3f4428c9b31b61df09db783833d1eb75594ed2cbdf3a3906a8',
    ['bitcoin-testnet4', 'bitcoin-signet']
  ],
  ['n4fajahJrAuKbN7uNsKjLjQkz9Qn5ewJXQ', '76a914fdeca3b08e38af53d7c4c60e3ad208ce5066441088ac', TEST_BASE58],
  ['2MxFajLApXpYk4VodBSZSt7rw8y4ryABkfA', 'a91436e9f191e0b75036a77f65e2eaa4752443233fbe87', TEST_BASE58],
  ['bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9', '00146f58bac9506f9bfb821d62e69330410bb56f0085', ['bitcoin-regtest']],
  [
    'bcrt1qan8gntac7z7me2ejt4hpru42ad2f759fmy0m3ejvs98656znv7eqga4uhv',
    '0020ecce89afb8f0bdbcab325d6e11f2aaeb549f50a9d91fb8e64c814faa685367b2',
    ['bitcoin-regtest']
  ],
  [
    'bcrt1pfwxjqvtt4tcxrtdluukfmy2dv7xd2qzdfy6kajv5nwn4yam3wxkq3553uh',
    '51204b8d20316baaf061adbfe72c9d914d678cd5004d49356ec9949ba752777171ac',
    ['bitcoin-regtest']
  ],
  // Litecoin Core key_io_valid.json
  ['LT2KVaAy1ppRuxRgrS5RNU3vBsy7RibPeA', '76a914558dbca7118cd5894502767c7b2ffc21a22f54db88ac', ['litecoin']],
  ['MHrYRxAiMNBTku3eoDHwhA1LQGDjUStZW2', 'a9146d328a5b2a20d943a641c8d29b6cc3c2d2df85d387', ['litecoin']],
  ['mwXn5Vhicdav8Av3KMokx4YNuHoGRKxtWs', '76a914afa9e672141e283dfbcc1cf28f3793a856d3878488ac', TEST_BASE58],
  ['QXaUgLHkZcbJb2j5XgMYzY8cF9YM48Y81Z', 'a9147860667e60a6545e18e541984094b29c9c46991b87', LITECOIN_TESTS],
  ['mpWvR79tSrA5xeziB6mjNYWdaVRwBpgnUP', '76a91462b790654f809d32202587c6a43456ffc1965d8388ac', TEST_BASE58],
  ['QgDNrG4nJpE4VV7PcFMFhkTgwAHWxWS7pj', 'a914d71bee7a1395c10c9ca9a7f53ac086b53e74369d87', LITECOIN_TESTS],
  ['ltc1qhdhvrwe6rgqns8fz28tee0hphr5x7ulw5exv4w', '0014bb6ec1bb3a1a01381d2251d79cbee1b8e86f73ee', ['litecoin']],
  // The BIP173 P2WPKH program on Litecoin regtest.
  ['rltc1qw508d6qejxtdg4y5r3zarvary0c5xw7k693xs3', '0014751e76e8199196d454941c45d1b3a323f1433bd6', ['litecoin-regtest']]
]

describe('addresses of every network', () => {
  it.each(KNOWN)('%s -> %s on its networks only', (address, scriptHex, nets) => {
    for (const net of Object.keys(P) as Net[]) {
      if (nets.includes(net)) expect(bytesToHex(addressToScript(address, P[net])), net).toBe(scriptHex)
      else expect(refusal(address, P[net]).code, net).toBe('network')
    }
  })

  it('one key is the same P2WPKH script on bitcoin, litecoin, litecoin-testnet and litecoin-regtest', () => {
    // One public key's addresses as published for four networks (THORChain's test key data).
    const scripts = [
      addressToScript('bc1qj08ys4ct2hzzc2hcz6h2hgrvlmsjynawlht528', P.bitcoin),
      addressToScript('ltc1qj08ys4ct2hzzc2hcz6h2hgrvlmsjynawmt3sjh', P.litecoin),
      addressToScript('tltc1qj08ys4ct2hzzc2hcz6h2hgrvlmsjynawvejepa', P['litecoin-testnet']),
      addressToScript('rltc1qj08ys4ct2hzzc2hcz6h2hgrvlmsjynawf4nr3r', P['litecoin-regtest'])
    ].map(bytesToHex)
    expect(new Set(scripts).size).toBe(1)
    expect(scripts[0]).toMatch(/^0014[0-9a-f]{40}$/)
  })

  it('encodes scripts back to the canonical address (Litecoin P2SH with its M/Q versions)', () => {
    for (const [address, scriptHex, nets] of KNOWN) {
      const net = nets[0]
      const back = scriptToAddress(hexToBytes(scriptHex), P[net])
      expect(back, address).toBe(address.startsWith('BC1') ? address.toLowerCase() : address)
    }
    // Litecoin accepts the legacy '3…' P2SH version but writes its own 'M…'.
    expect(scriptToAddress(hexToBytes('a9146d328a5b2a20d943a641c8d29b6cc3c2d2df85d387'), P.litecoin)).toBe(
      'MHrYRxAiMNBTku3eoDHwhA1LQGDjUStZW2'
    )
  })

  it('round-trips every script kind on every network, devnet included', () => {
    const h20 = hash160(Uint8Array.of(1, 2, 3))
    const h32 = new Uint8Array(32).fill(7)
    const scripts = [p2pkhScript(h20), p2shScript(h20), p2wpkhScript(h20), p2wshScript(h32), p2trScript(h32)]
    for (const net of Object.keys(P) as Net[]) {
      for (const script of scripts) {
        const address = scriptToAddress(script, P[net])
        expect(address, net).toBeDefined()
        expect(bytesToHex(addressToScript(address as string, P[net]))).toBe(bytesToHex(script))
      }
    }
    expect(scriptToAddress(p2pkhScript(h20), P.devnet)).toMatch(/^o/)
    expect(scriptToAddress(p2shScript(h20), P.devnet)).toMatch(/^s/)
    expect(scriptToAddress(p2wpkhScript(h20), P.devnet)).toMatch(/^odev1q/)
    expect(scriptToAddress(p2trScript(h32), P.devnet)).toMatch(/^odev1p/)
  })

  it('has no address for scripts that are not standard payees', () => {
    expect(scriptToAddress(opReturnScript(Uint8Array.of(1, 2)), P.bitcoin)).toBeUndefined()
    expect(scriptToAddress(new Uint8Array(0), P.bitcoin)).toBeUndefined()
    expect(scriptToAddress(hexToBytes('0015' + '00'.repeat(21)), P.bitcoin)).toBeUndefined() // v0, 21 bytes
    expect(scriptToAddress(hexToBytes('5101ff'), P.bitcoin)).toBeUndefined() // 1-byte program
  })
})

describe('clear refusals', () => {
  it('a Bitcoin address on a litecoin network is a network error naming both', () => {
    const e = refusal('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', P.litecoin)
    expect(e.code).toBe('network')
    expect(e.message).toBe('address is for bitcoin, but this pool runs litecoin')
    expect(refusal('bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv', P.litecoin).code).toBe('network')
  })

  it('a litecoin-testnet address on litecoin-regtest says which network it is for', () => {
    const e = refusal('tltc1qj08ys4ct2hzzc2hcz6h2hgrvlmsjynawvejepa', P['litecoin-regtest'])
    expect(e.code).toBe('network')
    expect(e.message).toBe('address is for litecoin-testnet, but this pool runs litecoin-regtest')
  })

  it('a test-network base58 address on mainnet lists the networks it may be for', () => {
    const e = refusal('mwXn5Vhicdav8Av3KMokx4YNuHoGRKxtWs', P.litecoin)
    expect(e.code).toBe('network')
    expect(e.message).toMatch(/litecoin-testnet/)
    expect(e.message).toMatch(/this pool runs litecoin$/)
  })

  it('a devnet address is refused by real networks and the other way round', () => {
    const devnetAddress = scriptToAddress(p2wpkhScript(new Uint8Array(20)), P.devnet) as string
    expect(refusal(devnetAddress, P.bitcoin).message).toMatch(/address is for devnet/)
    expect(refusal('ltc1qhdhvrwe6rgqns8fz28tee0hphr5x7ulw5exv4w', P.devnet).code).toBe('network')
  })

  it('a base58 typo is a checksum error', () => {
    expect(refusal('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb', P.bitcoin).code).toBe('checksum')
    expect(refusal('LT2KVaAy1ppRuxRgrS5RNU3vBsy7RibPeB', P.litecoin).message).toBe(
      'bad checksum: the address has a typo'
    )
  })

  it('MWEB addresses are an unsupported kind', () => {
    // A real MWEB stealth address (longer than bech32's 90 characters).
    const mweb =
      'ltcmweb1qq20e2arnhvxw97katjkmsd35agw3capxjkrkh7dk8d30rczm8ypxuq329nwh2twmchhqn3jqh7ua4ps539f6aazh79jy76urqht4qa59ts3at6gf'
    const e = refusal(mweb, P.litecoin)
    expect(e.code).toBe('kind')
    expect(e.message).toMatch(/^unsupported address kind: MWEB/)
    expect(refusal('tmweb1qqexample', P['litecoin-regtest']).code).toBe('kind')
  })

  it('private keys and extended keys are refused as kinds, with a warning', () => {
    // Bitcoin Core key_io_valid.json WIF keys; BIP32 test vector 1 master xpub.
    const wif = refusal('5JuW2AMDYu4xVwRG9DZW18VbzQrGcd5RCgb99sS6ehJsNQXu5b9', P.bitcoin)
    expect(wif.code).toBe('kind')
    expect(wif.message).toMatch(/private key/)
    expect(refusal('L5nJeqKmpHp4P7F8ZYyjwc5a7P4d8EabuGAzfGJk7yC1BJyzNaEd', P.bitcoin).code).toBe('kind')
    const xpub =
      'xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8'
    expect(refusal(xpub, P.bitcoin).code).toBe('kind')
  })

  it('malformed input is a format error', () => {
    const malformed = [
      '',
      ' 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa',
      'not an address',
      '0OIl',
      'x'.repeat(300),
      'bc1' + 'q'.repeat(88)
    ]
    for (const bad of malformed) {
      expect(refusal(bad, P.bitcoin).code, JSON.stringify(bad)).toBe('format')
    }
    expect(() => decodeAddress(42 as unknown as string, P.bitcoin)).toThrow(AddressError)
  })
})
