import {
  encodeEventTopics,
  TransactionReceiptNotFoundError,
  type Address,
  type Hex,
  type PublicClient,
} from 'viem';
import type { AnchorEventInfo, RegistryReader, RevocationInfo, RootInfo } from '../../core/index.js';
import { registryAbi } from '../registryAbi.js';

const anchoredEvent = registryAbi.find((e) => e.type === 'event' && e.name === 'Anchored')!;

/** The core's RegistryReader port over viem: three views, one transaction receipt and the chain id. */
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
    async anchorEvent(registry: Address, txHash: Hex, root: Hex): Promise<AnchorEventInfo> {
      let receipt;
      try {
        receipt = await client.getTransactionReceipt({ hash: txHash });
      } catch (error) {
        if (error instanceof TransactionReceiptNotFoundError) return { txFound: false, found: false };
        throw error;
      }
      // Anchored(bytes32 indexed root, address indexed anchorer, uint32 leafCount): match address, event and root.
      const [selector, rootTopic] = encodeEventTopics({
        abi: registryAbi,
        eventName: 'Anchored',
        args: { root },
      }) as Hex[];
      const found = receipt.logs.some(
        (log) =>
          log.address.toLowerCase() === registry.toLowerCase() &&
          log.topics[0]?.toLowerCase() === selector?.toLowerCase() &&
          log.topics[1]?.toLowerCase() === rootTopic?.toLowerCase(),
      );
      return { txFound: true, found, blockNumber: Number(receipt.blockNumber) };
    },
    async anchoredInBlock(registry: Address, root: Hex, blockNumber: number): Promise<boolean> {
      const logs = await client.getLogs({
        address: registry,
        event: anchoredEvent,
        args: { root },
        fromBlock: BigInt(blockNumber),
        toBlock: BigInt(blockNumber),
      });
      return logs.some((l) => !l.removed);
    },
  };
}
