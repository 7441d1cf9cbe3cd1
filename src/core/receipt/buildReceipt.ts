import type { Address, Hex } from 'viem';
import type { LeafFields } from '../leaf/LeafFields.js';
import { RECEIPT_VERSION, type Receipt } from './receiptSchema.js';

export interface AnchorPoint {
  readonly root: Hex;
  readonly proof: readonly Hex[];
  readonly chainId: number;
  readonly registry: Address;
  readonly txHash: Hex;
  readonly blockNumber: number;
}

/** Assembles a receipt in the canonical field order (so receipts of one document are byte-identical). */
export function buildReceipt(fields: LeafFields, leaf: Hex, anchor: AnchorPoint): Receipt {
  return {
    version: RECEIPT_VERSION,
    docHash: fields.docHash,
    salt: fields.salt,
    patientRef: fields.patientRef,
    issuer: fields.issuer,
    docType: fields.docType,
    issuedAt: fields.issuedAt,
    leaf,
    proof: [...anchor.proof],
    root: anchor.root,
    chainId: anchor.chainId,
    registry: anchor.registry,
    txHash: anchor.txHash,
    blockNumber: anchor.blockNumber,
  };
}
