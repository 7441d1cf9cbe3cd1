import { createHmac } from 'node:crypto';
import { MedproofError } from '../../core/index.js';
import type { Executor } from '../db/Db.js';

const FACT = 'secrets_fingerprint';
/** Fixed labels: the fingerprint tells whether two sets are the same, and nothing about either key. */
const LABEL = 'medproof secrets fingerprint v1';

/** HMAC of a fixed label under each secret: the same set gives the same fingerprint everywhere. */
export function secretsFingerprint(s: { patientRefSecret: Uint8Array; masterKey: Uint8Array }): string {
  const of = (key: Uint8Array, part: string) =>
    createHmac('sha256', key).update(`${LABEL}/${part}`).digest('hex');
  return `patientRef:${of(s.patientRefSecret, 'patientRef')} masterKey:${of(s.masterKey, 'masterKey')}`;
}

/**
 * Records the fingerprint of the secrets the database is first used with, and refuses (SECRETS_MISMATCH,
 * naming which secret differs) a process whose secrets differ: with another patientRef secret it would
 * not find the patients others registered, with another master key it could not open stored files.
 */
export async function checkSecretsFingerprint(
  db: Executor,
  secrets: { patientRefSecret: Uint8Array; masterKey: Uint8Array },
  now = Date.now(),
): Promise<'recorded' | 'matched'> {
  const mine = secretsFingerprint(secrets);
  // Two replicas starting at once: the first insert stands, the other compares against it.
  const inserted = await db
    .insertInto('deployment_facts')
    .values({ name: FACT, value: mine, recorded_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  if ((inserted.numInsertedOrUpdatedRows ?? 0n) > 0n) return 'recorded';
  if (!(await compareSecretsFingerprint(db, secrets))) throw new Error('secrets fingerprint vanished');
  return 'matched';
}

/**
 * Compares without recording: true if the database's fingerprint is this set's, false if it has none
 * yet; SECRETS_MISMATCH if it differs. For a process about to refuse for another reason, that must
 * not leave its secrets recorded as the database's.
 */
export async function compareSecretsFingerprint(
  db: Executor,
  secrets: { patientRefSecret: Uint8Array; masterKey: Uint8Array },
): Promise<boolean> {
  const mine = secretsFingerprint(secrets);
  const row = await db
    .selectFrom('deployment_facts')
    .select('value')
    .where('name', '=', FACT)
    .executeTakeFirst();
  if (row === undefined) return false;
  if (row.value === mine) return true;
  const [refStored, keyStored] = row.value.split(' ');
  const [refMine, keyMine] = mine.split(' ');
  const which = [
    ...(refStored !== refMine ? ['the patientRef secret'] : []),
    ...(keyStored !== keyMine ? ['the master key'] : []),
  ].join(' and ');
  throw new MedproofError(
    'SECRETS_MISMATCH',
    `${which} of this process differ from those the database was created with: give every replica the same secrets (MEDPROOF_SECRETS_FILE, or MEDPROOF_PATIENT_REF_SECRET and MEDPROOF_MASTER_KEY)`,
  );
}
