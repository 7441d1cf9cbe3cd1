import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db/Db.js';
import { enqueueNotification } from '../../src/store/notifications/enqueueNotification.js';
import { NotificationOutbox } from '../../src/store/notifications/NotificationOutbox.js';
import { DB_KINDS, testDatabase } from '../helpers/databases.js';

/**
 * The outbox's guarded claims on a real database: two workers draining one outbox at once never both
 * win a message, a worker that died mid-send (its lease ran out) gives the message up to another, and
 * the dead worker's late "sent" cannot overwrite the new owner's state.
 */
describe.each(DB_KINDS)('the notification outbox on %s', (kind) => {
  let db: Db;
  let database: Awaited<ReturnType<typeof testDatabase>> | undefined;
  const key = randomBytes(32);

  beforeAll(async () => {
    database = await testDatabase(kind);
    db = database.db;
  });
  afterAll(async () => database?.cleanup());

  it('two workers draining at once claim each message exactly once', async () => {
    for (let i = 0; i < 40; i++)
      await db.kysely.transaction().execute((trx) =>
        enqueueNotification(trx, key, {
          kind: 'patient-id.code',
          channel: 'sms',
          to: 'mobile:+919000000000',
          params: { code: String(i).padStart(6, '0') },
        }),
      );
    const a = new NotificationOutbox(db, key);
    const b = new NotificationOutbox(db, key);
    const claimed: string[] = [];
    const drain = async (o: NotificationOutbox) => {
      for (;;) {
        const n = await o.claimNext();
        if (!n) return;
        claimed.push(n.params.code!);
        await o.markSent(n);
      }
    };
    await Promise.all([drain(a), drain(b), drain(a), drain(b)]);
    expect(claimed).toHaveLength(40);
    expect(new Set(claimed).size).toBe(40);
    expect(await a.pendingCount()).toBe(0);
    // Sent rows keep no address or parameters.
    const left = await db.kysely.selectFrom('notifications').select(['to_sealed', 'params_sealed']).execute();
    expect(left.every((r) => r.to_sealed === null && r.params_sealed === null)).toBe(true);
  });

  it('takes over a message whose worker died mid-send; the dead worker cannot mark it', async () => {
    await db.kysely.transaction().execute((trx) =>
      enqueueNotification(trx, key, {
        kind: 'password.reset',
        channel: 'email',
        to: 'a@mail.test',
        params: { token: 't' },
      }),
    );
    const dead = new NotificationOutbox(db, key, 1000);
    const alive = new NotificationOutbox(db, key, 1000);
    const now = Date.now();
    const first = await dead.claimNext(now);
    expect(first?.to).toBe('a@mail.test');
    // Within the lease nobody else gets it; after it, another worker does.
    expect(await alive.claimNext(now + 500)).toBeUndefined();
    const second = await alive.claimNext(now + 1001);
    expect(second?.id).toBe(first!.id);
    expect(second!.attempts).toBe(2);
    await dead.markFailed(first!, 'late failure', now + 60_000); // ignored: not the claim holder
    await alive.markSent(second!);
    const row = await db.kysely
      .selectFrom('notifications')
      .select(['status', 'last_error'])
      .where('id', '=', first!.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'sent', last_error: null });
  });
});
