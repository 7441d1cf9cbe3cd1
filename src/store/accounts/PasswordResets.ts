import { createHash, randomBytes } from 'node:crypto';
import { MedproofError, checkPasswordPolicy } from '../../core/index.js';
import { appendAudit } from '../audit/appendAudit.js';
import type { Db } from '../db/Db.js';
import { enqueueNotification } from '../notifications/enqueueNotification.js';
import { normaliseEmail } from './AccountRepository.js';
import { reserveAttempt } from './loginThrottle.js';
import { hashPassword } from './passwordHash.js';
import { destroyUserSessions } from './sessions.js';

/** A reset link works once, for 30 minutes (OWASP's forgot-password guidance: short-lived, single use). */
const RESET_TTL_MS = 30 * 60_000;
/** Links per account: 3 an hour, so the form cannot be used to flood someone's mailbox. */
const SEND_RULE = { max: 3, windowMs: 60 * 60_000 } as const;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Password reset by an emailed one-time link. Asking answers the same whether or not the email has an
 * account (the caller always says "if it exists, a link is on its way"); only an active account gets
 * a link, through the outbox. Using the link sets the password, ends every session and is audited.
 */
export class PasswordResets {
  constructor(
    private readonly db: Db,
    private readonly masterKey: Uint8Array,
  ) {}

  async request(emailInput: string, ip: string): Promise<void> {
    const email = normaliseEmail(emailInput);
    await this.db.kysely.transaction().execute(async (trx) => {
      const user = await trx
        .selectFrom('users')
        .select(['id', 'role', 'status'])
        .where('email', '=', email)
        .executeTakeFirst();
      if (!user || user.status !== 'active') return;
      const r = await reserveAttempt(trx, this.db.dialect, [{ key: `reset:${user.id}`, ...SEND_RULE }]);
      if (!r.allowed) return; // silently: the answer must not differ
      const token = randomBytes(32).toString('base64url');
      const now = Date.now();
      await trx
        .insertInto('password_resets')
        .values({
          token_hash: sha256(token),
          user_id: user.id,
          expires_at: now + RESET_TTL_MS,
          used_at: null,
          created_at: now,
        })
        .execute();
      await enqueueNotification(trx, this.masterKey, {
        kind: 'password.reset',
        userId: user.id,
        channel: 'email',
        params: { token },
      });
      await appendAudit(trx, {
        actorId: user.id,
        actorRole: 'anonymous',
        action: 'auth.password-reset-requested',
        outcome: 'success',
        ip,
      });
    });
  }

  /** Uses a link: consumed by one guarded update (twice is RESET_LINK_INVALID), then the new password. */
  async complete(token: string, newPassword: string, ip: string): Promise<void> {
    const now = Date.now();
    const row = await this.db.kysely
      .selectFrom('password_resets')
      .innerJoin('users', 'users.id', 'password_resets.user_id')
      .select(['password_resets.user_id', 'users.email', 'users.role', 'users.status'])
      .where('password_resets.token_hash', '=', sha256(token))
      .where('password_resets.used_at', 'is', null)
      .where('password_resets.expires_at', '>', now)
      .executeTakeFirst();
    if (!row || row.status !== 'active')
      throw new MedproofError(
        'RESET_LINK_INVALID',
        'this reset link is wrong, used or expired: ask for a new one',
      );
    checkPasswordPolicy(newPassword, row.email, 'newPassword');
    const hash = await hashPassword(newPassword);
    await this.db.kysely.transaction().execute(async (trx) => {
      const used = await trx
        .updateTable('password_resets')
        .set({ used_at: now })
        .where('token_hash', '=', sha256(token))
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1)
        throw new MedproofError(
          'RESET_LINK_INVALID',
          'this reset link is wrong, used or expired: ask for a new one',
        );
      // Every other link of the account dies with this one.
      await trx
        .updateTable('password_resets')
        .set({ used_at: now })
        .where('user_id', '=', row.user_id)
        .where('used_at', 'is', null)
        .execute();
      await trx
        .updateTable('users')
        .set({ password_hash: hash, updated_at: now })
        .where('id', '=', row.user_id)
        .execute();
      await destroyUserSessions(trx, row.user_id);
      await appendAudit(trx, {
        actorId: row.user_id,
        actorRole: row.role,
        action: 'auth.password-reset',
        outcome: 'success',
        ip,
      });
    });
  }
}
