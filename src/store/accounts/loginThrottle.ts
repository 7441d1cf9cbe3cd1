import type { Transaction } from 'kysely';
import type { Dialect } from '../db/Db.js';
import type { Database } from '../db/schema.js';

/**
 * How many attempts a key gets in a window, and what happens past that: `block` refuses until the
 * window ends (one attacker's address against one account); `slowdown` lets one more attempt through
 * after a delay that doubles up to `maxDelayMs` (every address against one account), so a guesser is
 * slowed to a crawl while the real owner waits at most `maxDelayMs`, never the whole window.
 */
export interface ThrottleRule {
  readonly key: string;
  readonly max: number;
  readonly windowMs: number;
  readonly slowdown?: { readonly baseDelayMs: number; readonly maxDelayMs: number };
}

export type Reservation =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

/**
 * Reserves one attempt under every rule, atomically, before the caller does the slow check: each key's
 * row is locked (PostgreSQL `FOR UPDATE`; SQLite transactions are serialised), so concurrent attempts
 * count one after another. A reserved attempt counts as a failure until {@link clearThrottle} forgives
 * it (a successful sign-in). A refused attempt is not counted: it does not extend the block.
 */
export async function reserveAttempt(
  trx: Transaction<Database>,
  dialect: Dialect,
  rules: readonly ThrottleRule[],
  now = Date.now(),
): Promise<Reservation> {
  // One lock order for every caller: no deadlock between two attempts on overlapping keys.
  const sorted = [...rules].sort((a, b) => (a.key < b.key ? -1 : 1));
  const rows = [];
  for (const rule of sorted) {
    await trx
      .insertInto('login_throttle')
      .values({ key: rule.key, window_start: now, attempts: 0, next_allowed_at: 0 })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    let q = trx.selectFrom('login_throttle').selectAll().where('key', '=', rule.key);
    if (dialect === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirstOrThrow();
    const fresh = now - row.window_start >= rule.windowMs;
    rows.push({
      rule,
      windowStart: fresh ? now : row.window_start,
      attempts: fresh ? 0 : row.attempts,
      nextAllowedAt: fresh ? 0 : row.next_allowed_at,
    });
  }
  let retryAfterMs = 0;
  for (const r of rows) {
    if (r.attempts < r.rule.max) continue;
    const wait = r.rule.slowdown ? r.nextAllowedAt - now : r.windowStart + r.rule.windowMs - now;
    if (wait > 0) retryAfterMs = Math.max(retryAfterMs, wait);
  }
  if (retryAfterMs > 0) return { allowed: false, retryAfterMs };
  for (const r of rows) {
    const attempts = r.attempts + 1;
    const slow = r.rule.slowdown;
    const over = attempts - r.rule.max;
    const nextAllowedAt =
      slow && over >= 0 ? now + Math.min(slow.baseDelayMs * 2 ** Math.min(over, 20), slow.maxDelayMs) : 0;
    await trx
      .updateTable('login_throttle')
      .set({ window_start: r.windowStart, attempts, next_allowed_at: nextAllowedAt })
      .where('key', '=', r.rule.key)
      .execute();
  }
  return { allowed: true };
}

/** Forgets the attempts counted under these keys (after a successful check). */
export async function clearThrottle(trx: Transaction<Database>, keys: readonly string[]): Promise<void> {
  if (keys.length > 0) await trx.deleteFrom('login_throttle').where('key', 'in', keys).execute();
}
