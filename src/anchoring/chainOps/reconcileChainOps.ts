import type { Hex } from 'viem';
import { appliedChainOps, resetOpToPending } from '../../store/index.js';
import { receiptOf } from '../anchorTx.js';
import type { ChainOpContext } from './ChainOpContext.js';

/**
 * A restarted dev node or a reorg can lose the last changes the chain took. Walk the applied
 * operations from the newest down; each whose transaction the chain no longer has is applied again,
 * and the walk stops at the first one the chain still has (what is older survived too). Throws when
 * the chain cannot be read: the worker retries this step before any other.
 *
 * The anchoring engine runs it too, before it builds a batch after a start or a surprise: a doctor's
 * lost enrolment or profile renewal must be queued again (which holds their leaves) before their
 * documents are anchored, or those would be judged against the term the chain still has.
 */
export async function reconcileChainOps(
  ctx: Pick<ChainOpContext, 'db' | 'conn' | 'log'>,
): Promise<{ kind: 'reconciled'; lost: number }> {
  let lost = 0;
  for (const op of await appliedChainOps(ctx.db.kysely)) {
    if (await receiptOf(ctx.conn, op.tx_hash as Hex)) break;
    if (await resetOpToPending(ctx.db.kysely, op.id, 'done', 'the chain lost this change; applying it again'))
      lost++;
  }
  if (lost > 0) ctx.log.warn({ lost }, 'the chain lost registry changes; applying them again');
  return { kind: 'reconciled', lost };
}
