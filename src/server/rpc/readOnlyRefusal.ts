/** JSON-RPC 2.0 error codes the proxy answers with (the spec's, so any client library understands them). */
export const RPC_ERRORS = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotAllowed: -32601,
  invalidParams: -32602,
  upstream: -32603,
} as const;

export interface RpcRefusal {
  readonly code: number;
  readonly message: string;
}

/** Widest eth_getLogs range, in blocks: a wider one makes the node scan without bound for one anonymous ask. */
export const MAX_LOG_BLOCKS = 10_000;

const QUANTITY = /^0x(0|[1-9a-f][0-9a-f]{0,15})$/i;
const BLOCK_TAG = /^(latest|earliest|pending|safe|finalized|0x(0|[1-9a-f][0-9a-f]{0,15}))$/i;
const HASH32 = /^0x[0-9a-f]{64}$/i;
const ADDRESS = /^0x[0-9a-f]{40}$/i;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const invalid = (message: string): RpcRefusal => ({ code: RPC_ERRORS.invalidParams, message });
const optionalTag = (p: readonly unknown[], i: number) =>
  p.length <= i || (typeof p[i] === 'string' && BLOCK_TAG.test(p[i]));

/**
 * Each allowed method with the shapes of its parameters. Only reads a verifier needs; parameters are
 * checked too, because some reads have expensive or state-changing variants: eth_call's third
 * parameter (state overrides), full transactions in a block, an unbounded log scan.
 */
const ALLOWED: Record<string, (p: readonly unknown[]) => RpcRefusal | undefined> = {
  eth_chainId: (p) => (p.length === 0 ? undefined : invalid('eth_chainId takes no parameters')),
  net_version: (p) => (p.length === 0 ? undefined : invalid('net_version takes no parameters')),
  eth_blockNumber: (p) => (p.length === 0 ? undefined : invalid('eth_blockNumber takes no parameters')),
  eth_call: (p) =>
    p.length >= 1 && p.length <= 2 && isObject(p[0]) && optionalTag(p, 1)
      ? undefined
      : invalid('eth_call takes a call object and a block tag, nothing more'),
  eth_getCode: (p) =>
    p.length >= 1 && p.length <= 2 && typeof p[0] === 'string' && ADDRESS.test(p[0]) && optionalTag(p, 1)
      ? undefined
      : invalid('eth_getCode takes an address and a block tag'),
  eth_getTransactionReceipt: (p) =>
    p.length === 1 && typeof p[0] === 'string' && HASH32.test(p[0])
      ? undefined
      : invalid('eth_getTransactionReceipt takes one transaction hash'),
  eth_getBlockByNumber: (p) =>
    p.length === 2 && typeof p[0] === 'string' && BLOCK_TAG.test(p[0]) && p[1] === false
      ? undefined
      : invalid('eth_getBlockByNumber takes a block tag and false (no full transactions)'),
  eth_getLogs: (p) => {
    const f = p[0];
    if (p.length !== 1 || !isObject(f)) return invalid('eth_getLogs takes one filter object');
    if (f.blockHash !== undefined)
      return typeof f.blockHash === 'string' &&
        HASH32.test(f.blockHash) &&
        f.fromBlock === undefined &&
        f.toBlock === undefined
        ? undefined
        : invalid('eth_getLogs: a blockHash filter names no block range');
    // Numbers, not tags: "latest" would make the range depend on the chain's height at the time.
    const from = f.fromBlock;
    const to = f.toBlock;
    if (typeof from !== 'string' || typeof to !== 'string' || !QUANTITY.test(from) || !QUANTITY.test(to))
      return invalid('eth_getLogs needs fromBlock and toBlock as block numbers (or a blockHash)');
    const span = BigInt(to) - BigInt(from);
    return span >= 0n && span < BigInt(MAX_LOG_BLOCKS)
      ? undefined
      : invalid(`eth_getLogs covers at most ${MAX_LOG_BLOCKS} blocks, from ≤ to`);
  },
};

/**
 * Why the read-only proxy will not forward `request`, or undefined when it may. Anything not on the
 * list (sending transactions, signing, accounts, anvil_/debug_/evm_ methods) is "method not allowed".
 */
export function readOnlyRefusal(request: unknown): RpcRefusal | undefined {
  if (!isObject(request) || typeof request.method !== 'string')
    return { code: RPC_ERRORS.invalidRequest, message: 'not a JSON-RPC request' };
  const check = Object.hasOwn(ALLOWED, request.method) ? ALLOWED[request.method] : undefined;
  if (!check) return { code: RPC_ERRORS.methodNotAllowed, message: 'method not allowed' };
  const params = request.params ?? [];
  if (!Array.isArray(params)) return invalid('params must be an array');
  return check(params);
}
