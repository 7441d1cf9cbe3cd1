import type { Address, Hex } from 'viem';
import type { Executor } from '../db/Db.js';

/** The genesis block hash recorded for this chain and registry, if any. */
export async function recordedGenesis(
  db: Executor,
  chainId: number,
  registry: Address,
): Promise<Hex | undefined> {
  const row = await db
    .selectFrom('chain_facts')
    .select('genesis_hash')
    .where('chain_id', '=', chainId)
    .where('registry', '=', registry)
    .executeTakeFirst();
  return row?.genesis_hash as Hex | undefined;
}

/** Records the genesis seen first; a second writer's insert is a no-op (the first one stands). */
export async function recordGenesis(
  db: Executor,
  chainId: number,
  registry: Address,
  genesisHash: Hex,
  now = Date.now(),
): Promise<void> {
  await db
    .insertInto('chain_facts')
    .values({ chain_id: chainId, registry, genesis_hash: genesisHash.toLowerCase(), recorded_at: now })
    .onConflict((oc) => oc.columns(['chain_id', 'registry']).doNothing())
    .execute();
}
