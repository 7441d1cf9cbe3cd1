import { OPTIONAL_NOTIFICATION_KINDS, type NotificationKind } from '../../core/index.js';
import type { Actor } from '../audit/Actor.js';
import { appendAudit } from '../audit/appendAudit.js';
import type { Db } from '../db/Db.js';

export type NotificationPrefsMap = Partial<Record<NotificationKind, boolean>>;

/** A user's choices of the optional notifications (every kind is on until turned off). */
export class NotificationPrefs {
  constructor(private readonly db: Db) {}

  async get(userId: string): Promise<NotificationPrefsMap> {
    const rows = await this.db.kysely
      .selectFrom('notification_prefs')
      .select(['kind', 'enabled'])
      .where('user_id', '=', userId)
      .execute();
    const off = new Set(rows.filter((r) => Number(r.enabled) === 0).map((r) => r.kind));
    return Object.fromEntries(OPTIONAL_NOTIFICATION_KINDS.map((k) => [k, !off.has(k)]));
  }

  /** Sets the kinds given (unknown or mandatory kinds are ignored), audited. */
  async set(actor: Actor & { id: string }, prefs: NotificationPrefsMap): Promise<NotificationPrefsMap> {
    const changes = OPTIONAL_NOTIFICATION_KINDS.filter((k) => typeof prefs[k] === 'boolean');
    await this.db.kysely.transaction().execute(async (trx) => {
      for (const kind of changes) {
        const enabled = prefs[kind] ? 1 : 0;
        await trx
          .insertInto('notification_prefs')
          .values({ user_id: actor.id, kind, enabled })
          .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet({ enabled }))
          .execute();
      }
      await appendAudit(trx, {
        actorId: actor.id,
        actorRole: actor.role,
        action: 'notify.preferences-changed',
        outcome: 'success',
        ip: actor.ip,
        details: Object.fromEntries(changes.map((k) => [k, prefs[k]])),
      });
    });
    return this.get(actor.id);
  }
}
