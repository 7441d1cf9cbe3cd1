import { randomUUID } from 'node:crypto';
import { NOTIFICATION_KINDS, type NotificationKind } from '../../core/index.js';
import { sealText } from '../crypto/keyWrap.js';
import type { Executor } from '../db/Db.js';

export interface NewNotification {
  readonly kind: NotificationKind;
  /** The account it is for: its email is looked up when it is sent; its preferences decide now. */
  readonly userId?: string;
  /** `sms`: to `to`, a normalised patient id (`kind:value`); `email`: to `to`, else the user's email. */
  readonly channel: 'email' | 'sms';
  readonly to?: string;
  /** What the message needs (a code, a link's token, a document id): never medical content. */
  readonly params?: Record<string, string>;
}

/**
 * Puts a message in the outbox inside the caller's transaction, so it is sent exactly when the change
 * it tells of commits. Optional kinds the user turned off are skipped here. Address and parameters are
 * sealed with the master key (a code or reset token must not sit readable in the database).
 */
export async function enqueueNotification(
  trx: Executor,
  masterKey: Uint8Array,
  n: NewNotification,
  now = Date.now(),
): Promise<boolean> {
  if (NOTIFICATION_KINDS[n.kind].optional && n.userId !== undefined) {
    const pref = await trx
      .selectFrom('notification_prefs')
      .select('enabled')
      .where('user_id', '=', n.userId)
      .where('kind', '=', n.kind)
      .executeTakeFirst();
    if (pref && Number(pref.enabled) === 0) return false;
  }
  const kind: { readonly quietMinutes?: number; readonly optional: boolean } = NOTIFICATION_KINDS[n.kind];
  if (kind.quietMinutes !== undefined && n.userId !== undefined) {
    const recent = await trx
      .selectFrom('notifications')
      .select('id')
      .where('user_id', '=', n.userId)
      .where('kind', '=', n.kind)
      .where('created_at', '>', now - kind.quietMinutes * 60_000)
      .limit(1)
      .executeTakeFirst();
    if (recent) return false;
  }
  const id = randomUUID();
  await trx
    .insertInto('notifications')
    .values({
      id,
      user_id: n.userId ?? null,
      channel: n.channel,
      kind: n.kind,
      to_sealed: n.to === undefined ? null : sealText(masterKey, n.to, `notification-to:${id}`),
      params_sealed: sealText(masterKey, JSON.stringify(n.params ?? {}), `notification:${id}`),
      status: 'pending',
      claim: null,
      lease_until: null,
      attempts: 0,
      next_attempt_at: now,
      last_error: null,
      created_at: now,
      sent_at: null,
    })
    .execute();
  return true;
}
