import { buildMerkleTree } from '../../core/index.js';
import { insertBatch, issuersBeingEnrolled, queuedLeaves } from '../../store/index.js';
import type { BatchContext } from './BatchContext.js';

export type BuildResult =
  | { readonly kind: 'built'; readonly batchId: number; readonly leaves: number }
  /** Nothing queued. */
  | { readonly kind: 'empty' }
  /** Leaves are waiting for the batch to fill, at most `waitMs` more. */
  | { readonly kind: 'notDue'; readonly waitMs: number };

/** Builds one batch from the queue if it is full or its oldest leaf has waited long enough. */
export async function buildDueBatch(ctx: BatchContext, now = Date.now()): Promise<BuildResult> {
  const { batchMax, batchWaitMs } = ctx.settings;
  // Registry v2 judges each leaf's issuer by the terms on chain when its batch is anchored. A doctor's
  // enrolment goes through the chain-operations worker (another account, its own queue), so it may not
  // have landed yet: anchored now, their documents would be UNKNOWN_ISSUER forever. Their leaves stay
  // queued until it has (only theirs: a batch that waited as a whole could wait on a revocation queued
  // before the enrolment, which itself waits for that batch). v1 has no terms.
  const hold = ctx.registryVersion === 2 ? await issuersBeingEnrolled(ctx.db.kysely) : [];
  const { leaves, oldestAt } = await queuedLeaves(ctx.db.kysely, batchMax, hold);
  if (leaves.length === 0 || oldestAt === undefined) return { kind: 'empty' };
  const waitLeft = oldestAt + batchWaitMs - now;
  if (leaves.length < batchMax && waitLeft > 0) return { kind: 'notDue', waitMs: waitLeft };
  const tree = buildMerkleTree(leaves);
  const batchId = await ctx.db.kysely
    .transaction()
    .execute((trx) =>
      insertBatch(trx, { root: tree.root, leaves, chainId: ctx.conn.chainId, registry: ctx.registry }),
    );
  ctx.log.info({ batch: batchId, leaves: leaves.length, root: tree.root }, 'batch built');
  return { kind: 'built', batchId, leaves: leaves.length };
}
