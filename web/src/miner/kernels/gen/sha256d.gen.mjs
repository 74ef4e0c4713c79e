// Generates the AssemblyScript sha256d nonce-scan kernels (run by scripts/build-kernels.mjs; the source
// goes to build/gen/<name>.as for reading). The graph in sha256-dag.mjs folds constants and splits the
// work into a per-job part (emitted into setJob, run once per header) and a per-nonce part (emitted
// straight-line into the scan loop: every round unrolled, only what the last state word needs).
//
// SIMD: 4 nonces in the 4 u32 lanes of a v128 (rotates as two shifts and an or: WebAssembly has no
// vector rotate), the unrolled body cut into phases that each loop over a batch (DEFAULT_PHASE_ROUNDS).
// Per-job values and constants are stored pre-splatted in linear memory and loaded where used (V8
// builds a v128.const from immediates in several instructions; a load is one), and so are the schedule
// words, which live for 16 rounds (registers stay free for the round state).
// Options measured in Chromium 156 (bench/miner-browser.bench.ts with SHA256D_EXTRA_WASM, paired
// rounds, CPU time of the worker thread): wordsInMemory +3..9 %; constsInMemory +2 %; factoredSigma,
// bitselect off, binaryen -O1..-O3: within ±4 % noise; twoVectors (8 nonces, two interleaved v128
// chains) −17 % (spills); mixedScalar (one scalar nonce interleaved per iteration, for the idle integer
// ALUs) −25 % (both before the phase split). With four phases: twoVectors −22 % (eight phases −17 %),
// mixedScalar −29 % (eight phases −14 %), constsInMemory off −8 %, factoredSigma ±1 %. Defaults are
// the best.
// How the machine code was read: Chromium's V8 writes it with --js-flags=--perf-prof (jit-<pid>.dump,
// code bytes per function); gen/jitdump-stats.mjs prints the instruction mix of the hottest function.
// Scalar build: one nonce per iteration with native i32.rotr (engines without SIMD).

import { Graph, buildSha256dLastWord, CONST, JOB, NONCE } from './sha256-dag.mjs'

/** Nonces per scan call: the found-nonce buffer holds this many, so it never overflows. */
const MAX_SCAN_NONCES = 4096
/** A use this many nodes after a schedule word (about one round) reads it from its register. */
const NEAR_USE_NODES = 40
/** SIMD: the per-nonce code runs as one loop per phase, split where these rounds begin (rounds count
 *  over the three compressions, 1-based: 65 = block 2 of the first hash, 129 = the second hash). The
 *  whole unrolled body is ~34 KB of machine code in Chromium 156, more than the 32 KiB L1 instruction
 *  cache; four loops of ~8.5 KB each fit it (and the op cache). Measured in Chromium (paired rounds,
 *  per CPU-second): split at 129 +15 %; at 97, 129, 161 another +11 %; eight phases no better. */
const DEFAULT_PHASE_ROUNDS = [97, 129, 161]
/** Loop iterations (4 nonces each) per phase batch: the values crossing phases (64 v128 = 1 KiB per
 *  iteration with four phases) for a batch stay in the L1 data cache (32 KiB). */
const PHASE_BATCH_ITERATIONS = 32

const hex = (v) => `0x${v.toString(16).padStart(8, '0')}`

/**
 * @param {object} o
 * @param {boolean} o.simd the 4-lane build (else scalar)
 * @param {boolean} [o.mixedScalar] SIMD build: also one scalar nonce per iteration (see above)
 * @param {boolean} [o.constsInMemory] SIMD: constants from memory, not v128 immediates
 * @param {boolean} [o.wordsInMemory] SIMD: schedule words stored and reloaded explicitly
 * @param {boolean} [o.factoredSigma] SIMD: Σ/σ as nested shifts (sha256-dag.mjs sigma())
 * @param {boolean} [o.bitselect] SIMD: Ch as v128.bitselect (else g ^ (e & (f ^ g)))
 * @param {boolean} [o.twoVectors] SIMD: 8 nonces per iteration in two interleaved vectors
 * @param {number[]} [o.phaseRounds] SIMD: rounds where a new phase loop begins ([]: one loop)
 * @param {number} [o.batchIterations] SIMD phases: iterations per batch
 */
export function generate({
  simd,
  mixedScalar = false,
  constsInMemory = true,
  wordsInMemory = true,
  factoredSigma = false,
  bitselect = true,
  twoVectors = false,
  phaseRounds = simd ? DEFAULT_PHASE_ROUNDS : [],
  batchIterations = PHASE_BATCH_ITERATIONS
}) {
  if (phaseRounds.length > 0 && (!simd || (mixedScalar && twoVectors)))
    throw new Error('phaseRounds needs the SIMD build, with one of mixedScalar and twoVectors at most')
  const vector = simd
    ? lower(new Graph({ bitselect, factoredSigma }), {
        simd: true,
        prefix: 'v',
        slots: 'VSLOTS',
        words: wordsInMemory ? 'WORDS' : undefined,
        input: 'w3',
        constsInMemory,
        phaseRounds
      })
    : undefined
  // A second vector (lanes 4..7) with its own words area; its graph is built identically, so it
  // shares the first one's per-job slots.
  const second =
    simd && twoVectors
      ? lower(new Graph({ bitselect, factoredSigma }), {
          simd: true,
          prefix: 'u',
          slots: 'VSLOTS',
          words: wordsInMemory ? 'UWORDS' : undefined,
          input: 'w3u',
          constsInMemory,
          phaseRounds,
          crossPtr: 'xq'
        })
      : undefined
  const scalar =
    !simd || mixedScalar
      ? lower(new Graph({ bitselect: false }), {
          simd: false,
          prefix: 's',
          slots: 'SSLOTS',
          input: 'w3s',
          phaseRounds: simd ? phaseRounds : [],
          crossPtr: 'xs'
        })
      : undefined
  const parts = {
    areas: [
      ['VSLOTS', vector?.slotBytes],
      ['WORDS', vector?.wordBytes],
      ['UWORDS', second?.wordBytes],
      ['SSLOTS', scalar?.slotBytes],
      ['XBUF', (vector?.crossBytes ?? 0) * batchIterations],
      ['XBUF2', (second?.crossBytes ?? 0) * batchIterations],
      ['XBUFS', simd ? (scalar?.crossBytes ?? 0) * batchIterations : 0]
    ]
      .map(([name, bytes]) => `const ${name}: usize = memory.data(${Math.max(16, bytes ?? 0)}, 16);`)
      .join('\n'),
    jobCode: [...(vector?.jobLines ?? []), ...(scalar?.jobLines ?? [])].join('\n'),
    phases: vector?.phases.map((lines, p) =>
      interleave(interleave(lines, second?.phases[p] ?? []), scalar?.phases[p] ?? [])
    ),
    crossBytes: vector?.crossBytes ?? 0,
    crossBytes2: second?.crossBytes ?? 0,
    crossBytesS: scalar?.crossBytes ?? 0,
    batchIterations,
    scanCode: interleave(interleave(vector?.scanLines ?? [], second?.scanLines ?? []), scalar?.scanLines ?? []).join(
      '\n'
    ),
    secondLast: second?.last,
    vectorLast: vector?.last,
    scalarLast: scalar?.last
  }
  if (!simd) return scalarTemplate(parts)
  return parts.phases !== undefined && parts.phases.length > 1 ? phasedSimdTemplate(parts) : simdTemplate(parts)
}

/** Lowers the sha256d graph to AssemblyScript lines: per-job (scalar, into setJob) and per-nonce. */
function lower(
  graph,
  { simd, prefix, slots: slotsName, words: wordsName, input, constsInMemory, phaseRounds = [], crossPtr = 'xp' }
) {
  const root = buildSha256dLastWord(graph)
  const perNonce = graph.reachable([root]).filter((n) => n.level === NONCE)
  const jobName = (n) => `${prefix}j${n.id}`
  const nonceName = (n) => (n.op === 'input' ? input : `${prefix}${n.id}`)
  const jobRef = (a) => (a.op === 'const' ? `<u32>${hex(a.value)}` : a.op === 'input' ? a.name : jobName(a))

  // Values the per-nonce code reads from memory: per-job nodes, and (SIMD) constants.
  const slots = new Map()
  for (const n of perNonce) {
    for (const a of n.args) {
      const inMemory = a.level === JOB || (simd && constsInMemory && a.level === CONST)
      if (inMemory && !slots.has(a)) slots.set(a, slots.size)
    }
  }
  const slotBytes = simd ? 16 : 4
  const jobLines = graph
    .reachable([...slots.keys()])
    .filter((n) => n.level === JOB && n.op !== 'input')
    .map((n) => `  const ${jobName(n)}: u32 = ${scalarExpr(n, jobRef)};`)
  for (const [n, slot] of slots) {
    jobLines.push(
      simd
        ? `  v128.store(${slotsName} + ${slot * slotBytes}, i32x4.splat(${jobRef(n)}));`
        : `  store<u32>(${slotsName} + ${slot * slotBytes}, ${jobRef(n)});`
    )
  }

  const words = new Map()
  if (wordsName !== undefined)
    for (const n of perNonce) if (n.scheduleWord && n.op !== 'input') words.set(n, words.size)
  const ref = (a, user) => {
    if (words.has(a) && user.id - a.id > NEAR_USE_NODES) return `v128.load(${wordsName} + ${words.get(a) * 16})`
    if (a.level === NONCE) return nonceName(a)
    if (slots.has(a))
      return simd ? `v128.load(${slotsName} + ${slots.get(a) * 16})` : `load<u32>(${slotsName} + ${slots.get(a) * 4})`
    return simd ? `i32x4.splat(${hex(a.value)})` : `<u32>${hex(a.value)}`
  }
  // Phases: the per-nonce code split at the given rounds into loops of its own over a batch of
  // iterations; a value used in a later phase than its own goes through XBUF (one record per iteration).
  const phaseOf = (n) => phaseRounds.filter((r) => n.round >= r).length
  const cross = new Map()
  for (const n of perNonce)
    for (const a of n.args) if (a.level === NONCE && phaseOf(a) < phaseOf(n) && !cross.has(a)) cross.set(a, cross.size)
  const phases = Array.from({ length: phaseRounds.length + 1 }, () => [])
  const loaded = new Set()
  const crossIn = (a, user) => {
    const name = `${nonceName(a)}x`
    if (!loaded.has(`${name}:${phaseOf(user)}`)) {
      loaded.add(`${name}:${phaseOf(user)}`)
      phases[phaseOf(user)].push(
        simd
          ? `    const ${name} = v128.load(${crossPtr}, ${cross.get(a) * 16});`
          : `    const ${name}: u32 = load<u32>(${crossPtr}, ${cross.get(a) * 4});`
      )
    }
    return name
  }
  const crossStore = (value, slot) =>
    simd
      ? `    v128.store(${crossPtr}, ${value}, ${slot * 16});`
      : `    store<u32>(${crossPtr}, ${value}, ${slot * 4});`
  for (const [n, slot] of cross) if (n.op === 'input') phases[0].push(crossStore(input, slot))
  for (const n of perNonce) {
    if (n.op === 'input') continue
    const lines = phases[phaseOf(n)]
    const argRef = (a) => (cross.has(a) && phaseOf(a) < phaseOf(n) ? crossIn(a, n) : ref(a, n))
    const expr = simd ? simdExpr(n, argRef) : scalarExpr(n, argRef)
    lines.push(`    const ${nonceName(n)}: ${simd ? 'v128' : 'u32'} = ${expr};`)
    if (words.has(n)) lines.push(`    v128.store(${wordsName} + ${words.get(n) * 16}, ${nonceName(n)});`)
    if (cross.has(n)) lines.push(crossStore(nonceName(n), cross.get(n)))
  }
  const lastName = phaseOf(root) > 0 && cross.has(root) ? `${nonceName(root)}x` : nonceName(root)
  return {
    jobLines,
    scanLines: phases.flat(),
    phases,
    crossBytes: cross.size * (simd ? 16 : 4),
    last: lastName,
    slotBytes: slots.size * slotBytes,
    wordBytes: words.size * 16
  }
}

/** Merges two statement lists proportionally, so both advance through their rounds together. */
function interleave(a, b) {
  if (b.length === 0) return a
  if (a.length === 0) return b
  const out = []
  let j = 0
  for (let i = 0; i < a.length; i++) {
    out.push(a[i])
    const until = Math.floor(((i + 1) * b.length) / a.length)
    while (j < until) out.push(b[j++])
  }
  return out
}

function scalarExpr(n, ref) {
  const [a, b] = n.args.map(ref)
  switch (n.op) {
    case 'add':
      return `${a} + ${b}`
    case 'xor':
      return `${a} ^ ${b}`
    case 'and':
      return `${a} & ${b}`
    case 'or':
      return `${a} | ${b}`
    case 'shr':
      return `${a} >>> ${n.imm}`
    case 'shl':
      return `${a} << ${n.imm}`
    case 'rotr':
      return `rotr<u32>(${a}, ${n.imm})`
    default:
      throw new Error(`no scalar form for ${n.op}`)
  }
}

function simdExpr(n, ref) {
  const [a, b, c] = n.args.map(ref)
  switch (n.op) {
    case 'add':
      return `i32x4.add(${a}, ${b})`
    case 'xor':
      return `v128.xor(${a}, ${b})`
    case 'and':
      return `v128.and(${a}, ${b})`
    case 'or':
      return `v128.or(${a}, ${b})`
    case 'shr':
      return `i32x4.shr_u(${a}, ${n.imm})`
    case 'shl':
      return `i32x4.shl(${a}, ${n.imm})`
    case 'rotr':
      return `v128.or(i32x4.shr_u(${a}, ${n.imm}), i32x4.shl(${a}, ${32 - n.imm}))`
    case 'bitselect':
      return `v128.bitselect(${a}, ${b}, ${c})`
    default:
      throw new Error(`no SIMD form for ${n.op}`)
  }
}

const commonHead = ({
  areas,
  jobCode
}) => `// GENERATED by web/src/miner/kernels/gen/sha256d.gen.mjs: edit the generator, not this file.

const MAX_SCAN: u32 = ${MAX_SCAN_NONCES};
const HEADER: usize = memory.data(80, 16);
const FOUND: usize = memory.data(${MAX_SCAN_NONCES * 4}, 16);
${areas}
let targetTop: u32 = 0;

/** Where the caller writes the 80-byte header before setJob. */
export function headerPtr(): usize { return HEADER; }
/** Where scan writes the nonces whose top hash word meets the target (u32 each, unordered). */
export function foundPtr(): usize { return FOUND; }
export function maxScan(): u32 { return MAX_SCAN; }

/** Per-job work: reads the header at HEADER; top32 = the target's most significant 32 bits. */
export function setJob(top32: u32): void {
  targetTop = top32;
${Array.from({ length: 19 }, (_, i) => `  const hw${i}: u32 = bswap<u32>(load<u32>(HEADER + ${i * 4}));`).join('\n')}
${jobCode}
}
`

const recordFunction = `
// Lanes of a hit mask that are set, appended to FOUND; rare, so out of the hot loop.
function record(hit: v128, base: u32, found: u32): u32 {
  if (i32x4.extract_lane(hit, 0) != 0) { store<u32>(FOUND + (found << 2), base); found++; }
  if (i32x4.extract_lane(hit, 1) != 0) { store<u32>(FOUND + (found << 2), base + 1); found++; }
  if (i32x4.extract_lane(hit, 2) != 0) { store<u32>(FOUND + (found << 2), base + 2); found++; }
  if (i32x4.extract_lane(hit, 3) != 0) { store<u32>(FOUND + (found << 2), base + 3); found++; }
  return found;
}
`

const BSWAP_LANES = '3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12'

/** The SIMD kernel as one loop per phase over batches of PHASE_BATCH_ITERATIONS iterations. */
const phasedSimdTemplate = (parts) => {
  const two = parts.secondLast !== undefined
  const mixed = parts.scalarLast !== undefined
  const step = two ? 8 : 4
  const shift = two ? 3 : 2
  const loops = parts.phases.map((lines, p) => {
    const first = p === 0
    const last = p === parts.phases.length - 1
    return `    // phase ${p}
    ${first ? `nonces = i32x4.add(i32x4.splat(start + (batch << ${shift})), i32x4(0, 1, 2, 3));` : ''}
    for (let i: u32 = batch; i < batchEnd; i++) {
      const xp: usize = XBUF + <usize>(i - batch) * ${parts.crossBytes};${
        two
          ? `
      const xq: usize = XBUF2 + <usize>(i - batch) * ${parts.crossBytes2};`
          : ''
      }${
        mixed
          ? `
      const xs: usize = XBUFS + <usize>(i - batch) * ${parts.crossBytesS};`
          : ''
      }${
        first && mixed
          ? `
      const w3s: u32 = bswap<u32>(scalarStart + i);`
          : ''
      }${
        first
          ? `
      const w3 = i8x16.shuffle(nonces, nonces, ${BSWAP_LANES});`
          : ''
      }${
        first && two
          ? `
      const nonces2 = i32x4.add(nonces, i32x4.splat(4));
      const w3u = i8x16.shuffle(nonces2, nonces2, ${BSWAP_LANES});`
          : ''
      }
${lines.map((l) => `  ${l}`).join('\n')}${
      first
        ? `
      nonces = i32x4.add(nonces, i32x4.splat(${step}));`
        : ''
    }${
      last
        ? `
      const top = i8x16.shuffle(${parts.vectorLast}, ${parts.vectorLast}, ${BSWAP_LANES});
      const hit = i32x4.le_u(top, target);
      if (v128.any_true(hit)) found = record(hit, start + (i << ${shift}), found);`
        : ''
    }${
      last && two
        ? `
      const top2 = i8x16.shuffle(${parts.secondLast}, ${parts.secondLast}, ${BSWAP_LANES});
      const hit2 = i32x4.le_u(top2, target);
      if (v128.any_true(hit2)) found = record(hit2, start + (i << ${shift}) + 4, found);`
        : ''
    }${
      last && mixed
        ? `
      if (bswap<u32>(${parts.scalarLast}) <= targetTop && i < scalarCount) { store<u32>(FOUND + (found << 2), scalarStart + i); found++; }`
        : ''
    }
    }`
  })
  return `${commonHead(parts)}
export function lanes(): u32 { return ${step}; }
${recordFunction}
/** Scans nonces start .. start + count - 1 (count a multiple of ${step}, at most MAX_SCAN); returns how
 *  many nonces were written to FOUND, or 0xffffffff for a bad count. */
export function scan(start: u32, count: u32): u32 {
  if (count % ${step} != 0 || count > MAX_SCAN) return 0xffffffff;${
    mixed
      ? `
  // Vector lanes take the first nonces; the scalar part the last (count / 20) * 4, one per iteration
  // (iterations past scalarCount hash a scalar nonce that is not reported).
  const scalarCount: u32 = (count / 20) * 4;
  const iterations: u32 = (count - scalarCount) >> ${shift};
  const scalarStart: u32 = start + (iterations << ${shift});`
      : `
  const iterations: u32 = count >> ${shift};`
  }
  const target = i32x4.splat(targetTop);
  let nonces = i32x4.splat(0);
  let found: u32 = 0;
  for (let batch: u32 = 0; batch < iterations; batch += ${parts.batchIterations}) {
    const batchEnd: u32 = min<u32>(iterations, batch + ${parts.batchIterations});
${loops.join('\n')}
  }
  return found;
}
`
}

const simdTemplate = (parts) => `${commonHead(parts)}
export function lanes(): u32 { return ${parts.secondLast === undefined ? 4 : 8}; }
${recordFunction}
/** Scans nonces start .. start + count - 1 (count a multiple of 4, at most MAX_SCAN); returns how many
 *  nonces were written to FOUND, or 0xffffffff for a bad count.${
   parts.scalarLast === undefined
     ? ''
     : `
 *  Vector lanes take the first nonces; the scalar part takes the last (count / 20) * 4, one per
 *  iteration (a few iterations at the end hash a scalar nonce that is not reported).`
 } */
export function scan(start: u32, count: u32): u32 {
  const step: u32 = ${parts.secondLast === undefined ? 4 : 8};
  if (count % step != 0 || count > MAX_SCAN) return 0xffffffff;
  const scalarCount: u32 = ${parts.scalarLast === undefined ? '0' : '(count / 20) * 4'};
  const iterations: u32 = (count - scalarCount) / step;
  const scalarStart: u32 = start + iterations * step;
  const target = i32x4.splat(targetTop);
  let nonces = i32x4.add(i32x4.splat(start), i32x4(0, 1, 2, 3));
  let found: u32 = 0;
  for (let i: u32 = 0; i < iterations; i++) {
    const w3 = i8x16.shuffle(nonces, nonces, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);${
      parts.secondLast === undefined
        ? ''
        : `
    const nonces2 = i32x4.add(nonces, i32x4.splat(4));
    const w3u = i8x16.shuffle(nonces2, nonces2, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);`
    }${
      parts.scalarLast === undefined
        ? ''
        : `
    const w3s: u32 = bswap<u32>(scalarStart + i);`
    }
${parts.scanCode}
    const top = i8x16.shuffle(${parts.vectorLast}, ${parts.vectorLast}, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
    const hit = i32x4.le_u(top, target);
    if (v128.any_true(hit)) found = record(hit, start + i * step, found);${
      parts.secondLast === undefined
        ? ''
        : `
    const top2 = i8x16.shuffle(${parts.secondLast}, ${parts.secondLast}, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
    const hit2 = i32x4.le_u(top2, target);
    if (v128.any_true(hit2)) found = record(hit2, start + i * step + 4, found);`
    }${
      parts.scalarLast === undefined
        ? ''
        : `
    if (bswap<u32>(${parts.scalarLast}) <= targetTop && i < scalarCount) { store<u32>(FOUND + (found << 2), scalarStart + i); found++; }`
    }
    nonces = i32x4.add(nonces, i32x4.splat(step));
  }
  return found;
}
`

const scalarTemplate = (parts) => `${commonHead(parts)}
export function lanes(): u32 { return 1; }

/** Scans nonces start .. start + count - 1 (count at most MAX_SCAN); returns how many nonces were
 *  written to FOUND, or 0xffffffff for a bad count. */
export function scan(start: u32, count: u32): u32 {
  if (count > MAX_SCAN) return 0xffffffff;
  const target = targetTop;
  let found: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const w3s: u32 = bswap<u32>(start + i);
${parts.scanCode}
    if (bswap<u32>(${parts.scalarLast}) <= target) { store<u32>(FOUND + (found << 2), start + i); found++; }
  }
  return found;
}
`
