// The scanner for an algorithm, in a browser (SIMD build where supported).
import { loadScryptScanner } from './scrypt.browser'
import { loadSha256dScanner } from './sha256d.browser'
import type { NonceScanner, PowAlgorithm } from './types'

export async function loadScanner(algorithm: PowAlgorithm): Promise<NonceScanner> {
  return algorithm === 'sha256d' ? await loadSha256dScanner() : await loadScryptScanner()
}
