import { zeroAddress, type Address, type Hex, type PublicClient } from 'viem';
import type { RegistryReader, RegistryV2Reader, RevocationInfo, RootInfo } from '../../core/index.js';
import { registryV2Abi } from '../registryV2Abi.js';
import { registryReader } from './registryReader.js';
import { registryV2Reader } from './registryV2Reader.js';
import type { RegistryVersion } from './registryVersion.js';

/** A reader of either registry: v1's views, and for v2 also `check` (what v2 receipts are verified with). */
export type VersionedReader = RegistryReader & Partial<Pick<RegistryV2Reader, 'checkV2'>>;

/**
 * The RegistryReader port for the registry version at hand. The engine and the chain-operations worker
 * ask the same questions of both (when was a root anchored, is a leaf revoked): v2 answers them from
 * its own views, whose shapes differ (no anchorer in `rootInfo`, a successor in `revocation`).
 */
export function registryReaderFor(client: PublicClient, version: RegistryVersion): VersionedReader {
  if (version === 1) return registryReader(client);
  const v2 = registryV2Reader(client);
  return {
    chainId: () => client.getChainId(),
    anchorEvent: (registry, txHash, root) => v2.anchorEvent(registry, txHash, root),
    anchoredInBlock: (registry, root, blockNumber) => v2.anchoredInBlock(registry, root, blockNumber),
    checkV2: (registry, root, leaf, issuer) => v2.checkV2(registry, root, leaf, issuer),
    async rootInfo(registry: Address, root: Hex): Promise<RootInfo> {
      const [anchoredAt, blockNumber, leafCount] = await client.readContract({
        address: registry,
        abi: registryV2Abi,
        functionName: 'rootInfo',
        args: [root],
      });
      // v2 keeps who anchored in the Anchored event only (one storage slot per root).
      return {
        anchorer: zeroAddress,
        anchoredAt: Number(anchoredAt),
        blockNumber: Number(blockNumber),
        leafCount,
      };
    },
    async revocation(registry: Address, leaf: Hex): Promise<RevocationInfo> {
      const [revokedAt, reason] = await client.readContract({
        address: registry,
        abi: registryV2Abi,
        functionName: 'revocation',
        args: [leaf],
      });
      return { revokedAt: Number(revokedAt), reason };
    },
    async isIssuer(registry: Address, account: Address): Promise<boolean> {
      // "Now" is the chain's latest block time, as the contract would judge a root anchored now.
      const block = await client.getBlock({ blockTag: 'latest' });
      const [status] = await client.readContract({
        address: registry,
        abi: registryV2Abi,
        functionName: 'issuerAt',
        args: [account, block.timestamp],
      });
      return status === 1;
    },
  };
}
