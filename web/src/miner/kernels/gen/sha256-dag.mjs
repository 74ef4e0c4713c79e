// A tiny expression graph for SHA-256 on 32-bit words that folds everything it can before any code is
// emitted. Each value has a level: CONST (known now: padding, IV, K), JOB (known once per header: the
// midstate, the first rounds of block 2, most of the message schedule) or NONCE (changes per nonce).
// Building sha256d of a header with only W3 of block 2 as a NONCE input, and emitting only what the final
// state word needs, yields the per-nonce kernel with every per-job part hoisted and every constant folded.
// Identical nodes are shared (hash-consing), so e.g. Maj's a^b is reused as the next round's b^c.

export const CONST = 0
export const JOB = 1
export const NONCE = 2

const MASK32 = 0xffffffff

// FIPS 180-4 §4.2.2: round constants K0..K63; §5.3.3: initial hash value H(0).
export const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
]
export const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]

const rotr32 = (x, n) => ((x >>> n) | (x << (32 - n))) >>> 0

const EVAL = {
  add: (a, b) => (a + b) >>> 0,
  xor: (a, b) => (a ^ b) >>> 0,
  and: (a, b) => (a & b) >>> 0,
  or: (a, b) => (a | b) >>> 0,
  shr: (a, n) => a >>> n,
  shl: (a, n) => (a << n) >>> 0,
  rotr: (a, n) => rotr32(a, n),
  bitselect: (f, g, e) => ((f & e) | (g & ~e)) >>> 0
}
const COMMUTATIVE = new Set(['add', 'xor', 'and', 'or'])

export class Graph {
  /** @param {{ bitselect: boolean, factoredSigma?: boolean }} options bitselect: express Ch(e,f,g) as
   *  one select when all vary; factoredSigma: see sigma() */
  constructor(options) {
    this.options = options
    this.nodes = []
    this.byKey = new Map()
    /** Rounds compressed so far over all compress() calls; each new node records it (see round). */
    this.round = 0
  }

  node(op, args, imm, level, extra) {
    if (COMMUTATIVE.has(op)) args = [...args].sort((x, y) => x.id - y.id)
    const key = `${op}:${args.map((a) => a.id).join(',')}:${imm ?? ''}`
    const known = this.byKey.get(key)
    if (known) return known
    const n = { id: this.nodes.length, op, args, imm, level, round: this.round, ...extra }
    this.nodes.push(n)
    this.byKey.set(key, n)
    return n
  }

  const(value) {
    return this.node('const', [], value >>> 0, CONST, { value: value >>> 0 })
  }

  input(name, level) {
    return this.node('input', [], name, level, { name })
  }

  isConst(n, value) {
    return n.op === 'const' && (value === undefined || n.value === value >>> 0)
  }

  binary(op, a, b) {
    if (a.op === 'const' && b.op === 'const') return this.const(EVAL[op](a.value, b.value))
    if (op === 'xor') {
      if (this.isConst(a, 0)) return b
      if (this.isConst(b, 0)) return a
      if (a === b) return this.const(0)
    }
    if (op === 'and') {
      if (this.isConst(a, 0) || this.isConst(b, 0)) return this.const(0)
      if (this.isConst(a, MASK32)) return b
      if (this.isConst(b, MASK32)) return a
    }
    if (op === 'or') {
      if (this.isConst(a, 0)) return b
      if (this.isConst(b, 0)) return a
    }
    return this.node(op, [a, b], undefined, Math.max(a.level, b.level))
  }

  shift(op, a, n) {
    if (a.op === 'const') return this.const(EVAL[op](a.value, n))
    return this.node(op, [a], n, a.level)
  }

  xor(...xs) {
    return xs.reduce((acc, x) => this.binary('xor', acc, x))
  }
  and(a, b) {
    return this.binary('and', a, b)
  }
  rotr(a, n) {
    return this.shift('rotr', a, n)
  }
  shr(a, n) {
    return this.shift('shr', a, n)
  }

  /** Sum of terms, reassociated: constants and per-job terms are summed once per job, then the
   *  per-nonce terms are added oldest first (those are ready earliest, shortening the round's chain).
   *  A per-nonce sum with a single per-nonce term is reopened, so its per-job part folds with ours. */
  add(...terms) {
    const flat = []
    for (const t of terms) {
      const reopen = t.terms !== undefined && t.level === NONCE && t.terms.filter((x) => x.level === NONCE).length === 1
      if (reopen) flat.push(...t.terms)
      else flat.push(t)
    }
    let constSum = 0
    const jobTerms = []
    const nonceTerms = []
    for (const t of flat) {
      if (t.op === 'const') constSum = (constSum + t.value) >>> 0
      else if (t.level === JOB) jobTerms.push(t)
      else nonceTerms.push(t)
    }
    jobTerms.sort((x, y) => x.id - y.id)
    nonceTerms.sort((x, y) => x.id - y.id)
    const ordered = [...jobTerms, ...nonceTerms]
    if (constSum !== 0 || ordered.length === 0) ordered.unshift(this.const(constSum))
    let acc = ordered[0]
    for (let i = 1; i < ordered.length; i++) acc = this.sum2(acc, ordered[i], ordered.slice(0, i + 1))
    return acc
  }

  /** One addition of a chain; `terms` are the leaves of the chain so far (kept for reopening). */
  sum2(a, b, terms) {
    const n = this.node('add', [a, b], undefined, Math.max(a.level, b.level))
    n.terms ??= terms
    return n
  }

  // FIPS 180-4 §4.1.2 functions.
  bigSigma0(x) {
    return this.sigma(x, [2, 13, 22], undefined)
  }
  bigSigma1(x) {
    return this.sigma(x, [6, 11, 25], undefined)
  }
  smallSigma0(x) {
    return this.sigma(x, [7, 18], 3)
  }
  smallSigma1(x) {
    return this.sigma(x, [17, 19], 10)
  }

  /** ROTR r1 ^ ROTR r2 [^ ROTR r3] [^ SHR s]. Per-nonce values without a native rotate (SIMD) may use
   *  the factored shift form: the right shifts nest as ((x>>>(r3−r2) ^ x)>>>(r2−r1) ^ x)>>>r1, the left
   *  ones likewise; same op count, fewer values live at once. */
  sigma(x, rotations, shift) {
    if (!this.options.factoredSigma || x.level !== NONCE) {
      const parts = rotations.map((r) => this.rotr(x, r))
      if (shift !== undefined) parts.push(this.shr(x, shift))
      return this.xor(...parts)
    }
    const right = [...rotations, ...(shift === undefined ? [] : [shift])].sort((a, b) => b - a)
    const left = rotations.map((r) => 32 - r).sort((a, b) => b - a)
    return this.xor(this.nested(x, right, 'shr'), this.nested(x, left, 'shl'))
  }

  /** x shifted by each amount (given in descending order), xored, as nested shifts. */
  nested(x, amounts, op) {
    let acc = x
    for (let i = 0; i < amounts.length - 1; i++) acc = this.xor(this.shift(op, acc, amounts[i] - amounts[i + 1]), x)
    return this.shift(op, acc, amounts[amounts.length - 1])
  }

  ch(e, f, g) {
    if (this.options.bitselect && e.level === NONCE && f.level === NONCE && g.level === NONCE) {
      return this.node('bitselect', [f, g, e], undefined, NONCE)
    }
    return this.xor(g, this.and(e, this.xor(f, g)))
  }

  maj(a, b, c) {
    return this.xor(b, this.and(this.xor(a, b), this.xor(b, c)))
  }

  /** One SHA-256 compression (FIPS 180-4 §6.2.2) of 16 word nodes onto 8 state nodes. */
  compress(state, words) {
    const w = [...words]
    for (const word of w) word.scheduleWord = true // used again up to 16 rounds later
    // Creation order is emission order: each schedule word is made just before its round (making them
    // earlier measured no faster in Chromium).
    const schedule = (t) => {
      if (t < 16 || t > 63 || w[t] !== undefined) return
      w[t] = this.add(this.smallSigma1(w[t - 2]), w[t - 7], this.smallSigma0(w[t - 15]), w[t - 16])
      w[t].scheduleWord = true
    }
    let [a, b, c, d, e, f, g, h] = state
    for (let t = 0; t < 64; t++) {
      this.round++
      schedule(t)
      const t1 = this.add(h, this.bigSigma1(e), this.ch(e, f, g), this.const(K[t]), w[t])
      const t2 = this.add(this.bigSigma0(a), this.maj(a, b, c))
      h = g
      g = f
      f = e
      e = this.add(d, t1)
      d = c
      c = b
      b = a
      a = this.add(t1, t2)
    }
    return [a, b, c, d, e, f, g, h].map((x, i) => this.add(state[i], x))
  }

  /** Nodes needed to compute `roots`, in creation order (which is round order). */
  reachable(roots) {
    const seen = new Set()
    const stack = [...roots]
    while (stack.length > 0) {
      const n = stack.pop()
      if (seen.has(n)) continue
      seen.add(n)
      stack.push(...n.args)
    }
    return [...seen].sort((x, y) => x.id - y.id)
  }

  /** Evaluates `root` for concrete inputs (name → uint32): the generator's own self-check. */
  evaluate(root, inputs) {
    const values = new Map()
    for (const n of this.reachable([root])) {
      if (n.op === 'const') values.set(n, n.value)
      else if (n.op === 'input') values.set(n, inputs[n.name] >>> 0)
      else if (n.imm !== undefined) values.set(n, EVAL[n.op](values.get(n.args[0]), n.imm))
      else values.set(n, EVAL[n.op](...n.args.map((x) => values.get(x))))
    }
    return values.get(root)
  }
}

/** The sha256d graph of an 80-byte header: job inputs hw0..hw18 (big-endian header words), nonce input
 *  w3 (the byte-swapped nonce). Returns the last state word of the second hash (hash bytes 28..31). */
export function buildSha256dLastWord(graph) {
  const hw = Array.from({ length: 19 }, (_, i) => graph.input(`hw${i}`, JOB))
  const w3 = graph.input('w3', NONCE)
  const iv = IV.map((v) => graph.const(v))
  const midstate = graph.compress(iv, hw.slice(0, 16))
  // Block 2: header bytes 64..79, then padding (FIPS 180-4 §5.1.1): 0x80, zeros, length 640 bits.
  const block2 = [
    hw[16],
    hw[17],
    hw[18],
    w3,
    graph.const(0x80000000),
    ...Array(10).fill(graph.const(0)),
    graph.const(640)
  ]
  const first = graph.compress(midstate, block2)
  // Second hash: the 32-byte first hash, padding, length 256 bits.
  const block3 = [...first, graph.const(0x80000000), ...Array(6).fill(graph.const(0)), graph.const(256)]
  return graph.compress(iv, block3)[7]
}
