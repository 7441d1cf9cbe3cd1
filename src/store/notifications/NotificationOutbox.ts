import { randomUUID } from 'node:crypto';
import type { NotificationKind } from '../../core/index.js';
import { unsealText } from '../crypto/keyWrap.js';
import type { Db } from '../db/Db.js';

/** A claimed message, unsealed, with its address resolved: what the worker hands to a transport. */
export interface ClaimedNotification {
  readonly id: string;
  readonly claim: string;
  readonly kind: NotificationKind;
  readonly channel: 'email' | 'sms';
  /** An email address or a normalised patient id; undefined when the account has gone. */
  readonly to: string | undefined;
  readonly params: Record<string, string>;
  readonly attempts: number;
}

/**
 * The worker's side of the outbox. A row is claimed by one guarded update (pending and due, or
 * `sending` whose lease ran out: its worker died) that sets a fresh claim token; only that token's
 * holder may mark it sent or failed. So two workers (two portal processes on one database) never both
 * send one message, and a message whose sending crashed is taken up again after the lease.
 */
export class NotificationOutbox {
  constructor(
    private readonly db: Db,
    private readonly masterKey: Uint8Array,
    private readonly leaseMs = 60_000,
  ) {}

  async claimNext(now = Date.now()): Promise<ClaimedNotification | undefined> {
    const db = this.db.kysely;
    for (let tries = 0; tries < 5; tries++) {
      const candidate = await db
        .selectFrom('notifications')
        .select('id')
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
            eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', now)]),
          ]),
        )
        .orderBy('next_attempt_at')
        .limit(1)
        .executeTakeFirst();
      if (!candidate) return undefined;
      const claim = randomUUID();
      const row = await db
        .updateTable('notifications')
        .set((eb) => ({
          status: 'sending',
          claim,
          lease_until: now + this.leaseMs,
          attempts: eb('attempts', '+', 1),
        }))
        .where('id', '=', candidate.id)
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
            eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', now)]),
          ]),
        )
        .returningAll()
        .executeTakeFirst();
      if (!row) continue; // another worker won it: look again
      let to = row.to_sealed
        ? unsealText(this.masterKey, row.to_sealed, `notification-to:${row.id}`)
        : undefined;
      if (to === undefined && row.user_id) {
        const user = await db
          .selectFrom('users')
          .select(['email', 'status'])
          .where('id', '=', row.user_id)
          .executeTakeFirst();
        to = user?.status === 'active' ? user.email : undefined;
      }
      return {
        id: row.id,
        claim,
        kind: row.kind as NotificationKind,
        channel: row.channel,
        to,
        params: row.params_sealed
          ? (JSON.parse(unsealText(this.masterKey, row.params_sealed, `notification:${row.id}`)) as Record<
              string,
              string
            >)
          : {},
        attempts: row.attempts,
      };
    }
    return undefined;
  }

  /** Sent (or nothing to send to): the address and parameters are wiped, the row stays as a record. */
  async markSent(n: ClaimedNotification, now = Date.now()): Promise<void> {
    await this.db.kysely
      .updateTable('notifications')
      .set({
        status: 'sent',
        sent_at: now,
        to_sealed: null,
        params_sealed: null,
        lease_until: null,
        last_error: null,
      })
      .where('id', '=', n.id)
      .where('claim', '=', n.claim)
      .where('status', '=', 'sending')
      .execute();
  }

  /** A failed attempt: back to pending, due again at `retryAt`. */
  async markFailed(n: ClaimedNotification, error: string, retryAt: number): Promise<void> {
    await this.db.kysely
      .updateTable('notifications')
      .set({
        status: 'pending',
        lease_until: null,
        next_attempt_at: retryAt,
        last_error: error.slice(0, 500),
      })
      .where('id', '=', n.id)
      .where('claim', '=', n.claim)
      .where('status', '=', 'sending')
      .execute();
  }

  /** Messages not sent yet, for status pages and tests. */
  async pendingCount(): Promise<number> {
    const r = await this.db.kysely
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '!=', 'sent')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
