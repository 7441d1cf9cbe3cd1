import { sql, type Kysely } from 'kysely';

/**
 * What each doctor has issued, kept beside the doctor instead of counted at every upload: the quota
 * check summed every document the doctor ever issued (`count(*)`, `sum(size)` over `documents`) in
 * each issuing transaction, so an upload got slower with the doctor's history (the cost-growth bench:
 * issuing p50 grew with the documents in the database). Now one row, bumped by the same guarded
 * update that checks the quota. Backfilled from the documents already there.
 */
export function up0017() {
  return async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .alterTable('doctors')
      .addColumn('issued_documents', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('doctors')
      .addColumn('issued_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`
      UPDATE doctors SET
        issued_documents = (SELECT count(*) FROM documents d WHERE d.issuer_id = doctors.user_id),
        issued_bytes = (SELECT coalesce(sum(d.size), 0) FROM documents d WHERE d.issuer_id = doctors.user_id)
    `.execute(db);
  };
}
