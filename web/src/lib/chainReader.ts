import { registryCalls, type RegistryReader, type RegistryV2Reader } from '../../../src/core/index.js';
import { fetchJsonRpc } from './fetchJsonRpc.js';

/**
 * The core's RegistryReader in the browser: the same hand-encoded registry calls as the CLI's lean
 * reader, sent with fetch to `rpcUrl` (the chain's public RPC, the portal's read-only /rpc proxy, or
 * an endpoint the verifier typed in), for v1 and v2 receipts.
 */
export function chainReader(rpcUrl: string): RegistryReader & RegistryV2Reader {
  return registryCalls(fetchJsonRpc(rpcUrl));
}
