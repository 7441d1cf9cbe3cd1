import type { Kysely } from 'kysely';

/**
 * Finality: confirmed batches are re-checked against the chain until they are final (`checked_at`
 * orders the re-checks, `final_at` records the end of them), and the genesis block hash seen at the
 * first start is kept so a reset chain with the same id is recognised.
 */
export function up0005() {
  return async (db: Kysely<unknown>): Promise<void> => {
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    await db.schema.alterTable('anchor_batches').addColumn('checked_at', 'bigint').execute();
    await db.schema.alterTable('anchor_batches').addColumn('final_at', 'bigint').execute();
    await db.schema
      .createTable('chain_facts')
      .addColumn('chain_id', 'bigint', (c) => c.notNull())
      .addColumn('registry', 'text', (c) => c.notNull())
      .addColumn('genesis_hash', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('chain_facts_pk', ['chain_id', 'registry'])
      .execute();
  };
}
