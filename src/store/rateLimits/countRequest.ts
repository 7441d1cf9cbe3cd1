import { sql } from 'kysely';
import type { Executor } from '../db/Db.js';

/**
 * Counts one request under `key` in a fixed window of `windowMs`, atomically (one upsert: concurrent
 * requests on any replica each get their own count), and says where the count stands.
 */
export async function countRequest(
  db: Executor,
  key: string,
  windowMs: number,
  now = Date.now(),
): Promise<{ hits: number; windowStart: number }> {
  const stale = now - windowMs;
  const r = await sql<{ hits: number; window_start: number }>`
    insert into rate_limits (key, hits, window_start) values (${key}, 1, ${now})
    on conflict (key) do update set
      hits = case when rate_limits.window_start <= ${stale} then 1 else rate_limits.hits + 1 end,
      window_start = case when rate_limits.window_start <= ${stale} then ${now} else rate_limits.window_start end
    returning hits, window_start`.execute(db);
  const row = r.rows[0]!;
  return { hits: Number(row.hits), windowStart: Number(row.window_start) };
}

/** Forgets counters whose window started before `before` (they count from 1 again anyway). */
export async function pruneRequestCounts(db: Executor, before: number): Promise<void> {
  await db.deleteFrom('rate_limits').where('window_start', '<', before).execute();
}
