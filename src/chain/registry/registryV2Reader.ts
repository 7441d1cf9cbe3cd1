import type { Address, Hex, PublicClient } from 'viem';
import type { IssuerStatus, RegistryV2Facts, RegistryV2Reader } from '../../core/index.js';
import { registryV2Abi } from '../registryV2Abi.js';
import { registryReader } from './registryReader.js';

/** The contract's STATUS_* constants, by number. */
const STATUS: readonly IssuerStatus[] = ['UNKNOWN', 'ACTIVE', 'NOT_ACTIVE', 'COMPROMISED'];

/**
 * The core's RegistryV2Reader port over viem: registry v2's `check(root, leaf, issuer)` in one
 * eth_call, the anchoring transaction's receipt (the Anchored event has the same signature in both
 * versions, so v1's lookup serves) and the chain id.
 */
export function registryV2Reader(client: PublicClient): RegistryV2Reader {
  const v1 = registryReader(client);
  return {
    chainId: () => client.getChainId(),
    anchorEvent: (registry, txHash, root) => v1.anchorEvent(registry, txHash, root),
    anchoredInBlock: (registry, root, blockNumber) => v1.anchoredInBlock(registry, root, blockNumber),
    async checkV2(registry: Address, root: Hex, leaf: Hex, issuer: Address): Promise<RegistryV2Facts> {
      const c = await client.readContract({
        address: registry,
        abi: registryV2Abi,
        functionName: 'check',
        args: [root, leaf, issuer],
      });
      const status = STATUS[c.issuerStatus];
      // A status this build does not know is a registry it does not understand: fail loudly (ERROR).
      if (status === undefined)
        throw new Error(`registry ${registry} answered an unknown issuer status ${c.issuerStatus}`);
      return {
        anchoredAt: Number(c.anchoredAt),
        blockNumber: Number(c.blockNumber),
        leafCount: c.leafCount,
        revokedAt: Number(c.revokedAt),
        reason: c.reason,
        supersededBy: c.supersededBy,
        issuerStatus: status,
        termIndex: Number(c.termIndex),
        profile: c.profile,
        institution: c.institution,
      };
    },
  };
}
