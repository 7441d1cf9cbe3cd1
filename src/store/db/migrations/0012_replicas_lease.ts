import type { Kysely } from 'kysely';

/**
 * What several `medproof start` processes on one PostgreSQL share beyond the data itself:
 * - `writer_leases`: who may run the anchoring engine and the chain-operations worker (one row per
 *   lease; `epoch` is the fencing token, bumped at every change of holder);
 * - `rate_limits`: request counters per route and client address, so a limit holds across replicas;
 * - `deployment_facts`: facts fixed when the database was created (the secrets' fingerprint).
 */
export function up0012() {
  return async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('writer_leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('epoch', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('acquired_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('rate_limits')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('hits', 'integer', (c) => c.notNull())
      .addColumn('window_start', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rate_limits_window').on('rate_limits').column('window_start').execute();
    await db.schema
      .createTable('deployment_facts')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'bigint', (c) => c.notNull())
      .execute();
  };
}
