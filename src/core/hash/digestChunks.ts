import type { Hex } from 'viem';
import type { Hasher } from './Hasher.js';
import { toHex } from './hex.js';

/**
 * Hashes a stream of chunks in constant memory: each chunk is fed to the hasher and dropped.
 * `onChunk` sees every chunk after it is hashed (progress bars, a second consumer such as encryption).
 */
export async function digestChunks(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  hasher: Hasher,
  onChunk?: (chunk: Uint8Array) => void,
): Promise<{ digest: Hex; size: number }> {
  let size = 0;
  for await (const chunk of chunks) {
    hasher.update(chunk);
    size += chunk.byteLength;
    onChunk?.(chunk);
  }
  return { digest: toHex(hasher.digest()), size };
}
