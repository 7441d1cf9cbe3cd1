import {
  createWalletClient,
  http,
  type Account,
  type PublicClient,
  type WalletClient,
  type Chain,
  type Transport,
} from 'viem';
import { MedproofError } from '../core/index.js';
import { chainFor, publicClientFor, type RpcOptions } from './clients.js';
import { keepAliveFetch } from './keepAliveFetch.js';
import { shortMessage } from './rpcErrors.js';

/** A chain endpoint we have talked to: its URL, its id, and clients bound to both. */
export interface ChainConnection {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly client: PublicClient;
  walletFor(account: Account): WalletClient<Transport, Chain, Account>;
}

/** Connects to any EVM JSON-RPC endpoint; an unreachable one is CHAIN_UNREACHABLE, said in one line. */
export async function connectChain(rpcUrl: string, o: RpcOptions = {}): Promise<ChainConnection> {
  let chainId: number;
  try {
    chainId = await publicClientFor(rpcUrl, undefined, {
      retryCount: 0,
      timeoutMs: o.timeoutMs ?? 5000,
    }).getChainId();
  } catch (cause) {
    throw new MedproofError(
      'CHAIN_UNREACHABLE',
      `cannot reach the chain at ${rpcUrl}: ${shortMessage(cause)}`,
      { cause },
    );
  }
  const client = publicClientFor(rpcUrl, chainId, o);
  const chain = chainFor(chainId, rpcUrl);
  return {
    rpcUrl,
    chainId,
    client,
    walletFor: (account) =>
      createWalletClient({
        account,
        chain,
        transport: http(rpcUrl, { fetchFn: keepAliveFetch, timeout: o.timeoutMs ?? 30_000, retryCount: 0 }),
      }),
  };
}
