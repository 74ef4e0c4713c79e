// The scanner for an algorithm, under Node (SIMD build where supported).
// `.node.ts` siblings are imported with their extension: tsx's resolver reads an extensionless
// `x.node` as a native addon.
import { loadScryptScanner } from './scrypt.node.ts'
import { loadSha256dScanner } from './sha256d.node.ts'
import type { NonceScanner, PowAlgorithm } from './types'

export async function loadScanner(algorithm: PowAlgorithm, options: { simd?: boolean } = {}): Promise<NonceScanner> {
  return algorithm === 'sha256d' ? await loadSha256dScanner(options) : await loadScryptScanner(options)
}
