import { digestChunks, sha256Hasher } from '../../../src/core/index.js';

const CHUNK = 4 * 1024 * 1024;

/**
 * SHA-256 of a local file on the page's own thread, in 4 MiB slices (constant memory, progress per
 * slice, a pause between slices so the page paints). The standalone verifier is one HTML file opened
 * from disk: it cannot ship the portal's hashing worker as a separate file, so it hashes here.
 */
export async function hashOnPage(
  file: Blob,
  onProgress: (done: number, total: number) => void,
): Promise<`0x${string}`> {
  async function* slices(): AsyncGenerator<Uint8Array> {
    for (let offset = 0; offset < file.size; offset += CHUNK) {
      yield new Uint8Array(await file.slice(offset, offset + CHUNK).arrayBuffer());
      onProgress(Math.min(offset + CHUNK, file.size), file.size);
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  onProgress(0, file.size);
  const { digest } = await digestChunks(slices(), sha256Hasher());
  return digest;
}
