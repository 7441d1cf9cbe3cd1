import { createPublicClient, defineChain, http, type Chain, type PublicClient } from 'viem';
import { keepAliveFetch } from './keepAliveFetch.js';

export interface RpcOptions {
  /** Per-request timeout. */
  readonly timeoutMs?: number;
  /** viem's own retries for a failed request; the anchoring engine retries itself, so it passes 0. */
  readonly retryCount?: number;
  /**
   * Send concurrent requests as one JSON-RPC batch: right for a verifier's parallel reads, wrong for
   * the engine's dependent calls (the batch window adds ~1 ms to each).
   */
  readonly batch?: boolean;
}

/** A minimal chain description for any EVM network we only know by id and URL. */
export function chainFor(chainId: number, rpcUrl: string): Chain {
  return defineChain({
    id: chainId,
    name: `chain-${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

/** A public client over kept-alive sockets; with `batch`, concurrent reads share one HTTP request. */
export function publicClientFor(rpcUrl: string, chainId?: number, o: RpcOptions = {}): PublicClient {
  return createPublicClient({
    ...(chainId === undefined ? {} : { chain: chainFor(chainId, rpcUrl) }),
    transport: http(rpcUrl, {
      ...(o.batch ? { batch: { wait: 0 } } : {}),
      fetchFn: keepAliveFetch,
      timeout: o.timeoutMs ?? 10_000,
      retryCount: o.retryCount ?? 1,
    }),
    pollingInterval: 50,
  });
}
