// Block subsidy (Core's GetBlockSubsidy): initial >> floor(height / halvingInterval), zero from 64 halvings.
import type { ChainParams } from './params'

/** Core: "Force block reward to zero when right shift is undefined" (64 and more halvings). */
const MAX_HALVINGS = 64

/** The new coins a block at `height` may create, base units (fees come on top). */
export function blockSubsidy(params: ChainParams, height: number): bigint {
  if (!Number.isSafeInteger(height) || height < 0) {
    throw new RangeError(`block height must be an integer >= 0, got ${height}`)
  }
  const halvings = Math.floor(height / params.subsidy.halvingInterval)
  if (halvings >= MAX_HALVINGS) return 0n
  return params.subsidy.initial >> BigInt(halvings)
}
