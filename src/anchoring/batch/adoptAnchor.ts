import type { Hex } from 'viem';
import { isUnreachable } from '../../chain/index.js';
import type { RootInfo } from '../../core/index.js';
import { recordMined, type BatchRow } from '../../store/index.js';
import { findAnchorTx } from '../anchorTx.js';
import type { BatchContext } from './BatchContext.js';

export type AdoptResult =
  | { readonly kind: 'adopted'; readonly blockNumber: number; readonly txHash: Hex | null }
  | { readonly kind: 'lost' };

/**
 * The root is on chain (ours or not): record where, from the chain's own facts. The transaction is
 * the one whose Anchored(root) event is in that block; when it cannot be found yet the batch is kept
 * mined without one, and {@link confirmMined} looks again: a receipt never carries a made-up hash.
 */
export async function adoptAnchor(ctx: BatchContext, batch: BatchRow, info: RootInfo): Promise<AdoptResult> {
  const { conn, db, log } = ctx;
  const block = await conn.client
    .getBlock({ blockNumber: BigInt(info.blockNumber) })
    .catch((error: unknown) => {
      if (isUnreachable(error)) throw error;
      return undefined;
    });
  const txHash = await anchorTxOf(ctx, batch.root as Hex, info.blockNumber);
  const won = await recordMined(db.kysely, batch.id, batch.status, {
    txHash,
    blockNumber: info.blockNumber,
    blockHash: block?.hash ?? null,
    anchoredAt: info.anchoredAt,
  });
  if (!won) return { kind: 'lost' };
  log.info({ batch: batch.id, block: info.blockNumber, tx: txHash }, 'root found on chain');
  return { kind: 'adopted', blockNumber: info.blockNumber, txHash };
}

/** The anchoring transaction by its event, or null while the node cannot say (logs not indexed yet). */
export async function anchorTxOf(ctx: BatchContext, root: Hex, blockNumber: number): Promise<Hex | null> {
  try {
    return await findAnchorTx(ctx.conn, ctx.registry, root, blockNumber);
  } catch (error) {
    if (isUnreachable(error)) throw error;
    ctx.log.warn({ err: error, root }, 'could not read the Anchored event; will look again');
    return null;
  }
}
