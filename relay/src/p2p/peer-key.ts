// The relay's libp2p identity lives in its data dir, so its peer id (and so its multiaddrs that
// browsers and other relays keep in their bootstrap lists) survives restarts.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { createLogger } from '@otedama/shared/log'
import { errorMessage } from '@otedama/shared/util'

const log = createLogger('p2p:key')

export const PEER_KEY_FILE = 'p2p-peer-key'

export class PeerKeyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PeerKeyError'
  }
}

/** Loads the Ed25519 key from `<dataDir>/p2p-peer-key`, creating it (mode 0600) on first start. */
export async function loadOrCreatePeerKey(dataDir: string): Promise<PrivateKey> {
  const path = join(dataDir, PEER_KEY_FILE)
  let bytes: Uint8Array | undefined
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (bytes !== undefined) {
    try {
      return privateKeyFromProtobuf(bytes)
    } catch (err) {
      throw new PeerKeyError(
        `${path} is not a libp2p private key (${errorMessage(err)}); move it away to create a new identity`
      )
    }
  }
  const key = await generateKeyPair('Ed25519')
  await mkdir(dataDir, { recursive: true })
  // Write then rename, so a crash never leaves a half-written key behind.
  await writeFile(`${path}.tmp`, privateKeyToProtobuf(key), { mode: 0o600 })
  await rename(`${path}.tmp`, path)
  log.info(`created a new peer key in ${path}`)
  return key
}
