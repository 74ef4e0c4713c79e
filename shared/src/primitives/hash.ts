// The hash functions every part uses. SHA-256 is our allocation-free JS (./sha256-fast), 2.5-4.5x
// @noble/hashes on the sizes we hash (32 B to ~700 B; bench/sha256.bench.ts) and cross-checked
// against node:crypto and noble in the tests; RIPEMD-160 and scrypt are @noble/hashes. The miner's
// WASM kernels are checked against these.
import { ripemd160 } from '@noble/hashes/legacy.js'
import { scrypt } from '@noble/hashes/scrypt.js'
import { fastSha256, fastSha256d } from './sha256-fast'

/** Litecoin's proof-of-work scrypt parameters (Litecoin Core, src/crypto/scrypt.cpp: N=1024, r=1, p=1, 32 bytes). */
export const SCRYPT_POW_N = 1024
export const SCRYPT_POW_R = 1
export const SCRYPT_POW_P = 1
export const SCRYPT_POW_DKLEN_BYTES = 32

export type PowAlgorithm = 'sha256d' | 'scrypt'

export function sha256(b: Uint8Array): Uint8Array {
  return fastSha256(b)
}

/** SHA-256 applied twice: block hashes, txids, merkle nodes. Output in internal byte order. */
export function sha256d(b: Uint8Array): Uint8Array {
  return fastSha256d(b)
}

/** RIPEMD-160 of SHA-256: P2PKH/P2WPKH key hashes, P2SH script hashes. */
export function hash160(b: Uint8Array): Uint8Array {
  return ripemd160(fastSha256(b))
}

/** Litecoin-family PoW hash: scrypt(password = header, salt = header, N=1024, r=1, p=1, dkLen=32). */
export function scryptPow(header80: Uint8Array): Uint8Array {
  return scrypt(header80, header80, {
    N: SCRYPT_POW_N,
    r: SCRYPT_POW_R,
    p: SCRYPT_POW_P,
    dkLen: SCRYPT_POW_DKLEN_BYTES
  })
}

/** The PoW hash of an 80-byte header for the chain's algorithm (compare it with `meetsTarget`). */
export function powHash(algorithm: PowAlgorithm, header80: Uint8Array): Uint8Array {
  switch (algorithm) {
    case 'sha256d':
      return sha256d(header80)
    case 'scrypt':
      return scryptPow(header80)
    default:
      throw new TypeError(`unknown PoW algorithm: ${String(algorithm)}`)
  }
}
