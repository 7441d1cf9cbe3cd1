import { sql } from 'kysely';
import type { Executor } from '../db/Db.js';
import type { BatchStatus } from '../db/schema.js';

export interface AnchoringGauges {
  /** Leaves waiting for a batch (`queued`) and in a batch not yet anchored (`batched`). */
  readonly leaves: { readonly queued: number; readonly batched: number };
  /** When the oldest leaf not yet anchored (queued or batched) was queued, ms; null: none waits. */
  readonly oldestPendingAt: number | null;
  readonly batches: Readonly<Partial<Record<BatchStatus, number>>>;
  /** The newest confirmed batch: when its oldest leaf was queued and when it was confirmed, ms. */
  readonly lastAnchor: { readonly queuedAt: number; readonly confirmedAt: number } | null;
}

/**
 * What /metrics reports about the anchoring queue, read on every scrape by any replica. Each query
 * touches only what is pending (the `status, queued_at` index) or the newest batch, never the
 * anchored history: a scrape costs the same with 10k documents as with 1M. (queueStats counts every
 * leaf by status, fine for the admin page, not for a scraper every 15 s.)
 */
export async function anchoringGauges(db: Executor): Promise<AnchoringGauges> {
  const countOf = async (status: 'queued' | 'batched') =>
    Number(
      (
        await db
          .selectFrom('anchor_leaves')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', status)
          .executeTakeFirst()
      )?.n ?? 0,
    );
  const oldestOf = async (status: 'queued' | 'batched') => {
    const r = await db
      .selectFrom('anchor_leaves')
      .select((eb) => eb.fn.min('queued_at').as('t'))
      .where('status', '=', status)
      .executeTakeFirst();
    return r?.t === null || r?.t === undefined ? null : Number(r.t);
  };
  const [queued, batched, oldestQueued, oldestBatched] = await Promise.all([
    countOf('queued'),
    countOf('batched'),
    oldestOf('queued'),
    oldestOf('batched'),
  ]);
  const byStatus = await db
    .selectFrom('anchor_batches')
    .select(['status'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .groupBy('status')
    .execute();
  // Batches are confirmed in id order (one transaction in flight at a time): the newest confirmed is
  // found walking the primary key backwards, without an index on confirmed_at.
  const last = await db
    .selectFrom('anchor_batches')
    .select(['id', 'confirmed_at'])
    .where('confirmed_at', 'is not', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  let lastAnchor: AnchoringGauges['lastAnchor'] = null;
  if (last?.confirmed_at != null) {
    const first = await db
      .selectFrom('anchor_leaves')
      .select(sql<number | null>`min(queued_at)`.as('t'))
      .where('batch_id', '=', last.id)
      .executeTakeFirst();
    if (first?.t != null) lastAnchor = { queuedAt: Number(first.t), confirmedAt: Number(last.confirmed_at) };
  }
  const pending = [oldestQueued, oldestBatched].filter((t): t is number => t !== null);
  return {
    leaves: { queued, batched },
    oldestPendingAt: pending.length > 0 ? Math.min(...pending) : null,
    batches: Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)])),
    lastAnchor,
  };
}
