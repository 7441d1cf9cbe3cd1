import type { Hex } from 'viem';
import { isUnreachable } from '../../chain/index.js';
import { recordAnchorTx, recordConfirmed, resetToBuilt, type BatchRow } from '../../store/index.js';
import { adoptAnchor, anchorTxOf, type AdoptResult } from './adoptAnchor.js';
import type { BatchContext } from './BatchContext.js';

export type MinedResult =
  | { readonly kind: 'confirmed' }
  /** Fewer than `confirmations` blocks on top so far. */
  | { readonly kind: 'shallow'; readonly depth: number }
  /** Adopted without a transaction hash, and the Anchored event is still not found: look again later. */
  | { readonly kind: 'txMissing' }
  | { readonly kind: 'txFound'; readonly txHash: Hex }
  /** The anchor's block left the chain and the root with it: back to built. */
  | { readonly kind: 'reorged' }
  | AdoptResult;

/** Confirmed once enough blocks sit on top, the anchor's block is still the one we saw, and its transaction is known. */
export async function confirmMined(ctx: BatchContext, batch: BatchRow): Promise<MinedResult> {
  const { conn, db, registry, log, settings } = ctx;
  const blockNumber = batch.block_number ?? 0;
  const head = Number(await conn.client.getBlockNumber());
  const block = await conn.client.getBlock({ blockNumber: BigInt(blockNumber) }).catch((error: unknown) => {
    if (isUnreachable(error)) throw error;
    return undefined;
  });
  if (!block || (batch.block_hash && block.hash !== batch.block_hash)) {
    const info = await ctx.reader.rootInfo(registry, batch.root as Hex);
    if (info.anchoredAt > 0) return adoptAnchor(ctx, batch, info);
    if (!(await resetToBuilt(db.kysely, batch.id, 'mined', 'anchor block left the chain (reorg)')))
      return { kind: 'lost' };
    log.warn({ batch: batch.id }, 'anchor block left the chain; re-anchoring');
    return { kind: 'reorged' };
  }
  if (batch.tx_hash === null) {
    const txHash = await anchorTxOf(ctx, batch.root as Hex, blockNumber);
    if (!txHash) return { kind: 'txMissing' };
    return (await recordAnchorTx(db.kysely, batch.id, txHash))
      ? { kind: 'txFound', txHash }
      : { kind: 'lost' };
  }
  const depth = head - blockNumber + 1;
  if (depth < settings.confirmations) return { kind: 'shallow', depth };
  if (!(await db.kysely.transaction().execute((trx) => recordConfirmed(trx, batch.id))))
    return { kind: 'lost' };
  return { kind: 'confirmed' };
}
