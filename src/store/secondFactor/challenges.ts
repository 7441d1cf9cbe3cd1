import { createHash, randomBytes } from 'node:crypto';
import type { Executor } from '../db/Db.js';
import type { ChallengePurpose } from '../db/schema.js';

/** A ceremony must finish within this time (WebAuthn's own timeout is one minute; a little slack). */
export const CHALLENGE_TTL_MS = 5 * 60_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Stores a WebAuthn challenge for one purpose (and user, when one is signing in or enrolling); the
 * client gets only an opaque id. Expired rows of anyone are swept here, so the table stays small.
 */
export async function issueChallenge(
  db: Executor,
  challenge: string,
  purpose: ChallengePurpose,
  userId: string | null,
  now = Date.now(),
): Promise<string> {
  const id = randomBytes(24).toString('base64url');
  await db.deleteFrom('webauthn_challenges').where('expires_at', '<=', now).execute();
  await db
    .insertInto('webauthn_challenges')
    .values({
      id_hash: sha256(id),
      challenge,
      purpose,
      user_id: userId,
      expires_at: now + CHALLENGE_TTL_MS,
    })
    .execute();
  return id;
}

/**
 * Takes a challenge out, once: the delete is the guard, so two answers to one challenge cannot both
 * be checked against it. Undefined when unknown, used, expired, or issued for another purpose or user.
 */
export async function consumeChallenge(
  db: Executor,
  id: string,
  purpose: ChallengePurpose,
  userId: string | null,
  now = Date.now(),
): Promise<string | undefined> {
  const row = await db
    .deleteFrom('webauthn_challenges')
    .where('id_hash', '=', sha256(id))
    .returning(['challenge', 'purpose', 'user_id', 'expires_at'])
    .executeTakeFirst();
  if (!row || row.purpose !== purpose || row.user_id !== userId || row.expires_at <= now) return undefined;
  return row.challenge;
}
