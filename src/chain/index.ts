// The public surface of src/chain: other layers import from here, never from files inside.
export { publicClientFor } from './clients.js';
export { type ChainConnection, connectChain } from './connectChain.js';
export { type EmbeddedChain, openEmbeddedChain } from './embedded/openEmbeddedChain.js';
export { freePort } from './embedded/processes.js';
export { cachingReader } from './registry/cachingReader.js';
export { decodeRegistryError, describeRevert } from './registry/decodeRegistryError.js';
export { checkRegistryCode, deployRegistry } from './registry/deployRegistry.js';
export { deployRegistryV2 } from './registry/deployRegistryV2.js';
export { registryReaderFor, type VersionedReader } from './registry/registryReaderFor.js';
export type { RegistryVersion } from './registry/registryVersion.js';
export {
  ALL_ROLE_IDS,
  parseRoleName,
  ROLE_IDS,
  ROLE_NAMES,
  type RoleName,
  V2_ROLE_NAMES,
} from './registry/roles.js';
export { registryFailure, sendRegistryTx, sendRegistryV2Tx } from './registry/sendRegistryTx.js';
export { registryAbi } from './registryAbi.js';
export { registryV2Abi } from './registryV2Abi.js';
export { isInsufficientFunds, isNonceConsumed, isUnreachable, shortMessage } from './rpcErrors.js';
