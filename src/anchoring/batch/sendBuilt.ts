import type { Hex } from 'viem';
import { decodeRegistryError, describeRevert } from '../../chain/index.js';
import { recordFailed, recordSigned, type BatchRow } from '../../store/index.js';
import { signAnchorTx } from '../anchorTx.js';
import { adoptAnchor, type AdoptResult } from './adoptAnchor.js';
import type { BatchContext } from './BatchContext.js';
import { broadcast } from './broadcast.js';
import { Transient } from './Transient.js';

export type SendResult =
  /** A transient failure set the batch's next attempt for later. */
  | { readonly kind: 'notDue'; readonly waitMs: number }
  | { readonly kind: 'sent'; readonly txHash: Hex; readonly nonce: number }
  /** The root was anchored already (a restored database, an anchor we lost track of). */
  | AdoptResult
  /** The registry will not take this batch: failed, visibly. */
  | { readonly kind: 'rejected'; readonly reason: string };

/**
 * A built batch: signs its anchor transaction, stores it (the batch becomes sent), then broadcasts
 * it. Stored first, so after a crash the same bytes are re-broadcast, never signed again at a new
 * nonce while the old one might still land.
 */
export async function sendBuilt(ctx: BatchContext, batch: BatchRow, now = Date.now()): Promise<SendResult> {
  if (batch.next_attempt_at > now) return { kind: 'notDue', waitMs: batch.next_attempt_at - now };
  const { conn, account, registry, db, log } = ctx;
  const root = batch.root as Hex;
  let signed;
  try {
    // Anchored already? The estimate reverts with RootAlreadyAnchored, and we adopt the chain's record.
    signed = await signAnchorTx(conn, account, registry, root, batch.leaf_count);
  } catch (error) {
    const revert = decodeRegistryError(error);
    if (!revert) throw error;
    if (revert.name === 'RootAlreadyAnchored')
      return adoptAnchor(ctx, batch, await ctx.reader.rootInfo(registry, root));
    // v1's own error, or OpenZeppelin's in registry v2: either way the batch waits for the role.
    if (revert.name === 'UnauthorizedAccount' || revert.name === 'AccessControlUnauthorizedAccount') {
      throw new Transient(
        'ANCHORER_UNAUTHORIZED',
        `account ${account.address} lacks ANCHORER_ROLE on ${registry}: grant it (medproof grant anchorer ${account.address})`,
      );
    }
    const reason = describeRevert(revert);
    if (!(await recordFailed(db.kysely, batch.id, 'built', 'ANCHOR_REJECTED', reason)))
      return { kind: 'lost' };
    log.error({ batch: batch.id, revert: reason }, 'registry rejected the batch');
    return { kind: 'rejected', reason };
  }
  const won = await db.kysely.transaction().execute((trx) => recordSigned(trx, batch.id, 'built', signed));
  if (!won) return { kind: 'lost' };
  await broadcast(ctx, batch.id, signed.raw);
  log.info({ batch: batch.id, tx: signed.hash, nonce: signed.nonce }, 'anchor sent');
  return { kind: 'sent', txHash: signed.hash, nonce: signed.nonce };
}
