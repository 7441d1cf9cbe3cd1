import type { Hex } from 'viem';
import { fromHex, toHex } from '../hash/hex.js';
import { hashPair } from './hashPair.js';

/** The root a leaf and its sibling path lead to (OpenZeppelin `MerkleProof.processProof`), or undefined if malformed. */
export function processProof(leaf: Hex, proof: readonly Hex[]): Hex | undefined {
  let node = fromHex(leaf, 32);
  if (!node) return undefined;
  for (const sibling of proof) {
    const s = fromHex(sibling, 32);
    if (!s) return undefined;
    node = hashPair(node, s);
  }
  return toHex(node);
}

export function verifyProof(root: Hex, leaf: Hex, proof: readonly Hex[]): boolean {
  return processProof(leaf, proof)?.toLowerCase() === root.toLowerCase();
}
