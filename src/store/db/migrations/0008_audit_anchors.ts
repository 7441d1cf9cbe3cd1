import type { Kysely } from 'kysely';

/**
 * Audit heads committed on chain: one row per head put into the anchor queue, with the leaf's fields
 * (JSON) so `audit verify` can rebuild the leaf and follow its batch to the root on chain.
 */
export function up0008() {
  return async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('audit_anchors')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('leaf', 'text', (c) => c.notNull().unique())
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  };
}
