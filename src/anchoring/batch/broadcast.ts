import type { Hex } from 'viem';
import { isNonceConsumed } from '../../chain/index.js';
import type { BatchContext } from './BatchContext.js';

/** Sends a stored raw transaction; "already known" and "nonce too low" are answers, not failures. */
export async function broadcast(ctx: BatchContext, batchId: number, raw: Hex): Promise<void> {
  ctx.lastBroadcast.set(batchId, Date.now());
  try {
    await ctx.conn.client.sendRawTransaction({ serializedTransaction: raw });
  } catch (error) {
    if (isNonceConsumed(error)) return; // the next advanceSent finds out what happened
    throw error;
  }
}
