import type { Kysely } from 'kysely';

/**
 * Second factors for doctors and admins: WebAuthn credentials (passkeys, with their COSE public key,
 * kept for the doctor's issuer profile), a TOTP secret (sealed by the master key), recovery codes
 * (only their hashes), single-use WebAuthn challenges, and the session's stage: a doctor's or admin's
 * session is `second-factor` (or `enroll`, before any factor exists) until the second factor passes.
 * Sessions that exist already keep working (`full`): they were opened before second factors existed.
 * Named with a distinctive number; renumbered at merge.
 */
export function up0009() {
  return async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .alterTable('sessions')
      .addColumn('stage', 'text', (c) => c.notNull().defaultTo('full'))
      .execute();

    await db.schema
      .createTable('webauthn_credentials')
      // The credential id (base64url), as the authenticator reports it: globally unique.
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      // COSE_Key (base64url): what the verifier, and later the issuer profile, needs of the passkey.
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('algorithm', 'integer', (c) => c.notNull())
      .addColumn('counter', 'bigint', (c) => c.notNull())
      .addColumn('transports', 'text', (c) => c.notNull())
      .addColumn('aaguid', 'text', (c) => c.notNull())
      .addColumn('device_type', 'text', (c) => c.notNull())
      .addColumn('backed_up', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('webauthn_credentials_user')
      .on('webauthn_credentials')
      .column('user_id')
      .execute();

    await db.schema
      .createTable('totp_secrets')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
      .addColumn('secret_sealed', 'text', (c) => c.notNull())
      // Null until a first code proves the authenticator app holds the secret.
      .addColumn('confirmed_at', 'bigint')
      // The last 30-second step a code was accepted for: a code is good once (RFC 6238 §5.2).
      .addColumn('last_step', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('recovery_codes')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addPrimaryKeyConstraint('recovery_codes_pk', ['user_id', 'code_hash'])
      .execute();

    await db.schema
      .createTable('webauthn_challenges')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('challenge', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('webauthn_challenges_expiry')
      .on('webauthn_challenges')
      .column('expires_at')
      .execute();
  };
}
