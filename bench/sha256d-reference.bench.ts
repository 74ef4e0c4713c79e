// sha256d reference throughput: the shared sha256d (our allocation-free SHA-256, @otedama/shared src/primitives/sha256-fast.ts) on 80-byte headers, nonce by nonce, against
// node:crypto createHash('sha256') twice as the baseline measured in the same run. Single thread.
// Run: npx tsx bench/sha256d-reference.bench.ts
import { createHash } from 'node:crypto'
import { sha256d } from '@otedama/shared/primitives'
import { hexToBytes } from '@otedama/shared/primitives'

const WARMUP_MS = 300 // lets V8 reach its optimising tier before timing
const MEASURE_MS = 1_500 // per method
const BATCH = 1_000 // hashes between clock reads

// Bitcoin block 125552's header; the nonce (bytes 76..79) is rolled as a miner would.
const header = hexToBytes(
  '01000000' +
    '81cd02ab7e569e8bcd9317e2fe99f2de44d49ab2b8851ba4a308000000000000' +
    'e320b6c2fffc8d750423db8b1eb942ae710e951ed797f7affc8892b0f1fc122b' +
    'c7f5d74df2b9441a42a14695'
)
const view = new DataView(header.buffer, header.byteOffset, header.byteLength)

type HashFn = (h: Uint8Array) => Uint8Array

const sharedSha256d: HashFn = (h) => sha256d(h)
const nodeSha256d: HashFn = (h) => createHash('sha256').update(createHash('sha256').update(h).digest()).digest()

/** Hashes per second over `ms`, rolling the nonce; folds a byte of each hash so the work is not dead. */
function run(fn: HashFn, ms: number): { hps: number; sink: number } {
  let nonce = 0
  let sink = 0
  let count = 0
  const start = performance.now()
  let now = start
  while (now - start < ms) {
    for (let i = 0; i < BATCH; i++) {
      view.setUint32(76, nonce++, true)
      sink ^= fn(header)[31]
    }
    count += BATCH
    now = performance.now()
  }
  return { hps: count / ((now - start) / 1000), sink }
}

function measure(name: string, fn: HashFn): number {
  run(fn, WARMUP_MS)
  const { hps, sink } = run(fn, MEASURE_MS)
  process.stdout.write(`${name.padEnd(28)} ${(hps / 1e6).toFixed(3)} MH/s  (sink ${sink})\n`)
  return hps
}

// Correctness guard: both methods agree before anything is timed.
view.setUint32(76, 2504433986, true)
if (Buffer.compare(Buffer.from(sharedSha256d(header)), Buffer.from(nodeSha256d(header))) !== 0) {
  throw new Error('shared sha256d and node:crypto disagree')
}

process.stdout.write(`sha256d on 80-byte headers, ${MEASURE_MS} ms each after ${WARMUP_MS} ms warm-up, 1 thread\n`)
const baseline = measure('node:crypto createHash x2', nodeSha256d)
const shared = measure('shared sha256d', sharedSha256d)
const ratio = shared / baseline
process.stdout.write(`ratio shared / node:crypto: ${ratio.toFixed(3)}\n`)
process.stdout.write(
  JSON.stringify({
    sha256d_shared_hps: Math.round(shared),
    sha256d_node_crypto_hps: Math.round(baseline),
    ratio: Number(ratio.toFixed(3))
  }) + '\n'
)
