import type { Kysely } from 'kysely';

/**
 * Verification stamps: per stamped document, the public lookup id its QR code carries, the key of
 * its verification page's envelope (derived from the stamp's secret, sealed by the master key: the
 * secret itself is kept nowhere) and the public summary that page shows (sealed too: it names the
 * patient by initials and masked id). A table of its own, so documents keep their shape.
 */
export function up0011() {
  return async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('document_stamps')
      .addColumn('document_id', 'text', (c) => c.primaryKey().references('documents.id'))
      .addColumn('stamp_id', 'text', (c) => c.notNull().unique())
      .addColumn('key_sealed', 'text', (c) => c.notNull())
      .addColumn('summary_sealed', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  };
}
