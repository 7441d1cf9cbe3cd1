import { encodeAbiParameters, keccak256, type Hex } from 'viem';
import type { LeafFields } from './LeafFields.js';

const PARAMS = [
  { type: 'bytes32' },
  { type: 'bytes32' },
  { type: 'bytes32' },
  { type: 'address' },
  { type: 'string' },
  { type: 'uint64' },
] as const;

/**
 * `keccak256(bytes.concat(keccak256(abi.encode(docHash, salt, patientRef, issuer, docType, issuedAt))))`:
 * OpenZeppelin StandardMerkleTree's leaf. Hashing twice keeps a 64-byte leaf preimage from being
 * mistaken for an inner node (second-preimage attack).
 */
export function computeLeaf(f: LeafFields): Hex {
  const encoded = encodeAbiParameters(PARAMS, [
    f.docHash,
    f.salt,
    f.patientRef,
    // Lower-case: the encoding is the same, and viem would reject a mixed-case address with a bad checksum.
    f.issuer.toLowerCase() as Hex,
    f.docType,
    BigInt(f.issuedAt),
  ]);
  return keccak256(keccak256(encoded));
}

/** The leaf's fields as the value array OpenZeppelin's StandardMerkleTree takes. */
export function leafValues(f: LeafFields): [Hex, Hex, Hex, Hex, string, string] {
  return [f.docHash, f.salt, f.patientRef, f.issuer, f.docType, String(f.issuedAt)];
}
