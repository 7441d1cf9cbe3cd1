import type { Address, Hex, PublicClient } from 'viem';
import type { RegistryReader, RevocationInfo, RootInfo } from '../../core/verify/types.js';
import { registryAbi } from '../registryAbi.js';

/** The core's RegistryReader port over viem: three views and the chain id, nothing else. */
export function registryReader(client: PublicClient): RegistryReader {
  return {
    chainId: () => client.getChainId(),
    async rootInfo(registry: Address, root: Hex): Promise<RootInfo> {
      const [anchorer, anchoredAt, blockNumber, leafCount] = await client.readContract({
        address: registry,
        abi: registryAbi,
        functionName: 'rootInfo',
        args: [root],
      });
      return { anchorer, anchoredAt: Number(anchoredAt), blockNumber: Number(blockNumber), leafCount };
    },
    async revocation(registry: Address, leaf: Hex): Promise<RevocationInfo> {
      const [revokedAt, reason] = await client.readContract({
        address: registry,
        abi: registryAbi,
        functionName: 'revocation',
        args: [leaf],
      });
      return { revokedAt: Number(revokedAt), reason };
    },
    isIssuer: (registry: Address, account: Address) =>
      client.readContract({ address: registry, abi: registryAbi, functionName: 'isIssuer', args: [account] }),
  };
}
