import type { Hex } from 'viem';
import { isUnreachable } from '../../chain/index.js';
import { batchesIn, resetToBuilt } from '../../store/index.js';
import { adoptAnchor } from './adoptAnchor.js';
import type { BatchContext } from './BatchContext.js';

export interface ReconcileResult {
  readonly kind: 'reconciled';
  /** Batches the chain no longer holds, sent back to be anchored again with the same root. */
  readonly lost: number;
  /** Batches whose root the chain holds in another block than we recorded. */
  readonly moved: number;
}

/**
 * Reconciliation (at start, after a reconnection, after a surprise): every anchored batch, final ones
 * included, is compared with the chain on its own: its block hash, and the root in the registry. There
 * is no early stop at a matching block: a node restarted from an older state file and then mined on can
 * hold a block at that height with our hash below a lost one, or lose a root in a block that matches.
 * Whatever the chain no longer holds goes back to be anchored again with the same root.
 * Throws when the chain cannot be read: the engine retries this step, and sends nothing until it passed.
 */
export async function reconcileAnchored(ctx: BatchContext): Promise<ReconcileResult> {
  const { db, conn, registry, log } = ctx;
  const anchored = await batchesIn(db.kysely, conn.chainId, registry, ['mined', 'confirmed', 'final']);
  let lost = 0;
  let moved = 0;
  for (const batch of anchored) {
    const block = await conn.client
      .getBlock({ blockNumber: BigInt(batch.block_number ?? 0) })
      .catch((error: unknown) => {
        if (isUnreachable(error)) throw error;
        return undefined; // a block past the chain's head: the chain is shorter than what we saw
      });
    const info = await ctx.reader.rootInfo(registry, batch.root as Hex);
    const sameBlock = block !== undefined && block.hash === batch.block_hash;
    if (info.anchoredAt > 0 && (sameBlock || batch.block_hash === null)) continue;
    if (info.anchoredAt > 0) {
      if ((await adoptAnchor(ctx, batch, info)).kind === 'adopted') moved++;
      continue;
    }
    if (await resetToBuilt(db.kysely, batch.id, batch.status, 'the chain no longer holds this root')) lost++;
  }
  if (lost > 0) log.warn({ lost }, 'the chain lost anchored roots; re-anchoring them with the same roots');
  return { kind: 'reconciled', lost, moved };
}
