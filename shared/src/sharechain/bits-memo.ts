// Compact bits to target and work, remembered. A share chain turns the same few bits values into
// bigints again and again (each share's own target and its work, the required target at each parent
// and its work), and a process holding many chains (the simulator's peers) does so in each of them.
// Both are pure functions of the bits, so a remembered answer is the answer, and the bigints are
// shared instead of allocated per node. Bounded: cleared when full. Invalid bits are not remembered
// (bitsToTarget throws each time, as before).
import { bitsToTarget, targetToWork } from '../primitives/target'

const MAX_ENTRIES = 4096

interface BitsEntry {
  target: bigint
  work: bigint | undefined
}

const memo = new Map<number, BitsEntry>()

function entryOf(bits: number): BitsEntry {
  let e = memo.get(bits)
  if (e === undefined) {
    e = { target: bitsToTarget(bits), work: undefined }
    if (memo.size >= MAX_ENTRIES) memo.clear()
    memo.set(bits, e)
  }
  return e
}

/** bitsToTarget(bits), remembered. */
export function targetOfBits(bits: number): bigint {
  return entryOf(bits).target
}

/** targetToWork(bitsToTarget(bits)), remembered. */
export function workOfBits(bits: number): bigint {
  const e = entryOf(bits)
  if (e.work === undefined) e.work = targetToWork(e.target)
  return e.work
}
