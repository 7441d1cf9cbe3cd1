import type { Hex } from 'viem';
import { isNonceConsumed } from '../../chain/index.js';
import type { ChainOpContext } from './ChainOpContext.js';

/** Sends a stored raw transaction; "already known" and "nonce too low" are answers, not failures. */
export async function broadcastOp(ctx: ChainOpContext, opId: number, raw: Hex): Promise<void> {
  ctx.lastBroadcast.set(opId, Date.now());
  try {
    await ctx.conn.client.sendRawTransaction({ serializedTransaction: raw });
  } catch (error) {
    if (isNonceConsumed(error)) return; // the next advanceSentOp finds out what happened
    throw error;
  }
}
