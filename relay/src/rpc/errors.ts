/**
 * Errors of the coin daemon JSON-RPC client. Three kinds, because callers react differently:
 * - RpcTransportError: the daemon could not be reached, did not answer in time, or is overloaded
 *   (retry later, with backoff);
 * - RpcProtocolError: it answered something that is not a well-formed JSON-RPC reply (a misconfigured
 *   URL, a proxy, or a hostile endpoint; retrying rarely helps);
 * - RpcCallError: the daemon understood and refused (code and message are the daemon's own).
 */
export type RpcTransportCode = 'unreachable' | 'timeout' | 'auth' | 'http-status' | 'too-large' | 'overloaded'

export class RpcTransportError extends Error {
  override readonly name = 'RpcTransportError'
  constructor(
    readonly code: RpcTransportCode,
    message: string,
    readonly method?: string
  ) {
    super(message)
  }
}

export class RpcProtocolError extends Error {
  override readonly name = 'RpcProtocolError'
  constructor(
    message: string,
    readonly method?: string
  ) {
    super(message)
  }
}

export class RpcCallError extends Error {
  override readonly name = 'RpcCallError'
  constructor(
    readonly code: number,
    readonly daemonMessage: string,
    readonly method: string
  ) {
    super(`${method}: daemon error ${code}: ${daemonMessage}`)
  }
}

/** Daemon error codes we react to (bitcoin/src/rpc/protocol.h, same numbers in litecoin). */
export const RPC_IN_WARMUP = -28
export const RPC_CLIENT_NOT_CONNECTED = -9
export const RPC_CLIENT_IN_INITIAL_DOWNLOAD = -10
export const RPC_METHOD_NOT_FOUND = -32601
