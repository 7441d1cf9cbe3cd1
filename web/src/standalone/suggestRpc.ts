/**
 * A JSON-RPC endpoint to try first for a receipt's chain, prefilled in the standalone verifier's field:
 * only a suggestion the verifier sees and may replace (nothing is asked before they press the button).
 * A local development chain (31337, anvil's and medproof's embedded node) is a node on this computer;
 * public chains get a public endpoint that answers browsers (CORS).
 */
const KNOWN: Readonly<Record<number, string>> = {
  1: 'https://ethereum-rpc.publicnode.com',
  11155111: 'https://ethereum-sepolia-rpc.publicnode.com',
  17000: 'https://ethereum-holesky-rpc.publicnode.com',
  137: 'https://polygon-bor-rpc.publicnode.com',
  10: 'https://optimism-rpc.publicnode.com',
  8453: 'https://base-rpc.publicnode.com',
  42161: 'https://arbitrum-one-rpc.publicnode.com',
  31337: 'http://127.0.0.1:8545',
};

export function suggestRpc(chainId: number | undefined): string | undefined {
  return chainId === undefined ? undefined : KNOWN[chainId];
}

/** The chain id a parsed receipt names, if it names one (it is checked properly by core later). */
export function receiptChainId(receipt: unknown): number | undefined {
  const id = (receipt as { chainId?: unknown } | null)?.chainId;
  return typeof receipt === 'object' && Number.isSafeInteger(id) ? (id as number) : undefined;
}
