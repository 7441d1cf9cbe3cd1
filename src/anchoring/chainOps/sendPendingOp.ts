import type { Hex } from 'viem';
import { decodeRegistryError, describeRevert } from '../../chain/index.js';
import { recordOpDone, recordOpFailed, recordOpSigned, type ChainOpRow } from '../../store/index.js';
import { signCallTx } from '../anchorTx.js';
import { broadcastOp } from './broadcastOp.js';
import { chainOpApplied, chainOpCall } from './chainOpCall.js';
import type { ChainOpContext } from './ChainOpContext.js';

export type PendingOpResult =
  /** The chain shows the change already: done without a transaction of ours. */
  | { readonly kind: 'alreadyApplied' }
  | { readonly kind: 'sent'; readonly txHash: Hex; readonly nonce: number }
  | { readonly kind: 'rejected'; readonly message: string }
  /** Cannot be sent yet (a revocation whose document is not anchored yet): nothing changed. */
  | { readonly kind: 'waiting'; readonly message: string }
  /** Another worker moved the operation first. */
  | { readonly kind: 'lost' };

/**
 * A pending operation: unless the chain shows it already, sign its transaction, store it (the
 * operation becomes sent), then broadcast it. Stored first, so after a crash the same bytes go out.
 */
export async function sendPendingOp(ctx: ChainOpContext, op: ChainOpRow): Promise<PendingOpResult> {
  const { db, conn, account, registry, log } = ctx;
  if (await chainOpApplied(ctx, op))
    return (await recordOpDone(db.kysely, op.id, 'pending', null))
      ? { kind: 'alreadyApplied' }
      : { kind: 'lost' };
  const call = await chainOpCall(ctx, op);
  if (call.kind === 'wait') return { kind: 'waiting', message: call.message };
  if (call.kind === 'reject') {
    if (!(await recordOpFailed(db.kysely, op.id, 'pending', call.message))) return { kind: 'lost' };
    log.error({ op: op.id, kind: op.kind }, call.message);
    return { kind: 'rejected', message: call.message };
  }
  let signed;
  try {
    signed = await signCallTx(conn, account, registry, call.data);
  } catch (error) {
    const revert = decodeRegistryError(error);
    if (!revert) throw error;
    const message = `${op.kind} rejected by the registry: ${describeRevert(revert)}`;
    if (!(await recordOpFailed(db.kysely, op.id, 'pending', message))) return { kind: 'lost' };
    log.error({ op: op.id, kind: op.kind }, message);
    return { kind: 'rejected', message };
  }
  if (!(await recordOpSigned(db.kysely, op.id, signed))) return { kind: 'lost' };
  await broadcastOp(ctx, op.id, signed.raw);
  log.info({ op: op.id, kind: op.kind, tx: signed.hash, nonce: signed.nonce }, 'registry change sent');
  return { kind: 'sent', txHash: signed.hash, nonce: signed.nonce };
}
