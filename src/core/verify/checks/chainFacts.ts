import type { ReceiptCore } from '../../receipt/receiptSchema.js';
import type { AnchorEventInfo, RegistryReader, RevocationInfo, RootInfo } from '../types.js';

export type Settled<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Everything the chain checks need, read in parallel (one round trip with a batching transport). */
/** When and where a root was anchored: what the anchoring checks need, from either registry version. */
export type AnchorFacts = Pick<RootInfo, 'anchoredAt' | 'blockNumber'>;

export interface ChainFacts {
  readonly chainId: Settled<number>;
  readonly rootInfo: Settled<RootInfo>;
  readonly revocation: Settled<RevocationInfo>;
  readonly isIssuer: Settled<boolean>;
  readonly anchorEvent: Settled<AnchorEventInfo>;
  /** Asked only when the receipt's transaction is unknown and the registry holds the root (see anchorTransaction). */
  readonly anchorLog?: Settled<boolean>;
}

const settle = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({
      ok: false as const,
      error: error instanceof Error ? error.message : String(error),
    }),
  );

export async function readChainFacts(reader: RegistryReader, receipt: ReceiptCore): Promise<ChainFacts> {
  const registry = receipt.registry;
  const [chainId, rootInfo, revocation, isIssuer, anchorEvent] = await Promise.all([
    settle(reader.chainId()),
    settle(reader.rootInfo(registry, receipt.root)),
    settle(reader.revocation(registry, receipt.leaf)),
    settle(reader.isIssuer(registry, receipt.issuer)),
    settle(reader.anchorEvent(registry, receipt.txHash, receipt.root)),
  ]);
  const anchorLog = await anchorLogIfLost(reader, receipt, anchorEvent, rootInfo);
  return { chainId, rootInfo, revocation, isIssuer, anchorEvent, ...(anchorLog ? { anchorLog } : {}) };
}

/**
 * A root the registry holds while the receipt's transaction is unknown is either anchored again (the
 * chain lost the first transaction) or written straight into the registry's storage (a dev node's
 * `anvil_setStorageAt`). Only the first left an Anchored(root) event in the block the registry names:
 * that one extra read tells them apart. Nothing is asked in the usual case.
 */
export async function anchorLogIfLost(
  reader: Pick<RegistryReader, 'anchoredInBlock'>,
  receipt: Pick<ReceiptCore, 'registry' | 'root'>,
  anchorEvent: Settled<AnchorEventInfo>,
  rootInfo: Settled<AnchorFacts>,
): Promise<Settled<boolean> | undefined> {
  if (!anchorEvent.ok || anchorEvent.value.txFound || !rootInfo.ok || rootInfo.value.anchoredAt === 0)
    return undefined;
  return settle(reader.anchoredInBlock(receipt.registry, receipt.root, rootInfo.value.blockNumber));
}
