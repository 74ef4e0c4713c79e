export {
  RpcClient,
  RPC_TIMEOUT_MS,
  RPC_MAX_RESPONSE_BYTES,
  RPC_MAX_REQUEST_BYTES,
  RPC_MAX_IN_FLIGHT,
  RPC_MAX_WAITING
} from './client'
export type { RpcAuth, RpcClientInit, CallOptions, RpcCallObserver } from './client'
export {
  RpcCallError,
  RpcProtocolError,
  RpcTransportError,
  RPC_IN_WARMUP,
  RPC_CLIENT_NOT_CONNECTED,
  RPC_CLIENT_IN_INITIAL_DOWNLOAD,
  RPC_METHOD_NOT_FOUND
} from './errors'
export type { RpcTransportCode } from './errors'
