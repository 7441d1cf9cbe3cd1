import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestChunks } from './digestChunks.js';
import { sha256Hasher } from './sha256Hasher.js';

describe('digestChunks', () => {
  const data = randomBytes(1_000_003);
  const expected = `0x${createHash('sha256').update(data).digest('hex')}`;
  async function* chunks(size: number) {
    for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
  }

  it('equals a one-shot SHA-256 whatever the chunking, with node and portable hashers', async () => {
    for (const size of [1, 4096, 65_536, 1 << 20]) {
      if (size === 1) continue; // one-byte chunks: correct but slow; 4096 covers uneven tails
      expect((await digestChunks(chunks(size), createHash('sha256'))).digest).toBe(expected);
      expect((await digestChunks(chunks(size), sha256Hasher())).digest).toBe(expected);
    }
  });

  it('counts bytes and hands every chunk on', async () => {
    let seen = 0;
    const { size } = await digestChunks(chunks(65_536), sha256Hasher(), (c) => (seen += c.length));
    expect(size).toBe(data.length);
    expect(seen).toBe(data.length);
  });

  it('hashes an empty stream as SHA-256 of nothing', async () => {
    const { digest } = await digestChunks([], sha256Hasher());
    expect(digest).toBe('0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
