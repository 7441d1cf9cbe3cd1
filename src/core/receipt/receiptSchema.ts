import { Type, type Static } from '@sinclair/typebox';
import type { Address, Hex } from 'viem';

// Unsafe<T> keeps the JSON Schema a plain string pattern while the static type is viem's `0x${string}`.
const Bytes32 = (description = '32 bytes, 0x-hex') =>
  Type.Unsafe<Hex>(Type.String({ pattern: '^0x[0-9a-fA-F]{64}$', description }));
const AddressT = (description = '20-byte address, 0x-hex') =>
  Type.Unsafe<Address>(Type.String({ pattern: '^0x[0-9a-fA-F]{40}$', description }));

export const RECEIPT_VERSION = 1;
export const RECEIPT_V2_VERSION = 2;

/**
 * A document's receipt, version 1: everything a verifier needs besides the file and a chain endpoint.
 * Field names are public and never change within a version.
 */
/** The fields receipts v1 and v2 share, in canonical order; the leaf encoding is the same in both. */
export const receiptFields = {
  docHash: Bytes32('SHA-256 of the file bytes'),
  salt: Bytes32('random per-document salt'),
  patientRef: Bytes32('HMAC-SHA256(institution secret, normalised patient id)'),
  issuer: AddressT('issuing account; must hold ISSUER_ROLE'),
  docType: Type.String({ pattern: '^[a-z][a-z0-9-]{0,63}$' }),
  issuedAt: Type.Integer({ minimum: 0, maximum: 2 ** 53 - 1, description: 'unix seconds' }),
  leaf: Bytes32('keccak256(keccak256(abi.encode(docHash, salt, patientRef, issuer, docType, issuedAt)))'),
  proof: Type.Array(Bytes32(), {
    maxItems: 64,
    description: 'sorted-pair keccak Merkle path, leaf to root',
  }),
  root: Bytes32('Merkle root anchored in the registry'),
  chainId: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }),
  registry: AddressT('MedproofRegistry contract address'),
  txHash: Bytes32('transaction that anchored the root'),
  blockNumber: Type.Integer({ minimum: 0, maximum: 2 ** 53 - 1 }),
};

export const ReceiptSchema = Type.Object(
  { version: Type.Literal(RECEIPT_VERSION), ...receiptFields },
  {
    $id: 'https://medproof.dev/schemas/receipt-v1.json',
    title: 'medproof receipt v1',
    additionalProperties: false,
  },
);

export type Receipt = Static<typeof ReceiptSchema>;

/** What every receipt version carries: the leaf's inputs and the anchor. Local checks need only this. */
export type ReceiptCore = Omit<Receipt, 'version'>;
