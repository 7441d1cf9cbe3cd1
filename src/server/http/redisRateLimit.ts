import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';

/**
 * @fastify/rate-limit counting in Redis: replicas share each client's count with one round trip and
 * no database write per limited request. A Redis that is down lets requests through (logged) rather
 * than refusing every sign-up and verification: the limits slow abuse, the login throttles (in the
 * database) are what stop password guessing.
 */
export async function redisRateLimit(
  app: FastifyInstance,
  url: string,
): Promise<Partial<RateLimitPluginOptions>> {
  const redis = new Redis(url, {
    connectTimeout: 2_000,
    // Fail a command at once while disconnected instead of queueing requests behind it.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
  });
  let warned = false;
  redis.on('error', (error: Error) => {
    if (warned) return;
    warned = true;
    app.log.warn(
      { code: 'RATE_LIMIT_STORE_DOWN', err: error.message },
      'Redis unreachable: rate limits not counted',
    );
  });
  redis.on('ready', () => {
    warned = false;
  });
  app.addHook('onClose', (_instance, done) => {
    redis.disconnect();
    done();
  });
  // Connected before the first request counts (without the offline queue a request sent while still
  // connecting would go uncounted); a Redis that is down at start is tried again in the background.
  await redis.connect().catch(() => undefined);
  return { redis, nameSpace: 'medproof:rate:', skipOnError: true };
}
