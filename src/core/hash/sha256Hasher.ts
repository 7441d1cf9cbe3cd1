import { sha256 } from '@noble/hashes/sha256';
import type { Hasher } from './Hasher.js';

/** A portable SHA-256 (browser and Node). On Node prefer `crypto.createHash('sha256')`: ~3x faster. */
export function sha256Hasher(): Hasher {
  const h = sha256.create();
  return {
    update: (chunk) => h.update(chunk),
    digest: () => h.digest(),
  };
}
