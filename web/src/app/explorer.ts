// Block explorers for the networks whose blocks a public explorer shows (none for devnet and regtests).
const BLOCK_EXPLORERS: Readonly<Record<string, string>> = {
  bitcoin: 'https://mempool.space/block/',
  'bitcoin-testnet4': 'https://mempool.space/testnet4/block/',
  'bitcoin-signet': 'https://mempool.space/signet/block/',
  litecoin: 'https://litecoinspace.org/block/',
  'litecoin-testnet': 'https://litecoinspace.org/testnet/block/'
}

/** The explorer page of a block (display-hex hash), or undefined where no public explorer knows the chain. */
export function blockExplorerUrl(network: string, blockHash: string): string | undefined {
  const base = BLOCK_EXPLORERS[network]
  return base === undefined || !/^[0-9a-f]{64}$/.test(blockHash) ? undefined : base + blockHash
}
