import { randomBytes } from 'node:crypto';
import type { Address } from 'viem';
import type { IssuerProfile } from '../../core/index.js';
import { enqueueChainOp } from '../chainOps/chainOpsQueue.js';
import type { Executor } from '../db/Db.js';
import { commitmentOf, storedIssuerProfile } from './issuerProfileFor.js';
import { passkeyProfileKey } from './passkeyProfileKey.js';

/**
 * A doctor's profile after a change of their passkeys (or, with `change`, of their name or
 * registration): a new salt, so the new term's commitment cannot be linked to the old one, stored as
 * the doctor's current profile and appended to their profile history, and a new term on chain
 * through the outbox (`renew_issuer`, in the caller's transaction). Until it is mined their leaves
 * wait (issuersBeingEnrolled), so every leaf is anchored in a term whose profile the receipt carries.
 * Nothing happens for a doctor without a profile (registry v1 data) or when nothing changed.
 */
export async function renewIssuerProfile(
  trx: Executor,
  doctorId: string,
  change: Partial<Pick<IssuerProfile, 'name' | 'registrationNumber' | 'council'>> = {},
  now = Date.now(),
): Promise<IssuerProfile | undefined> {
  const doctor = await trx
    .selectFrom('doctors')
    .select(['issuer_address', 'issuer_profile'])
    .where('user_id', '=', doctorId)
    .executeTakeFirst();
  const before = storedIssuerProfile(doctor?.issuer_profile ?? null);
  if (!doctor || !before) return undefined;
  const credentials = await trx
    .selectFrom('webauthn_credentials')
    .select(['id', 'public_key', 'algorithm'])
    .where('user_id', '=', doctorId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const passkeys = credentials
    .map((c) => passkeyProfileKey({ credentialId: c.id, publicKey: c.public_key, algorithm: c.algorithm }))
    .filter((k): k is string => k !== undefined)
    .slice(0, 16);
  const { salt: _old, ...rest } = before;
  const next: IssuerProfile = {
    ...rest,
    ...change,
    passkeys,
    salt: `0x${randomBytes(32).toString('hex')}`,
  };
  const same = (Object.keys(rest) as (keyof typeof rest)[]).every(
    (k) => JSON.stringify(rest[k]) === JSON.stringify(next[k]),
  );
  if (same) return undefined;
  const history = await trx
    .selectFrom('issuer_profiles')
    .select('id')
    .where('doctor_id', '=', doctorId)
    .limit(1)
    .execute();
  // The profile in force before any renewal was never written to the history: it covers all time before.
  if (history.length === 0)
    await trx
      .insertInto('issuer_profiles')
      .values({ doctor_id: doctorId, profile: JSON.stringify(before), created_at: 0 })
      .execute();
  await trx
    .insertInto('issuer_profiles')
    .values({ doctor_id: doctorId, profile: JSON.stringify(next), created_at: now })
    .execute();
  await trx
    .updateTable('doctors')
    .set({ issuer_profile: JSON.stringify(next) })
    .where('user_id', '=', doctorId)
    .execute();
  await enqueueChainOp(
    trx,
    { kind: 'renew_issuer', address: doctor.issuer_address as Address, profile: commitmentOf(next) },
    now,
  );
  return next;
}

/**
 * The profile of the term a document was anchored in: the doctor's latest profile written before its
 * batch was built (a renewal queued before that held the batch's leaves until it was mined), else the
 * current one (a doctor never renewed).
 */
export async function issuerProfileAt(
  db: Executor,
  doctorId: string,
  batchBuiltAt: number,
): Promise<IssuerProfile | undefined> {
  const row = await db
    .selectFrom('issuer_profiles')
    .select('profile')
    .where('doctor_id', '=', doctorId)
    .where('created_at', '<=', batchBuiltAt)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (row) return storedIssuerProfile(row.profile);
  const current = await db
    .selectFrom('doctors')
    .select('issuer_profile')
    .where('user_id', '=', doctorId)
    .executeTakeFirst();
  return storedIssuerProfile(current?.issuer_profile ?? null);
}

/** The profile for a document's receipt: as {@link issuerProfileAt}, at the time its leaf's batch was built. */
export async function issuerProfileOfLeaf(
  db: Executor,
  doctorId: string,
  leaf: string,
): Promise<IssuerProfile | undefined> {
  const batch = await db
    .selectFrom('anchor_leaves')
    .innerJoin('anchor_batches', 'anchor_batches.id', 'anchor_leaves.batch_id')
    .select('anchor_batches.created_at')
    .where('anchor_leaves.leaf', '=', leaf.toLowerCase())
    .executeTakeFirst();
  return issuerProfileAt(db, doctorId, Number(batch?.created_at ?? Date.now()));
}
