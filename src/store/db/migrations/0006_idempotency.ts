import type { Kysely } from 'kysely';

/**
 * Idempotency keys of uploads (the IETF Idempotency-Key header), one row per doctor and key: reserved
 * before the upload is read (`in_flight`, owned by its `claim`), completed with the request's
 * fingerprint and the 201 in the transaction that issues the document (`done`), deleted if that
 * attempt fails. Rows past `expires_at` are deleted lazily.
 */
export function up0006() {
  return async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('idempotency_keys')
      .addColumn('doctor_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('claim', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text')
      .addColumn('document_id', 'text')
      .addColumn('response_status', 'integer')
      .addColumn('response_body', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['doctor_id', 'key'])
      .execute();
    await db.schema
      .createIndex('idempotency_keys_expiry')
      .on('idempotency_keys')
      .column('expires_at')
      .execute();
  };
}
