// Bitcoin/Litecoin primitives shared by browser and Node. Hashes are in internal byte order.
export * from './bytes'
export * from './hash'
export * from './header'
export * from './target'
export * from './script'
export * from './tx'
export * from './merkle'
export * from './coinbase'
