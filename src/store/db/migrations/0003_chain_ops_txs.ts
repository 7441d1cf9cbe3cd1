import type { Kysely } from 'kysely';
import type { Dialect } from '../Db.js';

/**
 * The chain-operations worker stores each signed transaction before broadcasting it (as the anchoring
 * engine does in anchor_txs): after a crash the same bytes are re-broadcast, never signed again at
 * another nonce while the first might still land. `tx_hash` (0002) now names the signed transaction
 * from the moment it is stored; status gains 'sent'.
 */
export function up0003(_dialect: Dialect) {
  return async (db: Kysely<unknown>): Promise<void> => {
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    await db.schema.alterTable('chain_ops').addColumn('raw_tx', 'text').execute();
    await db.schema.alterTable('chain_ops').addColumn('nonce', 'bigint').execute();
    await db.schema.alterTable('chain_ops').addColumn('sent_at', 'bigint').execute();
  };
}
