import type { Hex } from 'viem';
import { isUnreachable } from '../../chain/index.js';
import { recordChecked, recordFinal, resetToBuilt, type BatchRow } from '../../store/index.js';
import { adoptAnchor, type AdoptResult } from './adoptAnchor.js';
import type { BatchContext } from './BatchContext.js';

export type RecheckResult =
  /** Still on chain where we recorded it, not deep enough yet. */
  | { readonly kind: 'holds'; readonly depth: number }
  /** Deep enough, or under the chain's finalized block: re-checks end here. */
  | { readonly kind: 'final'; readonly depth: number }
  /** The root left the chain (reorg, a node restarted from older state): back to built, same root. */
  | { readonly kind: 'reanchoring' }
  | AdoptResult;

/**
 * A confirmed batch, checked again: its block is still the one we recorded and the registry still
 * holds its root. Confirmation is not the end: a deeper reorg than `confirmations`, or a dev node
 * restarted from a state file seconds old, can take a confirmed anchor away, and every receipt handed
 * out for it must verify again. `finalized` is the chain's own word where it has one; anvil reports
 * block 0 there, so depth decides on a dev chain.
 */
export async function recheckConfirmed(
  ctx: BatchContext,
  batch: BatchRow,
  head: number,
  finalized: number,
): Promise<RecheckResult> {
  const { conn, db, registry, log, settings } = ctx;
  const blockNumber = batch.block_number ?? 0;
  const block = await conn.client.getBlock({ blockNumber: BigInt(blockNumber) }).catch((error: unknown) => {
    if (isUnreachable(error)) throw error;
    return undefined; // past the head: the chain is shorter than what we saw
  });
  const info = await ctx.reader.rootInfo(registry, batch.root as Hex);
  const sameBlock = block !== undefined && block.hash === batch.block_hash;
  if (info.anchoredAt > 0 && !sameBlock) return adoptAnchor(ctx, batch, info);
  if (info.anchoredAt === 0) {
    if (
      !(await resetToBuilt(db.kysely, batch.id, 'confirmed', 'the chain no longer holds this confirmed root'))
    )
      return { kind: 'lost' };
    log.warn({ batch: batch.id, block: blockNumber }, 'a confirmed anchor left the chain; re-anchoring');
    return { kind: 'reanchoring' };
  }
  const depth = head - blockNumber + 1;
  if (depth >= settings.finalityDepth || (finalized > 0 && blockNumber <= finalized)) {
    if (!(await recordFinal(db.kysely, batch.id))) return { kind: 'lost' };
    log.info({ batch: batch.id, depth }, 'anchor final');
    return { kind: 'final', depth };
  }
  return (await recordChecked(db.kysely, batch.id)) ? { kind: 'holds', depth } : { kind: 'lost' };
}
