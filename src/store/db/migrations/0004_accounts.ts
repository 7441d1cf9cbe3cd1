import type { Kysely } from 'kysely';

/**
 * Sign-in throttling as one row per key (account, account+address, password change), updated under a
 * row lock: an attempt is reserved before the slow password check, so concurrent guesses cannot all
 * pass the count. Replaces the append-only failure list, which was read before the check.
 */
export function up0004() {
  return async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('login_throttle')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('window_start', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_allowed_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.dropTable('login_failures').execute();
  };
}
