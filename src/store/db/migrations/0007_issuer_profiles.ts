import type { Kysely } from 'kysely';

/**
 * Each doctor's public issuer profile (registry v2): the JSON whose salted hash their term on chain
 * holds, salt included, so every receipt can carry it and a verifier can recompute the commitment.
 * Null for doctors created before (a v1 data folder has no terms).
 */
export function up0007() {
  return async (db: Kysely<unknown>): Promise<void> => {
    await db.schema.alterTable('doctors').addColumn('issuer_profile', 'text').execute();
  };
}
