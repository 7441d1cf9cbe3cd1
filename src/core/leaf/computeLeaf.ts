import { keccak_256 } from '@noble/hashes/sha3';
import type { Hex } from 'viem';
import { toHex } from '../hash/hex.js';
import { encodeLeaf } from './encodeLeaf.js';
import type { LeafFields } from './LeafFields.js';

/**
 * `keccak256(bytes.concat(keccak256(abi.encode(docHash, salt, patientRef, issuer, docType, issuedAt))))`:
 * OpenZeppelin StandardMerkleTree's leaf. Hashing twice keeps a 64-byte leaf preimage from being
 * mistaken for an inner node (second-preimage attack).
 */
export function computeLeaf(f: LeafFields): Hex {
  return toHex(keccak_256(keccak_256(encodeLeaf(f))));
}

/** The leaf's fields as the value array OpenZeppelin's StandardMerkleTree takes. */
export function leafValues(f: LeafFields): [Hex, Hex, Hex, Hex, string, string] {
  return [f.docHash, f.salt, f.patientRef, f.issuer, f.docType, String(f.issuedAt)];
}
