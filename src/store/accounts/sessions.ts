import { createHash, randomBytes } from 'node:crypto';
import type { Executor } from '../db/Db.js';
import type { Role, SessionStage } from '../db/schema.js';

export interface SessionUser {
  readonly id: string;
  readonly role: Role;
  readonly name: string;
  readonly email: string;
}

export interface LoadedSession {
  readonly idHash: string;
  readonly csrfToken: string;
  readonly user: SessionUser;
  /** Only `full` reaches the API beyond sign-in; see authPlugin. */
  readonly stage: SessionStage;
  /** When the session last confirmed the password or a second factor; null: never. */
  readonly confirmedAt: number | null;
}

/** A session waiting for its second factor (or its first enrollment) lives this long at most. */
export const PENDING_SESSION_MS = 10 * 60_000;

/**
 * Managing second factors needs a confirmation (sign-in or step-up) this recent: a session left open
 * on a shared computer cannot swap the account's passkeys for the next person at the keyboard.
 */
export const STEP_UP_MS = 5 * 60_000;

/** Whether a session's last confirmation is recent enough for a step-up route. */
export const confirmedRecently = (s: Pick<LoadedSession, 'confirmedAt'>, now = Date.now()): boolean =>
  s.confirmedAt !== null && now - s.confirmedAt < STEP_UP_MS;

export interface SessionPolicy {
  /** Sign out after this long without a request. */
  readonly idleMs: number;
  /** Sign out this long after sign-in, whatever the activity. */
  readonly absoluteMs: number;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A new session (new id at every sign-in): only its hash is stored. */
export async function createSession(
  db: Executor,
  userId: string,
  ip: string | null,
  policy: SessionPolicy,
  stage: SessionStage = 'full',
  now = Date.now(),
) {
  const id = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  await db
    .insertInto('sessions')
    .values({
      id_hash: sha256(id),
      user_id: userId,
      csrf_token: csrfToken,
      created_at: now,
      last_seen_at: now,
      expires_at:
        now + (stage === 'full' ? policy.absoluteMs : Math.min(policy.absoluteMs, PENDING_SESSION_MS)),
      ip,
      stage,
      // Every session is opened by a credential just checked (password, passkey, or both).
      confirmed_at: now,
    })
    .execute();
  return { id, csrfToken };
}

/**
 * The session behind a cookie, checked on every request against its idle and absolute limits and the
 * account's status: disabling an account or signing out ends it at the next request.
 */
export async function loadSession(
  db: Executor,
  id: string,
  policy: SessionPolicy,
  now = Date.now(),
): Promise<LoadedSession | undefined> {
  if (id.length < 20 || id.length > 100) return undefined;
  const idHash = sha256(id);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id_hash',
      'sessions.csrf_token',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'sessions.stage',
      'sessions.confirmed_at',
      'users.id',
      'users.role',
      'users.name',
      'users.email',
      'users.status',
    ])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.status !== 'active' || row.expires_at <= now || row.last_seen_at + policy.idleMs <= now) {
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return undefined;
  }
  // One write a minute at most: enough for a 15-minute idle limit, without a write per request.
  if (now - row.last_seen_at > 60_000)
    await db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
  return {
    idHash,
    csrfToken: row.csrf_token,
    user: { id: row.id, role: row.role, name: row.name, email: row.email },
    stage: row.stage,
    confirmedAt: row.confirmed_at === null ? null : Number(row.confirmed_at),
  };
}

/** Records that the session just confirmed the password or a second factor (step-up). */
export async function markConfirmed(db: Executor, idHash: string, now = Date.now()): Promise<void> {
  await db.updateTable('sessions').set({ confirmed_at: now }).where('id_hash', '=', idHash).execute();
}

export async function destroySession(db: Executor, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function destroyUserSessions(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}
