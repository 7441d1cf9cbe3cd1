import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { countRequest, pruneRequestCounts, type Db } from '../../store/index.js';

/** Old counters are deleted at most this often per process. */
const PRUNE_EVERY_MS = 60_000;

/**
 * @fastify/rate-limit's store, kept in the database: replicas behind one load balancer share each
 * client's count, so a limit is the limit however requests are spread. Keys are per route (method and
 * URL pattern) and client address (`request.ip`: the proxy's X-Forwarded-For with MEDPROOF_TRUST_PROXY).
 */
export function databaseRateLimitStore(db: Db): FastifyRateLimitStoreCtor {
  let prunedAt = Date.now();
  let longestWindowMs = 60_000;
  class DatabaseRateLimitStore implements FastifyRateLimitStore {
    constructor(
      _options: unknown,
      private readonly prefix = '',
    ) {}

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      const now = Date.now();
      longestWindowMs = Math.max(longestWindowMs, timeWindow);
      countRequest(db.kysely, `${this.prefix}${key}`, timeWindow, now).then(
        ({ hits, windowStart }) => {
          callback(null, { current: hits, ttl: Math.max(0, windowStart + timeWindow - now) });
          if (now - prunedAt > PRUNE_EVERY_MS) {
            prunedAt = now;
            void pruneRequestCounts(db.kysely, now - 2 * longestWindowMs).catch(() => undefined);
          }
        },
        (error: Error) => callback(error),
      );
    }

    // Typed as the route's options; what arrives is the merged limit options, the route under `routeInfo`.
    child(routeOptions: object): FastifyRateLimitStore {
      const r = (routeOptions as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo ?? {};
      return new DatabaseRateLimitStore(undefined, `${String(r.method)} ${String(r.url)} `);
    }
  }
  return DatabaseRateLimitStore;
}
