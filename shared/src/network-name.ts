// The networks Otedama knows, by name: a leaf both chain params and address prefixes name, so neither
// folder imports the other for it.
export type NetworkName =
  | 'devnet'
  | 'litecoin'
  | 'litecoin-testnet'
  | 'litecoin-regtest'
  | 'bitcoin'
  | 'bitcoin-testnet4'
  | 'bitcoin-signet'
  | 'bitcoin-regtest'
