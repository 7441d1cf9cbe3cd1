import { sql, type Kysely } from 'kysely';
import { HELD_ACCOUNT_ID } from '../../accounts/heldAccount.js';

/**
 * Patients prove their id; accounts people manage; notifications through an outbox.
 *
 * - `patients.claimed_ref`: the HMAC of the id the account claims. `patient_ref` (unique) holds it only
 *   once the id is proven (`id_proven_at`, `id_proven_via`); until then it holds `claim:<user id>`, so any
 *   number of accounts may claim one id (registration says nothing about who else did) while at most
 *   one owns it. Accounts from before this migration keep their link (`id_proven_via = 'before-proof'`).
 * - `documents.held_ref`: a document issued to an id nobody has proven belongs to the held account (a
 *   disabled, password-less row; SQLite cannot drop NOT NULL from documents.patient_id without
 *   rebuilding a table others alter too) and names the id it waits for; proof moves it to its owner.
 * - `one_time_codes`, `password_resets`: only hashes of codes and tokens.
 * - `notifications`: the outbox (claimed with a lease and a claim token, so two workers never both
 *   send one row); `notification_prefs`: a user's opt-outs.
 */
export function up0010() {
  return async (db: Kysely<unknown>): Promise<void> => {
    await db.schema.alterTable('patients').addColumn('claimed_ref', 'text').execute();
    await db.schema.alterTable('patients').addColumn('id_proven_at', 'bigint').execute();
    await db.schema.alterTable('patients').addColumn('id_proven_via', 'text').execute();
    await sql`update patients set claimed_ref = patient_ref, id_proven_at = 0, id_proven_via = 'before-proof'`.execute(
      db,
    );
    await db.schema.createIndex('patients_claimed_ref').on('patients').column('claimed_ref').execute();

    await db.schema.alterTable('documents').addColumn('held_ref', 'text').execute();
    await db.schema.createIndex('documents_held_ref').on('documents').column('held_ref').execute();
    const now = Date.now();
    await sql`insert into users (id, email, password_hash, role, name, status, created_at, updated_at)
      values (${HELD_ACCOUNT_ID}, 'held-for-patient-id@medproof.invalid', '!', 'patient',
              'Held until the patient proves their id', 'disabled', ${now}, ${now})`.execute(db);

    await db.schema
      .createTable('one_time_codes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('one_time_codes_user')
      .on('one_time_codes')
      .columns(['user_id', 'purpose'])
      .execute();

    await db.schema
      .createTable('password_resets')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text')
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('to_sealed', 'text')
      .addColumn('params_sealed', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('claim', 'text')
      .addColumn('lease_until', 'bigint')
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('notifications_due')
      .on('notifications')
      .columns(['status', 'next_attempt_at'])
      .execute();

    await db.schema
      .createTable('notification_prefs')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('notification_prefs_pk', ['user_id', 'kind'])
      .execute();
  };
}
