import { keccak256, type Hex } from 'viem';
import { registryDeployedBytecodeHash } from '../registryAbi.js';
import { registryV2DeployedBytecodeHash } from '../registryV2Abi.js';

/** Which registry contract an address holds: v1 (`MedproofRegistry`) or v2 (`MedproofRegistryV2`). */
export type RegistryVersion = 1 | 2;

/**
 * The registry version of deployed code, by its exact hash, or undefined for any other code. Stricter
 * than asking `version()` (v1 has none, so any contract that reverts would pass for v1): only our two
 * contracts, byte for byte, are registries, and the answer agrees with `version()` for both.
 */
export function registryVersionOfCode(code: Hex | undefined): RegistryVersion | undefined {
  if (!code || code === '0x') return undefined;
  const hash = keccak256(code);
  if (hash === registryDeployedBytecodeHash) return 1;
  if (hash === registryV2DeployedBytecodeHash) return 2;
  return undefined;
}
