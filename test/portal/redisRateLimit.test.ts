import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPortal, type TestPortal } from '../helpers/portal.js';

// Redis runs on every machine here (127.0.0.1:6379); this file alone uses its database 11.
const REDIS_URL = 'redis://127.0.0.1:6379/11';

/**
 * MEDPROOF_REDIS_URL: the rate limits two portals count in one Redis are one limit (patient sign-up,
 * 10 a minute per client address), and a Redis that is down lets requests through instead of failing them.
 */
describe('rate limits in Redis', () => {
  let a: TestPortal;
  let b: TestPortal;
  const redis = new Redis(REDIS_URL);

  beforeAll(async () => {
    await redis.flushdb();
    [a, b] = await Promise.all([
      startTestPortal({ env: { MEDPROOF_REDIS_URL: REDIS_URL } }),
      startTestPortal({ env: { MEDPROOF_REDIS_URL: REDIS_URL } }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis.flushdb();
    redis.disconnect();
  });

  it('shares one count across portals, per client address', async () => {
    const signUp = (p: TestPortal, ip: string) => p.client(ip).post('/api/patients', {});
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await signUp(i % 2 === 0 ? a : b, '198.51.100.7')).status);
    // An empty form is refused (400) until the shared count reaches 10 a minute.
    expect(statuses.filter((s) => s === 400)).toHaveLength(10);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect((await signUp(b, '198.51.100.8')).status).toBe(400);
    expect((await redis.keys('medproof:rate:*')).length).toBeGreaterThan(0);
  });

  it('lets requests through while Redis is unreachable', async () => {
    const down = await startTestPortal({ env: { MEDPROOF_REDIS_URL: 'redis://127.0.0.1:1/0' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++)
        statuses.push((await down.client('198.51.100.9').post('/api/patients', {})).status);
      expect(statuses.every((s) => s === 400)).toBe(true);
    } finally {
      await down.stop();
    }
  });
});
