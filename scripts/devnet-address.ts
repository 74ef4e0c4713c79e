// Prints a fresh devnet payout address (P2WPKH, bech32 `odev1…`) and its private key, so a person can
// mine on `npm start` without a devnet wallet. Devnet coins have no value; keep the key if you want to
// spend them on your devnet. Usage: npx tsx scripts/devnet-address.ts
import { generateKeyPair } from '@libp2p/crypto/keys'
import { scriptToAddress } from '@otedama/shared/address'
import { getChainParams } from '@otedama/shared/chain'
import { bytesToHex } from '@otedama/shared/primitives'
import { hash160 } from '@otedama/shared/primitives'
import { p2wpkhScript } from '@otedama/shared/primitives'

const key = await generateKeyPair('secp256k1')
const address = scriptToAddress(p2wpkhScript(hash160(key.publicKey.raw)), getChainParams('devnet').addresses)
if (address === undefined) throw new Error('could not encode a devnet P2WPKH address')
process.stdout.write(
  `address      ${address}\nprivate key  ${bytesToHex(key.raw)} (secp256k1, compressed public key ${bytesToHex(key.publicKey.raw)})\n`
)
