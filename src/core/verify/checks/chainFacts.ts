import type { Receipt } from '../../receipt/receiptSchema.js';
import type { RegistryReader, RevocationInfo, RootInfo } from '../types.js';

export type Settled<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Everything the chain checks need, read in parallel (one round trip with a batching transport). */
export interface ChainFacts {
  readonly chainId: Settled<number>;
  readonly rootInfo: Settled<RootInfo>;
  readonly revocation: Settled<RevocationInfo>;
  readonly isIssuer: Settled<boolean>;
}

const settle = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({
      ok: false as const,
      error: error instanceof Error ? error.message : String(error),
    }),
  );

export async function readChainFacts(reader: RegistryReader, receipt: Receipt): Promise<ChainFacts> {
  const registry = receipt.registry;
  const [chainId, rootInfo, revocation, isIssuer] = await Promise.all([
    settle(reader.chainId()),
    settle(reader.rootInfo(registry, receipt.root)),
    settle(reader.revocation(registry, receipt.leaf)),
    settle(reader.isIssuer(registry, receipt.issuer)),
  ]);
  return { chainId, rootInfo, revocation, isIssuer };
}
