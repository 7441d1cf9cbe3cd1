import { isAddressEqual, parseEventLogs, type Address, type Hex, type TransactionReceipt } from 'viem';
import { decodeRegistryError, describeRevert, registryAbi, shortMessage } from '../../chain/index.js';
import {
  recordConfirmed,
  recordFailed,
  recordMined,
  recordSigned,
  resetToBuilt,
  txsOf,
  type BatchRow,
} from '../../store/index.js';
import { receiptOf, signReplacement } from '../anchorTx.js';
import { adoptAnchor, type AdoptResult } from './adoptAnchor.js';
import type { BatchContext } from './BatchContext.js';
import { broadcast } from './broadcast.js';

export type SentResult =
  | { readonly kind: 'mined'; readonly blockNumber: number; readonly confirmed: boolean }
  /** No receipt yet; the transaction was (re-)broadcast or was just sent. */
  | { readonly kind: 'pending' }
  | { readonly kind: 'replaced'; readonly txHash: Hex }
  /**
   * Our transaction is gone (nonce used by another, or the chain forgot): back to built. `surprise`
   * when the chain forgot (a nonce gap): the chain itself should be checked again.
   */
  | { readonly kind: 'reset'; readonly reason: string; readonly surprise: boolean }
  | { readonly kind: 'reverted'; readonly reason: string }
  /**
   * Mined with success but without the registry's Anchored(root) event: the transaction went to an
   * address with no registry (a reset chain). The batch is not anchored and stays sent.
   */
  | { readonly kind: 'noEvent'; readonly txHash: Hex }
  | AdoptResult;

/** A batch whose transaction is out: find its receipt, or learn why there is none and act. */
export async function advanceSent(ctx: BatchContext, batch: BatchRow): Promise<SentResult> {
  const { conn, account, registry, db, log, settings } = ctx;
  const txs = await txsOf(db.kysely, batch.id);
  for (const tx of txs) {
    const receipt = await receiptOf(conn, tx.tx_hash as Hex);
    if (!receipt) continue;
    if (receipt.status === 'success') {
      if (!hasAnchoredEvent(receipt, registry, batch.root as Hex)) {
        log.error({ batch: batch.id, tx: receipt.transactionHash }, 'anchor mined without an Anchored event');
        return { kind: 'noEvent', txHash: receipt.transactionHash };
      }
      const mined = {
        txHash: receipt.transactionHash,
        blockNumber: Number(receipt.blockNumber),
        blockHash: receipt.blockHash,
        anchoredAt: null,
      };
      // A receipt is one confirmation: when that is all we ask for, confirm in the same commit.
      const confirmNow = settings.confirmations <= 1;
      const won = await db.kysely.transaction().execute(async (trx) => {
        if (!(await recordMined(trx, batch.id, 'sent', mined))) return false;
        if (confirmNow) await recordConfirmed(trx, batch.id);
        return true;
      });
      if (!won) return { kind: 'lost' };
      log.info({ batch: batch.id, block: mined.blockNumber, confirmed: confirmNow }, 'anchor mined');
      return { kind: 'mined', blockNumber: mined.blockNumber, confirmed: confirmNow };
    }
    // Reverted: most likely someone (or an earlier transaction of ours) anchored the root first.
    const info = await ctx.reader.rootInfo(registry, batch.root as Hex);
    if (info.anchoredAt > 0) return adoptAnchor(ctx, batch, info);
    const reason = `transaction ${tx.tx_hash} reverted: ${await revertReason(ctx, batch)}`;
    if (!(await recordFailed(db.kysely, batch.id, 'sent', 'ANCHOR_REVERTED', reason)))
      return { kind: 'lost' };
    log.error({ batch: batch.id, tx: tx.tx_hash, reason }, 'anchor transaction reverted');
    return { kind: 'reverted', reason };
  }

  // No receipt yet. Right after a broadcast that is normal: only look deeper every few seconds.
  const last = ctx.lastBroadcast.get(batch.id);
  if (last !== undefined && Date.now() - last < Math.min(3_000, settings.replaceAfterMs))
    return { kind: 'pending' };

  const info = await ctx.reader.rootInfo(registry, batch.root as Hex);
  if (info.anchoredAt > 0) return adoptAnchor(ctx, batch, info);

  const reset = async (reason: string, surprise = false): Promise<SentResult> =>
    (await resetToBuilt(db.kysely, batch.id, 'sent', reason))
      ? { kind: 'reset', reason, surprise }
      : { kind: 'lost' };
  const newest = txs[0];
  if (!newest) return reset('no stored transaction');
  const chainNonce = await conn.client.getTransactionCount({ address: account.address, blockTag: 'latest' });
  if (chainNonce > newest.nonce) {
    // Our nonce was used, but by none of our transactions for this batch: sign again at a fresh nonce.
    log.warn(
      { batch: batch.id, nonce: newest.nonce, chainNonce },
      'nonce taken by another transaction; re-signing',
    );
    return reset(`nonce ${newest.nonce} used by another transaction`);
  }
  if (chainNonce < newest.nonce) {
    // A gap: the chain forgot earlier transactions of ours (a restarted dev node, a deep reorg).
    log.warn(
      { batch: batch.id, nonce: newest.nonce, chainNonce },
      'nonce gap: the chain lost earlier transactions; re-signing',
    );
    return reset(`nonce gap: chain at ${chainNonce}, transaction at ${newest.nonce}`, true);
  }
  if (Date.now() - newest.created_at > settings.replaceAfterMs) {
    const replacement = await signReplacement(conn, account, newest.raw as Hex);
    const won = await db.kysely
      .transaction()
      .execute((trx) => recordSigned(trx, batch.id, 'sent', replacement));
    if (!won) return { kind: 'lost' };
    log.warn(
      { batch: batch.id, tx: replacement.hash, nonce: replacement.nonce },
      'anchor pending too long; replaced with a higher fee',
    );
    await broadcast(ctx, batch.id, replacement.raw);
    return { kind: 'replaced', txHash: replacement.hash };
  }
  // Still pending at our nonce, or dropped by the node (or the node restarted): send the same bytes again.
  await broadcast(ctx, batch.id, newest.raw as Hex);
  return { kind: 'pending' };
}

/** "Anchored" means the registry said so in this receipt, not merely that a transaction succeeded. */
function hasAnchoredEvent(receipt: TransactionReceipt, registry: Address, root: Hex): boolean {
  const ours = receipt.logs.filter((l) => isAddressEqual(l.address, registry));
  return parseEventLogs({ abi: registryAbi, eventName: 'Anchored', logs: ours }).some(
    (e) => e.args.root.toLowerCase() === root.toLowerCase(),
  );
}

async function revertReason(ctx: BatchContext, batch: BatchRow): Promise<string> {
  try {
    await ctx.conn.client.simulateContract({
      address: ctx.registry,
      abi: registryAbi,
      functionName: 'anchor',
      args: [batch.root as Hex, batch.leaf_count],
      account: ctx.account,
    });
    return 'reverted (the call succeeds now: state changed since)';
  } catch (error) {
    const r = decodeRegistryError(error);
    return r ? describeRevert(r) : shortMessage(error);
  }
}
