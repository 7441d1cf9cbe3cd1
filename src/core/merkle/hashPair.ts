import { keccak_256 } from '@noble/hashes/sha3';

/** Orders two 32-byte nodes (byte-wise), so a proof needs no left/right flags: OpenZeppelin's `Hashes.commutativeKeccak256`. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** keccak256 of the two nodes concatenated smaller-first. `scratch` (64 bytes) avoids an allocation per pair. */
export function hashPair(a: Uint8Array, b: Uint8Array, scratch: Uint8Array = new Uint8Array(64)): Uint8Array {
  if (compareBytes(a, b) <= 0) {
    scratch.set(a, 0);
    scratch.set(b, 32);
  } else {
    scratch.set(b, 0);
    scratch.set(a, 32);
  }
  return keccak_256(scratch);
}
