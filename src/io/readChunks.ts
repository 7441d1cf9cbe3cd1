import { open } from 'node:fs/promises';

/** 1 MiB reads: SHA-256 runs ~3x faster than with the 64 KiB default stream (DESIGN.md, measured). */
export const CHUNK_SIZE = 1 << 20;

/**
 * Reads a file in fixed-size chunks into one reused buffer: constant memory whatever the size.
 * Each yielded chunk is only valid until the next one is requested; consumers copy if they keep it.
 */
export async function* readChunks(path: string, chunkSize = CHUNK_SIZE): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'r');
  const buffer = Buffer.allocUnsafe(chunkSize);
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, chunkSize, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}
