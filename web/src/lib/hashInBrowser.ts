import { digestChunks } from '../../../src/core/hash/digestChunks.js';
import { sha256Hasher } from '../../../src/core/hash/sha256Hasher.js';

const CHUNK = 4 * 1024 * 1024;

/**
 * SHA-256 of a local file, read in 4 MiB slices: constant memory, a progress callback per slice, and
 * the page stays responsive. The file never leaves the browser.
 */
export async function hashInBrowser(
  file: Blob,
  onProgress: (done: number, total: number) => void,
): Promise<`0x${string}`> {
  async function* slices(): AsyncGenerator<Uint8Array> {
    for (let offset = 0; offset < file.size; offset += CHUNK) {
      yield new Uint8Array(await file.slice(offset, offset + CHUNK).arrayBuffer());
      onProgress(Math.min(offset + CHUNK, file.size), file.size);
      // Let the browser paint the progress bar between slices.
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  onProgress(0, file.size);
  const { digest } = await digestChunks(slices(), sha256Hasher());
  return digest;
}
