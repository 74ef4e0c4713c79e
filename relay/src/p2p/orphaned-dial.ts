// The shape of the libp2p TCP dial race's stray error (dial-race.ts): a refused or failed connect that
// libp2p already abandoned. Kept free of imports so the test runner's config can load it as it is.
const ORPHANED_DIAL_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'])

export function isOrphanedDialError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const e = err as { code?: unknown; syscall?: unknown }
  return e.syscall === 'connect' && typeof e.code === 'string' && ORPHANED_DIAL_CODES.has(e.code)
}
