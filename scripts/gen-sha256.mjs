// Writes @otedama/shared src/primitives/sha256-compress.ts: SHA-256 compressions (FIPS 180-4 §6.2.2) fully
// unrolled, one specialised function per shape of input that share validation hashes.
//
// Why generated: 64 rounds x 7 shapes is ~600 lines nobody should edit by hand. Unrolling lets
// every K[t] be a literal, every round's variables be fresh consts (no rotation of roles, no loop),
// and lets constant message words be folded at generation time: the padding words of sha256d's
// second hash, the padding block after a 64-byte merkle node (its whole schedule is constant) and
// the tail of an 80-byte header. Round 0 from the initial hash value folds to one add.
// One compression per function: V8 (Node 20) never optimizes a function of more than 60 KB of
// bytecode (max_optimized_bytecode_size); three compressions fused into one function stayed in the
// interpreter (measured: 78 µs per merkle node instead of ~0.7 µs).
//
// Usage: node scripts/gen-sha256.mjs   (then `npx vitest run shared/test/sha256-fast.test.ts`)
//        node scripts/gen-sha256.mjs --check   (exit 1 if the committed file differs)
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'shared/src/primitives/sha256-compress.ts')

// FIPS 180-4 §4.2.2: first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
].map((k) => k | 0)
// FIPS 180-4 §5.3.3: H(0).
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19].map(
  (h) => h | 0
)
const PAD_BIT = 0x80000000 | 0

// A value is a number (an int32 known now) or a string (a const local, or an expression of them).
const isNum = (v) => typeof v === 'number'
const lit = (n) => ((n | 0) < 0 ? `(-0x${(-(n | 0)).toString(16)})` : `0x${(n >>> 0).toString(16)}`)
const show = (v) => (isNum(v) ? lit(v) : v)
const rotr = (x, r) => (x >>> r) | (x << (32 - r)) | 0
const rot = (x, r) => `((${x} >>> ${r}) | (${x} << ${32 - r}))`
const bigSigma0 = (x) =>
  isNum(x) ? rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22) : `(${rot(x, 2)} ^ ${rot(x, 13)} ^ ${rot(x, 22)})`
const bigSigma1 = (x) =>
  isNum(x) ? rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25) : `(${rot(x, 6)} ^ ${rot(x, 11)} ^ ${rot(x, 25)})`
const smallSigma0 = (x) =>
  isNum(x) ? rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3) : `(${rot(x, 7)} ^ ${rot(x, 18)} ^ (${x} >>> 3))`
const smallSigma1 = (x) =>
  isNum(x) ? rotr(x, 17) ^ rotr(x, 19) ^ (x >>> 10) : `(${rot(x, 17)} ^ ${rot(x, 19)} ^ (${x} >>> 10))`

/**
 * Sum mod 2^32: constants folded into one literal; a number when every term is one. Terms are added
 * left to right in the order given (constant first): callers put what is ready early first, so
 * the adds on the round's critical path are the last ones (integer adds are not reassociated by
 * the CPU or by V8; measured 5-15 % per compression).
 */
function add(...terms) {
  let c = 0
  const vars = []
  for (const t of terms) {
    if (isNum(t)) c = (c + t) | 0
    else vars.push(t)
  }
  if (vars.length === 0) return c
  if (c !== 0) vars.unshift(lit(c))
  return `(${vars.join(' + ')}) | 0`
}

/**
 * Emits one compression into `lines`. `init`: 8 values (the chaining state). `word(i)` for i < 16:
 * the message word as a number or a JS expression; or `kw` (an array name) for a block scheduled
 * in advance with K added. Returns the 8 values init[i] + final[i] (not yet emitted).
 */
function compression(lines, p, init, word, kw) {
  let n = 0
  // Binds a non-constant expression to a fresh const so it is computed once.
  const bind = (v, name) => {
    if (isNum(v) || /^[A-Za-z_$][\w$]*$/.test(v)) return v
    const id = `${p}${name ?? `v${n++}`}`
    lines.push(`  const ${id} = ${v}`)
    return id
  }
  // a[t + 3] is the value of a before round t (a[0..2] are the initial d, c, b); e likewise.
  const a = [init[3], init[2], init[1], init[0]]
  const e = [init[7], init[6], init[5], init[4]]
  const w = []
  let prevX = isNum(a[2]) && isNum(a[1]) ? a[2] ^ a[1] : bind(`${show(a[2])} ^ ${show(a[1])}`, 'x')
  for (let t = 0; t < 64; t++) {
    const roundStart = lines.length
    const [A, B, C, D] = [a[t + 3], a[t + 2], a[t + 1], a[t]]
    const [E, F, G, H] = [e[t + 3], e[t + 2], e[t + 1], e[t]]
    let kwTerm
    if (kw) kwTerm = [`${kw}[${t}]`]
    else {
      if (t < 16) w[t] = bind(word(t), `w${t}`)
      else {
        const s = add(smallSigma1(w[t - 2]), w[t - 7], smallSigma0(w[t - 15]), w[t - 16])
        w[t] = bind(s, `w${t}`)
      }
      kwTerm = [K[t], w[t]]
    }
    // Ch(e,f,g) = g ^ (e & (f ^ g)); Maj(a,b,c) = b ^ ((a ^ b) & (b ^ c)), and b ^ c is the
    // previous round's a ^ b (one operation fewer per round).
    const ch =
      isNum(E) && isNum(F) && isNum(G)
        ? G ^ (E & (F ^ G))
        : `(${show(G)} ^ (${show(E)} & ${isNum(F) && isNum(G) ? lit(F ^ G) : `(${show(F)} ^ ${show(G)})`}))`
    const x = isNum(A) && isNum(B) ? A ^ B : bind(`${show(A)} ^ ${show(B)}`, `x${t}`)
    const maj = isNum(x) && isNum(prevX) && isNum(B) ? B ^ (x & prevX) : `(${show(B)} ^ (${show(x)} & ${show(prevX)}))`
    prevX = x
    // T1 = h + Σ1(e) + Ch(e,f,g) + K + W, summed with the terms that do not wait for e first.
    const t1 = bind(add(H, ...kwTerm, ch, bigSigma1(E)), `t${t}`)
    e[t + 4] = bind(add(D, t1), `e${t + 1}`)
    a[t + 4] = bind(add(bigSigma0(A), maj, t1), `a${t + 1}`)
    // One line per round (schedule word included).
    lines.push(
      `  ${lines
        .splice(roundStart)
        .map((s) => s.trim())
        .join('; ')}`
    )
  }
  const final = [a[67], a[66], a[65], a[64], e[67], e[66], e[65], e[64]]
  return final.map((f, i) => add(init[i], f))
}

const stateIn = (lines, p) =>
  Array.from({ length: 8 }, (_, i) => {
    lines.push(`  const ${p}s${i} = state[${i}]`)
    return `${p}s${i}`
  })
const stateOut = (lines, out) => out.forEach((v, i) => lines.push(`  state[${i}] = ${show(v)}`))
/** The 16 words of a 32-byte message's only block: the digest, 0x80, zeros, bit length 256. */
const digestWords = (digest) => (i) => (i < 8 ? digest[i] : i === 8 ? PAD_BIT : i === 15 ? 256 : 0)
/** The padding block after a 64-byte message: 0x80, zeros, bit length 512. */
const pad64Words = (i) => (i === 0 ? PAD_BIT : i === 15 ? 512 : 0)
/** Second block of an 80-byte message: 16 bytes, 0x80, zeros, bit length 640. */
const header80TailWords = (i) => (i < 4 ? `view.getInt32(off + ${64 + 4 * i})` : i === 4 ? PAD_BIT : i === 15 ? 640 : 0)

function fn(doc, signature, body) {
  const lines = []
  body(lines)
  return `${doc}\nexport function ${signature}: void {\n${lines.join('\n')}\n}\n`
}

const functions = [
  fn(
    '/** One compression: `state` (8 words) absorbs the 16 big-endian words m[at..at+15]. */',
    'sha256Compress(state: Int32Array, m: Int32Array, at: number)',
    (l) =>
      stateOut(
        l,
        compression(l, '', stateIn(l, ''), (i) => `m[at + ${i}]`)
      )
  ),
  fn(
    '/** One compression of the 64 bytes at `off` in `view` (big-endian words read in place). */',
    'sha256CompressView(state: Int32Array, view: DataView, off: number)',
    (l) =>
      stateOut(
        l,
        compression(l, '', stateIn(l, ''), (i) => `view.getInt32(off + ${4 * i})`)
      )
  ),
  fn(
    '/** Compression of a constant block scheduled once with K added (`scheduleWithK`): no message expansion. */',
    'sha256CompressScheduled(state: Int32Array, kw: Int32Array)',
    (l) => stateOut(l, compression(l, '', stateIn(l, ''), undefined, 'kw'))
  ),
  fn(
    '/** state = SHA-256 of the 32-byte digest held in state: the second hash of sha256d (padding words folded). */',
    'sha256CompressDigest(state: Int32Array)',
    (l) => stateOut(l, compression(l, '', IV, digestWords(stateIn(l, 'd'))))
  ),
  fn(
    '/** state = the first compression of a 64-byte merkle node: H(0) absorbs state (left, 32 bytes) || 32 bytes at `off`. */',
    'sha256CompressNode(state: Int32Array, view: DataView, off: number)',
    (l) => {
      const left = stateIn(l, 'l')
      stateOut(
        l,
        compression(l, '', IV, (i) => (i < 8 ? left[i] : `view.getInt32(off + ${4 * (i - 8)})`))
      )
    }
  ),
  fn(
    '/** The padding block after a 64-byte message (every merkle node): its whole schedule is constant. */',
    'sha256CompressPad64(state: Int32Array)',
    (l) => stateOut(l, compression(l, '', stateIn(l, ''), pad64Words))
  ),
  fn(
    '/** The second block of an 80-byte block header: the 16 bytes at `off` + 64 in `view`, then constant padding. */',
    'sha256CompressHeaderTail(state: Int32Array, view: DataView, off: number)',
    (l) => stateOut(l, compression(l, '', stateIn(l, ''), header80TailWords))
  )
]

const hex = (xs) => xs.map((x) => `0x${(x >>> 0).toString(16).padStart(8, '0')}`)
const rows = (xs) =>
  hex(xs)
    .reduce((acc, h, i) => (i % 8 === 0 ? acc.push([h]) : acc[acc.length - 1].push(h), acc), [])
    .map((r) => `  ${r.join(', ')}`)
    .join(',\n')

const source = `// GENERATED by scripts/gen-sha256.mjs — do not edit; change the generator and run it again.
// SHA-256 compressions (FIPS 180-4 §6.2.2) in plain JS for browsers and Node, the core of
// primitives/sha256-fast. Fully unrolled: K as literals, fresh consts per round, constant message words
// (sha256d's second-hash padding, the padding block after a 64-byte merkle node, an 80-byte header's
// tail) folded at generation time. Nothing is allocated. Speed: bench/sha256.bench.ts.

// FIPS 180-4 §4.2.2: first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K = Int32Array.from([
${rows(K)}
])
/** FIPS 180-4 §5.3.3: the initial hash value H(0). */
export const SHA256_IV: Readonly<Int32Array> = Int32Array.from([
${rows(IV)}
])

${functions.join('\n')}
/** The 64-word schedule of a constant 16-word block, K[i] + W[i], for \`sha256CompressScheduled\`. */
export function scheduleWithK(block16: ArrayLike<number>): Int32Array {
  const w = new Int32Array(64)
  for (let i = 0; i < 16; i++) w[i] = block16[i]
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]
    const y = w[i - 2]
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0
  }
  for (let i = 0; i < 64; i++) w[i] = (w[i] + K[i]) | 0
  return w
}
`
if (process.argv.includes('--check')) {
  // Used by shared/test/sha256-fast.test.ts: the committed file must be what the generator writes.
  if (readFileSync(OUT, 'utf8') !== source) {
    console.error(`${OUT} is not the generator's output: run node scripts/gen-sha256.mjs`)
    process.exit(1)
  }
} else {
  writeFileSync(OUT, source)
  console.log(`wrote ${OUT} (${source.split('\n').length} lines)`)
}
