import { randomFillSync } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

/** Writes `mib` MiB of random bytes (random: nothing compresses or dedupes it), after an optional header. */
export function writeRandomFile(path: string, mib: number, header?: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.allocUnsafe(1 << 20);
  try {
    for (let i = 0; i < mib; i++) {
      randomFillSync(chunk);
      if (i === 0 && header) chunk.write(header, 0);
      writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
}
