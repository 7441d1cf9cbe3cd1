import type { Hex } from 'viem';
import { recordOpDone, recordOpFailed, resetOpToPending, type ChainOpRow } from '../../store/index.js';
import { receiptOf } from '../anchorTx.js';
import { broadcastOp } from './broadcastOp.js';
import { chainOpApplied } from './chainOpCall.js';
import type { ChainOpContext } from './ChainOpContext.js';

export type SentOpResult =
  /** On chain: by our transaction, or (txHash null) by someone else's. */
  | { readonly kind: 'applied'; readonly txHash: Hex | null }
  /** No receipt yet; the stored bytes were (re-)broadcast. */
  | { readonly kind: 'pending' }
  /** Our nonce went to another transaction, or the chain forgot earlier ones: sign again. */
  | { readonly kind: 'reset'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly message: string }
  | { readonly kind: 'lost' };

/** Not re-broadcast more often than this while the node simply has not mined it yet. */
const REBROADCAST_MS = 3_000;

/** A sent operation: find its receipt, or learn why there is none and act. */
export async function advanceSentOp(ctx: ChainOpContext, op: ChainOpRow): Promise<SentOpResult> {
  const { db, conn, account, log } = ctx;
  const hash = op.tx_hash as Hex;
  const done = async (txHash: Hex | null): Promise<SentOpResult> =>
    (await recordOpDone(db.kysely, op.id, 'sent', txHash)) ? { kind: 'applied', txHash } : { kind: 'lost' };
  const reset = async (reason: string): Promise<SentOpResult> =>
    (await resetOpToPending(db.kysely, op.id, 'sent', reason)) ? { kind: 'reset', reason } : { kind: 'lost' };

  if (!op.raw_tx || !hash || op.nonce === null) return reset('no stored transaction');
  const receipt = await receiptOf(conn, hash);
  if (receipt?.status === 'success') return done(hash);
  if (receipt) {
    if (await chainOpApplied(ctx, op)) return done(null);
    const message = `${op.kind} reverted in transaction ${hash}`;
    if (!(await recordOpFailed(db.kysely, op.id, 'sent', message))) return { kind: 'lost' };
    log.error({ op: op.id, kind: op.kind, tx: hash }, message);
    return { kind: 'rejected', message };
  }
  if (await chainOpApplied(ctx, op)) {
    // Our transaction may have landed between the two reads: record it if so, else someone else's did it.
    const again = await receiptOf(conn, hash);
    return done(again?.status === 'success' ? hash : null);
  }
  const chainNonce = await conn.client.getTransactionCount({ address: account.address, blockTag: 'latest' });
  if (chainNonce > op.nonce) return reset(`nonce ${op.nonce} used by another transaction`);
  if (chainNonce < op.nonce) return reset(`nonce gap: chain at ${chainNonce}, transaction at ${op.nonce}`);
  const last = ctx.lastBroadcast.get(op.id);
  if (last === undefined || Date.now() - last >= REBROADCAST_MS) {
    // Never broadcast by this process (a crash after storing it), or dropped by the node: the same bytes again.
    await broadcastOp(ctx, op.id, op.raw_tx as Hex);
  }
  return { kind: 'pending' };
}
