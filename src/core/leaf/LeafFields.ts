import type { Address, Hex } from 'viem';

/** What a document's leaf commits to. Only the leaf (a hash) ever reaches the chain. */
export interface LeafFields {
  /** SHA-256 of the file's bytes: what `sha256sum` prints. */
  readonly docHash: Hex;
  /** 32 random bytes per document, so a templated certificate's leaf cannot be guessed. */
  readonly salt: Hex;
  /** HMAC-SHA256(institution secret, normalised patient id): links a patient's documents without naming them. */
  readonly patientRef: Hex;
  /** The issuing doctor's (or institution's) address; must hold ISSUER_ROLE. */
  readonly issuer: Address;
  readonly docType: string;
  /** Unix seconds. */
  readonly issuedAt: number;
}

/** The ABI types of the leaf, in order: pass them to `StandardMerkleTree.of(values, LEAF_TYPES)`. */
export const LEAF_TYPES = ['bytes32', 'bytes32', 'bytes32', 'address', 'string', 'uint64'] as const;
