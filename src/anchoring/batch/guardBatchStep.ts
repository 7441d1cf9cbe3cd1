import { recordRetry, type BatchRow } from '../../store/index.js';
import { backoffDelay } from '../backoff.js';
import type { BatchContext } from './BatchContext.js';
import { asTransient } from './Transient.js';

export type Retrying = {
  readonly kind: 'retrying';
  readonly waitMs: number;
  readonly code: string;
  readonly message: string;
};

/**
 * Runs one batch step; a transient failure is recorded on the batch (guarded by the state it was
 * read in) with its next attempt time, and answered as `retrying`. Anything else is a bug and throws.
 */
export async function guardBatchStep<R>(
  ctx: BatchContext,
  batch: BatchRow,
  step: () => Promise<R>,
): Promise<R | Retrying> {
  try {
    return await step();
  } catch (error) {
    const t = asTransient(error, ctx.account.address);
    if (!t) throw error;
    const { retryBaseMs, retryMaxMs } = ctx.settings;
    const waitMs = backoffDelay(batch.attempts, retryBaseMs, retryMaxMs);
    await recordRetry(ctx.db.kysely, batch.id, batch.status, t.code, t.message, Date.now() + waitMs);
    ctx.log.warn({ batch: batch.id, code: t.code, retryInMs: waitMs }, t.message);
    return { kind: 'retrying', waitMs, code: t.code, message: t.message };
  }
}
