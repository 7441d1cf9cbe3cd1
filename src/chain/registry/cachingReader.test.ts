import { describe, expect, it } from 'vitest';
import type { RegistryReader } from '../../core/verify/types.js';
import { cachingReader } from './cachingReader.js';

describe('cachingReader', () => {
  it('shares concurrent reads, reuses answers within the TTL, re-reads after it, and never keeps failures', async () => {
    let clock = 0;
    let calls = 0;
    let fail = false;
    const inner: RegistryReader = {
      chainId: () => Promise.resolve(1),
      rootInfo: () => {
        calls++;
        return fail
          ? Promise.reject(new Error('down'))
          : Promise.resolve({
              anchorer: '0x0000000000000000000000000000000000000001',
              anchoredAt: calls,
              blockNumber: 1,
              leafCount: 1,
            });
      },
      revocation: () => Promise.resolve({ revokedAt: 0, reason: 0 }),
      isIssuer: () => Promise.resolve(true),
      anchorEvent: () => Promise.resolve({ txFound: true, found: true, blockNumber: 1 }),
      anchoredInBlock: () => Promise.resolve(true),
    };
    const r = cachingReader(inner, 1000, () => clock);
    const root = `0x${'11'.repeat(32)}` as const;
    const reg = '0x0000000000000000000000000000000000000002' as const;
    const [a, b] = await Promise.all([r.rootInfo(reg, root), r.rootInfo(reg, root)]);
    expect(calls).toBe(1);
    expect(a).toBe(b);
    clock = 999;
    await r.rootInfo(reg, root);
    expect(calls).toBe(1);
    clock = 1000;
    expect((await r.rootInfo(reg, root)).anchoredAt).toBe(2);
    clock = 3000;
    fail = true;
    await expect(r.rootInfo(reg, root)).rejects.toThrow('down');
    fail = false;
    expect((await r.rootInfo(reg, root)).anchoredAt).toBe(4);
  });
});
