import type { Kysely } from 'kysely';

/**
 * When a session last confirmed who holds it (the password, or a second factor): managing second
 * factors asks for a confirmation a few minutes old at most (step-up). A session opened by signing in
 * starts confirmed; the ones that exist already have no confirmation yet (null), so they are asked.
 */
export function up0014() {
  return async (db: Kysely<unknown>): Promise<void> => {
    await db.schema.alterTable('sessions').addColumn('confirmed_at', 'bigint').execute();
  };
}
