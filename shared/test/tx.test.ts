import { describe, expect, it } from 'vitest'
import { ByteWriter, DecodeError, bytesToHex, concatBytes, equalBytes, hexToBytes } from '../src/primitives/bytes'
import { hashToDisplayHex } from '../src/primitives/header'
import { pushData } from '../src/primitives/script'
import { MAX_TX_BYTES, decodeTx, encodeTx, hasWitness, txid, wtxid, type Transaction } from '../src/primitives/tx'

// Bitcoin block 0's coinbase ("The Times 03/Jan/2009 ..."); its txid is the genesis merkle root.
const BITCOIN_GENESIS_COINBASE =
  '01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104' +
  '455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365' +
  '636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967' +
  'f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c' +
  '702b6bf11d5fac00000000'

// Bitcoin block 542213 (000000000000000000143a2c...61ec): its segwit coinbase (AntPool) and its third
// transaction (P2SH-P2WPKH spend). The block's header hash, merkle root and witness commitment are
// verified from the full block in coinbase.test.ts.
const SEGWIT_COINBASE_542213 =
  '010000000001010000000000000000000000000000000000000000000000000000000000000000ffffffff5003054608' +
  '174d696e656420627920416e74506f6f6c393b205ba350dffabe6d6d3a3e92d9efff857664de632e89fa3182f1e793d0' +
  '0be2e71a117b273145945a810400000000000000db250000acba0500ffffffff028a8f814a000000001976a914edf10a7f' +
  'ac6b32e24daa5305c723f3de58db1bc888ac0000000000000000266a24aa21a9ed4a657fcaa2149342376247e2e283a55a' +
  '6b92dcc35d4d89e4ac7b74488cb63be2012000000000000000000000000000000000000000000000000000000000000000' +
  '0000000000'
const SEGWIT_SPEND_542213 =
  '0100000000010152405e2660055b3540f63424a1b0b3b7bb9bbef10ceec970cd18f6f86f84a7880000000017160014dd' +
  'e2f1a9a4bfda011ba9ec4062990c7e1a531585ffffffff0266d418000000000017a914adc5ec550548f087371e64504717' +
  '0864d5fbdc03877e0400000000000016001441f6746110cc0fec102e83053d4c0ae56fab1bdd02483045022100f93bd5d3' +
  '529418f60dddd477f169c32ea5ab340c99573438ee7c40d705db9ba20220323f1b4d8840098b1271c95365cdc7e8f81d0b' +
  'f1fcc568c68fc7de8b871b4bee012103211d047d92547bca4aa116bc51ec4b09188e5991f69f0432fe1b5dfd8947859700' +
  '000000'

function decodeErrorCode(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (e instanceof DecodeError) return e.code
    throw e
  }
  throw new Error('expected a DecodeError')
}

describe('legacy transactions', () => {
  it('Bitcoin genesis coinbase: parses, re-serializes identically, txid = genesis merkle root', () => {
    const tx = decodeTx(hexToBytes(BITCOIN_GENESIS_COINBASE))
    expect(tx.version).toBe(1)
    expect(tx.inputs.length).toBe(1)
    expect(tx.inputs[0].vout).toBe(0xffffffff)
    expect(new TextDecoder().decode(tx.inputs[0].scriptSig.subarray(8))).toBe(
      'The Times 03/Jan/2009 Chancellor on brink of second bailout for banks'
    )
    expect(tx.outputs[0].value).toBe(50n * 100_000_000n)
    expect(hasWitness(tx)).toBe(false)
    expect(bytesToHex(encodeTx(tx))).toBe(BITCOIN_GENESIS_COINBASE)
    expect(hashToDisplayHex(txid(tx))).toBe('4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b')
    expect(equalBytes(wtxid(tx), txid(tx))).toBe(true)
  })

  it('Litecoin genesis coinbase, built from its published message and key, has the genesis merkle root', () => {
    const message = new TextEncoder().encode('NY Times 05/Oct/2011 Steve Jobs, Apple\u2019s Visionary, Dies at 56')
    const pubkey = hexToBytes(
      '040184710fa689ad5023690c80f3a49c8f13f8d45b8c857fbcbc8bc4a8e4d3eb4b10f4d4604fa08dce601aaf0f470216fe1b51850b4acf21b179c45070ac7b03a9'
    )
    const tx: Transaction = {
      version: 1,
      inputs: [
        {
          prevTxid: new Uint8Array(32),
          vout: 0xffffffff,
          scriptSig: concatBytes(hexToBytes('04ffff001d0104'), pushData(message)),
          sequence: 0xffffffff,
          witness: []
        }
      ],
      outputs: [{ value: 50n * 100_000_000n, script: concatBytes(pushData(pubkey), Uint8Array.of(0xac)) }],
      locktime: 0
    }
    expect(hashToDisplayHex(txid(tx))).toBe('97ddfbbae6be97fd6cdf3e7ca13232a3afff2353e29badfab7f73011edd4ced9')
  })
})

describe('witness transactions (BIP144)', () => {
  it('segwit coinbase of block 542213: witness parsed, txid != wtxid, commitment output, identical bytes', () => {
    const raw = hexToBytes(SEGWIT_COINBASE_542213)
    const tx = decodeTx(raw)
    expect(hasWitness(tx)).toBe(true)
    expect(tx.inputs[0].witness.length).toBe(1)
    expect(equalBytes(tx.inputs[0].witness[0], new Uint8Array(32))).toBe(true)
    expect(tx.outputs.some((o) => bytesToHex(o.script).startsWith('6a24aa21a9ed'))).toBe(true)
    expect(bytesToHex(encodeTx(tx))).toBe(SEGWIT_COINBASE_542213)
    expect(hashToDisplayHex(txid(tx))).toBe('c399a9d747a422c9fc9261934f96c406cec3ca136280812f8abb8a3b9fdd868d')
    expect(equalBytes(txid(tx), wtxid(tx))).toBe(false)
    // Legacy serialization drops marker, flag and witness; decoding it gives the same tx without witness.
    const legacy = encodeTx(tx, { witness: false })
    expect(legacy.length).toBe(raw.length - 2 - 34)
    const stripped = decodeTx(legacy)
    expect(hasWitness(stripped)).toBe(false)
    expect(equalBytes(txid(stripped), txid(tx))).toBe(true)
  })

  it('P2SH-P2WPKH spend of block 542213 round-trips with its signature witness', () => {
    const tx = decodeTx(hexToBytes(SEGWIT_SPEND_542213))
    expect(tx.inputs[0].witness.map((w) => w.length)).toEqual([72, 33])
    expect(bytesToHex(encodeTx(tx))).toBe(SEGWIT_SPEND_542213)
    expect(hashToDisplayHex(txid(tx))).toBe('6c6e3849acf1b570db352dc08f7776e99c344a56fbb2f019e1865d1b6e044889')
    expect(hashToDisplayHex(wtxid(tx))).not.toBe(hashToDisplayHex(txid(tx)))
  })
})

describe('strict decoding', () => {
  const genesis = hexToBytes(BITCOIN_GENESIS_COINBASE)

  it('rejects trailing and missing bytes', () => {
    expect(decodeErrorCode(() => decodeTx(concatBytes(genesis, Uint8Array.of(0))))).toBe('trailing')
    expect(decodeErrorCode(() => decodeTx(genesis.subarray(0, genesis.length - 1)))).toBe('eof')
    expect(decodeErrorCode(() => decodeTx(new Uint8Array(0)))).toBe('eof')
  })

  it('rejects a non-canonical input count', () => {
    const bad = concatBytes(genesis.subarray(0, 4), hexToBytes('fd0100'), genesis.subarray(5))
    expect(decodeErrorCode(() => decodeTx(bad))).toBe('varint-noncanonical')
  })

  it('rejects unknown witness flags and superfluous (all-empty) witnesses', () => {
    const segwit = hexToBytes(SEGWIT_SPEND_542213)
    const flag2 = segwit.slice()
    flag2[5] = 0x02
    expect(decodeErrorCode(() => decodeTx(flag2))).toBe('tx-witness-flag')
    const legacy = encodeTx(decodeTx(genesis))
    const superfluous = concatBytes(
      legacy.subarray(0, 4),
      hexToBytes('0001'),
      legacy.subarray(4, -4),
      hexToBytes('00'),
      legacy.subarray(-4)
    )
    expect(decodeErrorCode(() => decodeTx(superfluous))).toBe('tx-witness-empty')
  })

  it('rejects transactions without inputs or outputs', () => {
    // Marker + flag, then zero inputs.
    expect(decodeErrorCode(() => decodeTx(hexToBytes('010000000001000000000000')))).toBe('tx-no-inputs')
    // A legacy zero-input encoding reads as a witness marker followed by a bad flag (BIP144 ambiguity).
    expect(decodeErrorCode(() => decodeTx(hexToBytes('01000000000000000000')))).toBe('tx-witness-flag')
    const tx = decodeTx(genesis)
    expect(decodeErrorCode(() => decodeTx(encodeTx({ ...tx, outputs: [] })))).toBe('tx-no-outputs')
  })

  it('rejects scripts over 10 000 bytes, values over int64 and oversize transactions', () => {
    const tx = decodeTx(genesis)
    const bigScript = encodeTx({ ...tx, outputs: [{ value: 1n, script: new Uint8Array(10_001) }] })
    expect(decodeErrorCode(() => decodeTx(bigScript))).toBe('varint-max')
    const okScript = encodeTx({ ...tx, outputs: [{ value: 1n, script: new Uint8Array(10_000) }] })
    expect(decodeTx(okScript).outputs[0].script.length).toBe(10_000)
    const hugeValue = encodeTx({ ...tx, outputs: [{ value: 1n << 63n, script: new Uint8Array(1) }] })
    expect(decodeErrorCode(() => decodeTx(hugeValue))).toBe('tx-value-range')
    expect(decodeErrorCode(() => decodeTx(new Uint8Array(MAX_TX_BYTES + 1)))).toBe('tx-size')
    // A witness item that alone exceeds the size limit is refused before it is read.
    const w = new ByteWriter().i32le(1).u8(0).u8(1).varint(1).bytes(new Uint8Array(36)).varint(0).u32le(0)
    w.varint(1)
      .u64le(0n)
      .varint(0)
      .varint(1)
      .varint(MAX_TX_BYTES + 1)
    expect(decodeErrorCode(() => decodeTx(w.finish()))).toBe('varint-max')
  })
})
