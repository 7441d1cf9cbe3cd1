import { keccak_256 } from '@noble/hashes/sha3';
import type { Address, Hex } from 'viem';
import { checksumAddress } from '../hash/checksumAddress.js';
import { fromHex, toHex } from '../hash/hex.js';
import type {
  AnchorEventInfo,
  IssuerStatus,
  RegistryReader,
  RegistryV2Facts,
  RegistryV2Reader,
  RevocationInfo,
  RootInfo,
} from './types.js';

const keccakText = (text: string) => keccak_256(new TextEncoder().encode(text));
/** The 4-byte selector of a function signature, e.g. `rootInfo(bytes32)`. */
export const selector = (signature: string) => toHex(keccakText(signature).subarray(0, 4));

// The registry's three views (src/chain/registryAbi.ts); a test checks these against the ABI.
export const SELECTORS = {
  rootInfo: selector('rootInfo(bytes32)'),
  revocation: selector('revocation(bytes32)'),
  isIssuer: selector('isIssuer(address)'),
} as const;

/** Registry v2's one view a verifier needs (src/chain/registryV2Abi.ts); a test checks it against the ABI. */
export const SELECTORS_V2 = {
  check: selector('check(bytes32,bytes32,address)'),
} as const;

/** The v2 contract's STATUS_* constants, by number. */
const ISSUER_STATUS: readonly IssuerStatus[] = ['UNKNOWN', 'ACTIVE', 'NOT_ACTIVE', 'COMPROMISED'];

/** topic0 of `event Anchored(bytes32 indexed root, address indexed anchorer, uint32 leafCount)`. */
export const ANCHORED_TOPIC = toHex(keccakText('Anchored(bytes32,address,uint32)'));

/**
 * One JSON-RPC call, however it travels (node:http in the CLI, fetch in the browser). Calls made in the
 * same tick should go out as one batch: a verification's reads are then one round trip.
 */
export type JsonRpcCall = (method: string, params: readonly unknown[]) => Promise<unknown>;

/** One ABI word (32 bytes, left-padded) holding a bytes32 or an address, as hex without 0x. */
function word(hex: Hex, bytes: number): string {
  if (!fromHex(hex, bytes)) throw new Error(`expected ${bytes} bytes of 0x-hex, got ${hex}`);
  return hex.slice(2).toLowerCase().padStart(64, '0');
}

/** The `n` static return words of an eth_call, each as hex without 0x; too short means no contract. */
function words(result: unknown, n: number, registry: Address): string[] {
  if (typeof result !== 'string' || !/^0x[0-9a-fA-F]*$/.test(result) || result.length < 2 + 64 * n)
    throw new Error(`the registry ${registry} returned no data: is it deployed on this chain?`);
  return Array.from({ length: n }, (_, i) => result.slice(2 + 64 * i, 2 + 64 * (i + 1)));
}

const ZERO_ADDRESS = checksumAddress(`0x${'0'.repeat(40)}`);
const uint = (w: string) => Number(BigInt(`0x${w}`));
const address = (w: string) => checksumAddress(`0x${w.slice(24)}`);
const quantity = (q: unknown) => (typeof q === 'string' ? Number(BigInt(q)) : NaN);

/**
 * The core's RegistryReader as plain JSON-RPC (eth_chainId, eth_call, eth_getTransactionReceipt) over
 * any transport: selectors and arguments encoded by hand, the static return tuples decoded by hand.
 * Pure: the I/O is `call`'s, so the CLI (node:http) and the browser (fetch) share every byte of the
 * encoding, and neither has to load viem. The chain id is asked once: one reader serves one endpoint.
 */
export function registryCalls(call: JsonRpcCall): RegistryReader & RegistryV2Reader {
  const ethCall = (to: Address, data: string) => call('eth_call', [{ to, data }, 'latest']);
  let chainId: Promise<number> | undefined;
  return {
    chainId() {
      chainId ??= call('eth_chainId', []).then((id) => {
        const n = quantity(id);
        if (!Number.isSafeInteger(n)) throw new Error(`eth_chainId returned ${String(id)}`);
        return n;
      });
      // A failure is not remembered: the next ask tries again.
      chainId.catch(() => (chainId = undefined));
      return chainId;
    },
    async rootInfo(registry: Address, root: Hex): Promise<RootInfo> {
      const result = await ethCall(registry, SELECTORS.rootInfo + word(root, 32));
      // Both registries have rootInfo(bytes32) with static returns: v1 answers four words (anchorer
      // first), v2 three (it keeps who anchored in the Anchored event only, one slot per root).
      if (typeof result === 'string' && result.length === 2 + 64 * 3) {
        const [anchoredAt, blockNumber, leafCount] = words(result, 3, registry) as [string, string, string];
        return {
          anchorer: ZERO_ADDRESS,
          anchoredAt: uint(anchoredAt),
          blockNumber: uint(blockNumber),
          leafCount: uint(leafCount),
        };
      }
      const [anchorer, anchoredAt, blockNumber, leafCount] = words(result, 4, registry) as [
        string,
        string,
        string,
        string,
      ];
      return {
        anchorer: address(anchorer),
        anchoredAt: uint(anchoredAt),
        blockNumber: uint(blockNumber),
        leafCount: uint(leafCount),
      };
    },
    async revocation(registry: Address, leaf: Hex): Promise<RevocationInfo> {
      const result = await ethCall(registry, SELECTORS.revocation + word(leaf, 32));
      const [revokedAt, reason] = words(result, 2, registry) as [string, string];
      return { revokedAt: uint(revokedAt), reason: uint(reason) };
    },
    async isIssuer(registry: Address, account: Address): Promise<boolean> {
      const result = await ethCall(registry, SELECTORS.isIssuer + word(account, 20));
      return uint(words(result, 1, registry)[0]!) !== 0;
    },
    /**
     * v2's `check(root, leaf, issuer)`: its CheckResult is a static tuple, so the answer is ten words
     * inline (anchoredAt, blockNumber, leafCount, revokedAt, reason, supersededBy, issuerStatus,
     * termIndex, profile, institution).
     */
    async checkV2(registry: Address, root: Hex, leaf: Hex, issuer: Address): Promise<RegistryV2Facts> {
      const data = SELECTORS_V2.check + word(root, 32) + word(leaf, 32) + word(issuer, 20);
      const w = words(await ethCall(registry, data), 10, registry);
      const status = ISSUER_STATUS[uint(w[6]!)];
      // A status this build does not know is a registry it does not understand: fail loudly (ERROR).
      if (status === undefined)
        throw new Error(`registry ${registry} answered an unknown issuer status ${uint(w[6]!)}`);
      return {
        anchoredAt: uint(w[0]!),
        blockNumber: uint(w[1]!),
        leafCount: uint(w[2]!),
        revokedAt: uint(w[3]!),
        reason: uint(w[4]!),
        supersededBy: `0x${w[5]!}`,
        issuerStatus: status,
        termIndex: uint(w[7]!),
        profile: `0x${w[8]!}`,
        institution: `0x${w[9]!}`,
      };
    },
    async anchorEvent(registry: Address, txHash: Hex, root: Hex): Promise<AnchorEventInfo> {
      const receipt = (await call('eth_getTransactionReceipt', [txHash])) as {
        status?: string;
        blockNumber?: string;
        logs?: { address?: string; topics?: string[]; data?: string }[];
      } | null;
      if (!receipt) return { txFound: false, found: false };
      const blockNumber = quantity(receipt.blockNumber);
      if (receipt.status !== '0x1') return { txFound: true, found: false, blockNumber };
      const rootTopic = `0x${word(root, 32)}`;
      const log = receipt.logs?.find(
        (l) =>
          l.address?.toLowerCase() === registry.toLowerCase() &&
          l.topics?.[0]?.toLowerCase() === ANCHORED_TOPIC &&
          l.topics[1]?.toLowerCase() === rootTopic,
      );
      return { txFound: true, found: log !== undefined, blockNumber };
    },
    async anchoredInBlock(registry: Address, root: Hex, blockNumber: number): Promise<boolean> {
      const block = `0x${blockNumber.toString(16)}`;
      const logs = await call('eth_getLogs', [
        {
          address: registry,
          topics: [ANCHORED_TOPIC, `0x${word(root, 32)}`],
          fromBlock: block,
          toBlock: block,
        },
      ]);
      if (!Array.isArray(logs)) throw new Error(`eth_getLogs returned ${typeof logs}`);
      return logs.some(
        (l: { address?: string; removed?: boolean }) =>
          l.address?.toLowerCase() === registry.toLowerCase() && l.removed !== true,
      );
    },
  };
}
