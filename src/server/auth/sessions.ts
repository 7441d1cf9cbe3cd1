import { createHash, randomBytes } from 'node:crypto';
import type { Executor } from '../../store/db/Db.js';
import type { Role } from '../../store/db/schema.js';

/** `__Host-`: Secure, Path=/, no Domain: the cookie cannot be set or read by another (sub)domain. */
export const SESSION_COOKIE = '__Host-medproof';

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
}

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
      expires_at: now + policy.absoluteMs,
      ip,
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
  };
}

export async function destroySession(db: Executor, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function destroyUserSessions(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}
