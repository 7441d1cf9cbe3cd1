import type { Hex } from 'viem';
import { checkRegistryCode, isUnreachable } from '../chain/index.js';
import { MedproofError } from '../core/index.js';
import { recordGenesis, recordedGenesis } from '../store/index.js';
import type { BatchContext } from './batch/BatchContext.js';

/**
 * The chain is the one we anchored into: same chain id, same genesis block (recorded at the first
 * start), our registry's code at its address. Checked at start, after every reconnection and on any
 * surprise: a dev node reset, or a different node behind the same URL, keeps its chain id but not its
 * genesis or its contracts. Throws CHAIN_MISMATCH, or the RPC error when the chain cannot be read.
 */
export async function checkChainFacts(ctx: BatchContext): Promise<void> {
  const { conn, registry, db } = ctx;
  const chainId = await conn.client.getChainId();
  if (chainId !== conn.chainId)
    throw new MedproofError(
      'CHAIN_MISMATCH',
      `the node at ${conn.rpcUrl} now serves chain ${chainId}, not ${conn.chainId}`,
    );
  const genesis = await genesisHash(ctx);
  if (genesis !== undefined) {
    const recorded = await recordedGenesis(db.kysely, conn.chainId, registry);
    if (recorded === undefined) await recordGenesis(db.kysely, conn.chainId, registry, genesis);
    else if (recorded.toLowerCase() !== genesis.toLowerCase())
      throw new MedproofError(
        'CHAIN_MISMATCH',
        `chain ${conn.chainId} at ${conn.rpcUrl} has another genesis block (${genesis}, recorded ${recorded}): it was reset or is another chain`,
      );
  }
  await checkRegistryCode(conn, registry);
}

/** Block 0's hash; undefined where the node does not serve it (some pruned nodes): the code check still runs. */
async function genesisHash(ctx: BatchContext): Promise<Hex | undefined> {
  try {
    return (await ctx.conn.client.getBlock({ blockNumber: 0n })).hash ?? undefined;
  } catch (error) {
    if (isUnreachable(error)) throw error;
    ctx.log.warn({ err: error }, 'the node does not serve the genesis block; only its code is checked');
    return undefined;
  }
}
