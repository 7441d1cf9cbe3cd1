import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seal, unseal } from './keyWrap.js';
import { decryptChunks, encryptChunks, sealedSize } from './streamCipher.js';

const key = randomBytes(32);
async function collect(g: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of g) parts.push(p);
  return Buffer.concat(parts);
}
async function* pieces(b: Buffer, size: number) {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
  if (b.length === 0) return;
}

describe('streamCipher', () => {
  it.each([0, 1, 15, 16, 17, 64, 65, 1000])(
    'round-trips %i bytes with 16-byte chunks, fed in odd pieces',
    async (n) => {
      const plain = randomBytes(n);
      const sealed = await collect(encryptChunks(pieces(plain, 7), key, 16));
      expect(sealed.length).toBe(sealedSize(n, 16));
      expect(await collect(decryptChunks(pieces(sealed, 5), key))).toEqual(plain);
    },
  );

  it('round-trips 3 MiB with the default chunk size', async () => {
    const plain = randomBytes(3 * 1024 * 1024 + 123);
    const sealed = await collect(encryptChunks(pieces(plain, 65_536), key));
    // Buffer.equals: vitest's deep equality walks 3 MB byte by byte.
    expect((await collect(decryptChunks(pieces(sealed, 1 << 20), key))).equals(plain)).toBe(true);
  });

  it('fails on any flipped byte, on truncation, on a dropped or swapped chunk, and on the wrong key', async () => {
    const plain = randomBytes(100);
    const sealed = await collect(encryptChunks(pieces(plain, 100), key, 16));
    const attempt = (b: Buffer, k = key) => collect(decryptChunks(pieces(b, 33), k));
    for (const at of [0, 5, 15, 20, 40, sealed.length - 1]) {
      const bad = Buffer.from(sealed);
      bad[at]! ^= 0x01;
      await expect(attempt(bad), `byte ${at}`).rejects.toMatchObject({ code: 'INTEGRITY_FAILURE' });
    }
    const chunk = 16 + 16;
    await expect(attempt(sealed.subarray(0, sealed.length - chunk))).rejects.toMatchObject({
      code: 'INTEGRITY_FAILURE',
    });
    await expect(
      attempt(Buffer.concat([sealed.subarray(0, 15), sealed.subarray(15 + chunk)])),
    ).rejects.toMatchObject({ code: 'INTEGRITY_FAILURE' });
    const swapped = Buffer.concat([
      sealed.subarray(0, 15),
      sealed.subarray(15 + chunk, 15 + 2 * chunk),
      sealed.subarray(15, 15 + chunk),
      sealed.subarray(15 + 2 * chunk),
    ]);
    await expect(attempt(swapped)).rejects.toMatchObject({ code: 'INTEGRITY_FAILURE' });
    await expect(attempt(sealed, randomBytes(32))).rejects.toMatchObject({ code: 'INTEGRITY_FAILURE' });
  });

  it('releases no plaintext of a chunk that fails', async () => {
    const plain = Buffer.alloc(64, 0x41);
    const sealed = await collect(encryptChunks(pieces(plain, 64), key, 16));
    sealed[15 + 32 + 3]! ^= 1; // inside the second chunk
    const got: Buffer[] = [];
    await expect(
      (async () => {
        for await (const p of decryptChunks(pieces(sealed, 1000), key)) got.push(p);
      })(),
    ).rejects.toMatchObject({ code: 'INTEGRITY_FAILURE' });
    expect(Buffer.concat(got)).toEqual(plain.subarray(0, 16));
  });
});

describe('keyWrap', () => {
  it('seals and unseals, bound to its context', () => {
    const dataKey = randomBytes(32);
    const sealed = seal(key, dataKey, 'doc:1');
    expect(unseal(key, sealed, 'doc:1')).toEqual(dataKey);
    expect(() => unseal(key, sealed, 'doc:2')).toThrow(/authentication/);
    expect(() => unseal(randomBytes(32), sealed, 'doc:1')).toThrow(/authentication/);
    expect(() => unseal(key, 'v2.abc', 'doc:1')).toThrow(/unknown format/);
  });
});
