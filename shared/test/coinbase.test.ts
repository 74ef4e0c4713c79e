import { describe, expect, it } from 'vitest'
import { ByteReader, bytesToHex, concatBytes, equalBytes, hexToBytes } from '../src/primitives/bytes'
import { blockHash, decodeHeader, hashToDisplayHex } from '../src/primitives/header'
import { merkleRoot, witnessCommitment } from '../src/primitives/merkle'
import { bitsToTarget, meetsTarget } from '../src/primitives/target'
import {
  COINBASE_SCRIPTSIG_MAX_BYTES,
  COINBASE_WITNESS_RESERVED,
  WITNESS_COMMITMENT_HEADER,
  bip34HeightPush,
  buildCoinbaseTx,
  coinbaseStratumParts,
  findWitnessCommitmentOutput,
  witnessCommitmentScript
} from '../src/primitives/coinbase'
import { decodeTxPartial, encodeTx, hasWitness, txid, wtxid, type Transaction } from '../src/primitives/tx'

// Bitcoin mainnet block 542213 (hash 000000000000000000143a2c56c0214236dadfd30df41d4a0345492ad6d861ec),
// the whole block as served by Bitcoin Core's getblock <hash> 0: 4 transactions, 2 with witnesses.
const BLOCK_542213 =
  '000000208980ebb11236bacc66c447d5ad961bc546c0f9cc385a08000000000000000000135e9b653aee9a70028aff2d' +
  'b53d4f43f4484ad52558c3ae300410b79cb6a864df50a35ba11928171396e30104010000000001010000000000000000' +
  '000000000000000000000000000000000000000000000000ffffffff5003054608174d696e656420627920416e74506f' +
  '6f6c393b205ba350dffabe6d6d3a3e92d9efff857664de632e89fa3182f1e793d00be2e71a117b273145945a81040000' +
  '0000000000db250000acba0500ffffffff028a8f814a000000001976a914edf10a7fac6b32e24daa5305c723f3de58db' +
  '1bc888ac0000000000000000266a24aa21a9ed4a657fcaa2149342376247e2e283a55a6b92dcc35d4d89e4ac7b74488c' +
  'b63be201200000000000000000000000000000000000000000000000000000000000000000000000000100000001b898' +
  '273f98d49399ecb5194ffdb1ed15c2fb37cf6d7696b4389bc7d1b76b63db010000006b483045022100e2e9bc1f6bae2d' +
  'eed086e935bb49fd6ac1e13dc3a44c36cd8b9a6f4257efb70d022076537c7021f12d761e1202796029f13798503bc22a' +
  'b8c2ee8cb98207cbfeb414012102071c2c88e4560b47a03c033c736149a2ddd6071aea54ab85c5169cee156712f8ffff' +
  'ffff02b0710b00000000001976a914849a95fc65eeaa2ac47b6b6fc1f1883edb2c6c9788ace6b62501000000001976a9' +
  '142964198f7ae9f7b920a2ab7c0b96b90e4ec9b14d88ac000000000100000000010152405e2660055b3540f63424a1b0' +
  'b3b7bb9bbef10ceec970cd18f6f86f84a7880000000017160014dde2f1a9a4bfda011ba9ec4062990c7e1a531585ffff' +
  'ffff0266d418000000000017a914adc5ec550548f087371e645047170864d5fbdc03877e0400000000000016001441f6' +
  '746110cc0fec102e83053d4c0ae56fab1bdd02483045022100f93bd5d3529418f60dddd477f169c32ea5ab340c995734' +
  '38ee7c40d705db9ba20220323f1b4d8840098b1271c95365cdc7e8f81d0bf1fcc568c68fc7de8b871b4bee012103211d' +
  '047d92547bca4aa116bc51ec4b09188e5991f69f0432fe1b5dfd8947859700000000010000000ac1a19854e5b92792ae' +
  '96d08eb9f7fc016fb57c51a9047161c342e6b8de8ce721000000006b483045022100fa00a6651015ac807b03d8d54559' +
  '831db40d80329f46a886b93ca6b3996daf9b02201d0fafccc88c4654a9c3d205ef0828e32376ecb42f79587615203f23' +
  'fc8f2d42012102a2cda42f6954605e40cbc5601f65673621c057f8c12f16149fbbf632e8be8ed8ffffffffda16ff4a73' +
  '24f78f16d5e5d4a740168de9df426cf53df569c9a33d1b94e2c25f000000006a4730440220167b4777a23db304f50ac7' +
  '5febfae5db0b1578c90d85769bc76e0f5458484319022023f763e95ea7771c15ea0df91c17519014b2223cd726a3b0a8' +
  'b1a6f67f99b2bf012103b9492a823f03b70a1750e0fac44f58f5c81e09f4c18d0b28755b44c911ffab5ffffffffff153' +
  '3f2ea34b859d2be05bbb6859d6105ad4389c911545487187437acae21b70000000006b483045022100be0b8dc174f413' +
  '6e3fb4f3ccf1a2be67a44d2086179c5726c61a1af010d5232f02205c0fb4cdd7c9cb8698ceed05e688e10a0cbdd0ee5d' +
  'b1a0a2ef92f322e1a60e9f0121020b9f404317cc6ab5a699f607a9bb0acd0bf5588777672f8f7f4c1a13304e9f76ffff' +
  'ffff1395191837aa5b1cfa4cc2a79d6d6bda7d198e8a795a0f7a85f556c446119572000000006b483045022100ef3c61' +
  'b5ba155b94fd02a96bf788e9a9be2de0ee53e3fe1fa6c24dd9d9aaee12022044c07be54a9c59fed96dfb778da0079f67' +
  '53ab634d1920bf0fac25ebf7ac49d0012103f93e29be8b393773228f704151964662a91df4c1a3e15364e4cfb38a8cac' +
  'bda9ffffffff55120f684d5fbb845fd0198cd734e46fc29f40dc8f906bf36743d7f740f5fd7c000000006a4730440220' +
  '421aef290bbd39a18d1281ecfbb420b43daf2cc1c315b6bb44c895f88cb3cfcc022007a512c65b7768b1505f789b6d78' +
  '479063d04ffb243072f2061eeb66fb1ade81012102712eea19c72fd644b2698c5480ebe77ce6face0bed64238a34a320' +
  '85567f2f8efffffffff3553d19ce3156464e9cfa06a5260f9d9d01b16ccad6e2ebaab233ba10472ba6000000006b4830' +
  '45022100a29aea775d2c46028f40dceb1707b23e720bb314cef455854313569200c83162022009d0cdcef2e1f0a92177' +
  '94991fa838fe6ce2bdc6e3c04ad490343c7e4a0ee7d3012102ed59ec6d98f9c2a4dd1324d46d74c56ff7e15935925f69' +
  '799e547969a523ea98ffffffff530ab6d95f0d83669bfb12cbe983febe6ca638255139ce2ba0e35887f2fe3db6000000' +
  '006b483045022100fad9f10989ab4ab019da4f6e430f9fe9ebe76941a9200d7346447358e93b1dce0220756c864b029a' +
  '64ed9d6eedc13cf8b7d602572fcd7a3d3cb528350bb032d7e3ec012102e3e0c78d034627b1616cf196aa69bfaf20009b' +
  'a9ebf09cf069453cc0423239e2ffffffff4b8e70824941d965df99703cacadfabcf79bc040029e528ff931e9ba4a7ee4' +
  'd8000000006b48304502210095f37fb2700c9f96d5e5c02d4b043a7cd804f79dd071d8b221b7ae781f0f5b4e02200ae3' +
  '135b8bebf813449956ae19e7c02db5eff2472da023afa8b8d4e9baba0cdd01210226cc53dfc0a41cc0cf7117dfd406db' +
  '2b87161e89e2bab9908a2382173fc6dbe1ffffffff5262129e9881722b217f7e4882ed2b83ee53d9e23b9bc647494c94' +
  '87ae9fabdf000000006a473044022032361f724fe006079cf37b3df61cb6c51cb0c5fd77f29b61a318134ca4948d0e02' +
  '202fbe6d484a78730899230244f3662fd5578b87e9eaaccdf9bf8f05d23917de8301210254e84223b3d7f7cfd14315be' +
  '8fa0c7d7eb1a1a34a672f08e2b8ec134472a66d4ffffffff067040e03288282ebe5db7b705130849c9984458b13ea7ca' +
  '3c755f07b9d1b9f4000000006b483045022100b78b9c24f5f3e950aba637b827d5b11615c17ae2f43105941d172cc4a8' +
  'b73c80022064998c17becd06abbcfde47c91b9d87da5ac67873ed9a412010b08b954e0b5cd01210329a0acc2b0d60dd2' +
  '43eef46073a672ed0caf467c92f63ef7293f2036a3851a1effffffff02027f0000000000001976a914c6a396ae979670' +
  'eeaa6929df3dd1c2d8fba31c3d88ac85a19b020000000017a914409dbd0e9a1ab27853186367130e6aab2509e47f8700' +
  '000000'

function parseBlock(raw: Uint8Array): { header: Uint8Array; txs: Transaction[] } {
  const r = new ByteReader(raw)
  const header = r.bytes(80)
  const count = r.varint(10_000)
  const txs: Transaction[] = []
  for (let i = 0; i < count; i++) txs.push(decodeTxPartial(r))
  r.expectEnd()
  return { header, txs }
}

describe('segwit block 542213: coinbase witness commitment', () => {
  const { header, txs } = parseBlock(hexToBytes(BLOCK_542213))
  const coinbase = txs[0]

  it('is the published block: hash, PoW, and merkle root over its txids', () => {
    expect(hashToDisplayHex(blockHash(header))).toBe('000000000000000000143a2c56c0214236dadfd30df41d4a0345492ad6d861ec')
    const fields = decodeHeader(header)
    expect(meetsTarget(blockHash(header), bitsToTarget(fields.bits))).toBe(true)
    expect(txs.length).toBe(4)
    expect(txs.map(hasWitness)).toEqual([true, false, true, false])
    expect(equalBytes(merkleRoot(txs.map(txid)), fields.merkleRoot)).toBe(true)
  })

  it('commits sha256d(witness root || reserved value) in its last 6a24aa21a9ed output', () => {
    const index = findWitnessCommitmentOutput(coinbase)
    expect(index).toBe(1)
    const script = coinbase.outputs[index].script
    expect(bytesToHex(script.subarray(0, 6))).toBe('6a24' + bytesToHex(WITNESS_COMMITMENT_HEADER))
    const reserved = coinbase.inputs[0].witness[0]
    expect(equalBytes(reserved, COINBASE_WITNESS_RESERVED)).toBe(true)
    const commitment = witnessCommitment(txs.slice(1).map(wtxid), reserved)
    expect(bytesToHex(witnessCommitmentScript(commitment))).toBe(bytesToHex(script))
    // The commitment depends on witness data: using txids instead of wtxids breaks it.
    expect(equalBytes(witnessCommitment(txs.slice(1).map(txid)), commitment)).toBe(false)
  })

  it('starts its scriptSig with the BIP34 height push', () => {
    expect(bytesToHex(bip34HeightPush(542213))).toBe('03054608')
    expect(bytesToHex(coinbase.inputs[0].scriptSig.subarray(0, 4))).toBe('03054608')
  })

  it('buildCoinbaseTx rebuilds the real coinbase byte for byte from its parts', () => {
    const scriptSig = coinbase.inputs[0].scriptSig
    const extranonceBytes = 8
    const rebuilt = buildCoinbaseTx({
      height: 542213,
      scriptSigPrefix: scriptSig.subarray(4, scriptSig.length - extranonceBytes),
      extranonce: scriptSig.subarray(scriptSig.length - extranonceBytes),
      outputs: [coinbase.outputs[0]],
      witnessCommitment: coinbase.outputs[1].script.subarray(6)
    })
    expect(bytesToHex(encodeTx(rebuilt))).toBe(bytesToHex(encodeTx(coinbase)))
    expect(equalBytes(txid(rebuilt), txid(coinbase))).toBe(true)
  })

  it('splits into Stratum coinb1 || extranonce || coinb2 that hashes to the txid', () => {
    const extranonceBytes = 8
    const scriptSig = coinbase.inputs[0].scriptSig
    const extranonce = scriptSig.subarray(scriptSig.length - extranonceBytes)
    const { coinb1, coinb2 } = coinbaseStratumParts(coinbase, extranonceBytes)
    const joined = concatBytes(coinb1, extranonce, coinb2)
    expect(bytesToHex(joined)).toBe(bytesToHex(encodeTx(coinbase, { witness: false })))
  })
})

describe('BIP34 height push (as Core: CScript() << height)', () => {
  it('uses OP_N for 1..16 and minimal CScriptNum pushes above', () => {
    const vectors: Array<[number, string]> = [
      [1, '51'],
      [16, '60'],
      [17, '0111'],
      [127, '017f'],
      [128, '028000'],
      [255, '02ff00'],
      [256, '020001'],
      [65535, '03ffff00'],
      [227931, '035b7a03'], // Bitcoin's BIP34 activation height
      [8388608, '0400008000']
    ]
    for (const [height, hex] of vectors) expect(bytesToHex(bip34HeightPush(height))).toBe(hex)
    expect(() => bip34HeightPush(-1)).toThrow(RangeError)
    expect(() => bip34HeightPush(2 ** 31)).toThrow(RangeError)
  })
})

describe('buildCoinbaseTx', () => {
  const payout = { value: 5_000_000_000n, script: hexToBytes('0014751e76e8199196d454941c45d1b3a323f1433bd6') }

  it('builds a coinbase input, appends the commitment output last and sets the reserved witness', () => {
    const commitment = new Uint8Array(32).fill(7)
    const tx = buildCoinbaseTx({
      height: 100,
      scriptSigPrefix: hexToBytes('046f746564'),
      extranonce: new Uint8Array(8).fill(0xee),
      outputs: [payout],
      witnessCommitment: commitment
    })
    expect(tx.inputs.length).toBe(1)
    expect(equalBytes(tx.inputs[0].prevTxid, new Uint8Array(32))).toBe(true)
    expect(tx.inputs[0].vout).toBe(0xffffffff)
    expect(bytesToHex(tx.inputs[0].scriptSig)).toBe('0164' + '046f746564' + 'ee'.repeat(8))
    expect(tx.outputs.length).toBe(2)
    expect(findWitnessCommitmentOutput(tx)).toBe(1)
    expect(tx.outputs[1].value).toBe(0n)
    expect(tx.inputs[0].witness.map(bytesToHex)).toEqual([bytesToHex(COINBASE_WITNESS_RESERVED)])
    // Without a commitment: no witness, and no commitment output.
    const plain = buildCoinbaseTx({ height: 100, extranonce: new Uint8Array(8), outputs: [payout] })
    expect(hasWitness(plain)).toBe(false)
    expect(findWitnessCommitmentOutput(plain)).toBe(-1)
  })

  it('enforces the consensus scriptSig length of 2..100 bytes', () => {
    expect(() => buildCoinbaseTx({ height: 1, extranonce: new Uint8Array(0), outputs: [payout] })).toThrow(RangeError)
    expect(
      buildCoinbaseTx({ height: 1, extranonce: new Uint8Array(1), outputs: [payout] }).inputs[0].scriptSig.length
    ).toBe(2)
    // Height 100 push is 2 bytes: 98 more bytes reach exactly 100.
    const max = buildCoinbaseTx({
      height: 100,
      extranonce: new Uint8Array(COINBASE_SCRIPTSIG_MAX_BYTES - 2),
      outputs: [payout]
    })
    expect(max.inputs[0].scriptSig.length).toBe(COINBASE_SCRIPTSIG_MAX_BYTES)
    expect(() =>
      buildCoinbaseTx({ height: 100, extranonce: new Uint8Array(COINBASE_SCRIPTSIG_MAX_BYTES - 1), outputs: [payout] })
    ).toThrow(RangeError)
  })

  it('rejects a coinbase without outputs and a malformed commitment', () => {
    expect(() => buildCoinbaseTx({ height: 100, extranonce: new Uint8Array(8), outputs: [] })).toThrow(RangeError)
    expect(() => witnessCommitmentScript(new Uint8Array(31))).toThrow(RangeError)
  })
})
