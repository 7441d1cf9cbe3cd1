import { computeLeaf } from '../../leaf/computeLeaf.js';
import type { ReceiptCore } from '../../receipt/receiptSchema.js';
import type { CheckResult } from '../types.js';
import { check } from './check.js';

/** The receipt's fields hash to its leaf: nobody changed the issuer, type, date or patient reference. */
export function leafCommitment(receipt: ReceiptCore): CheckResult {
  return computeLeaf(receipt).toLowerCase() === receipt.leaf.toLowerCase()
    ? check('leafCommitment', 'VALID', 'VALID', 'receipt fields match its leaf commitment')
    : check(
        'leafCommitment',
        'INVALID',
        'TAMPERED',
        'receipt was altered: its fields do not produce its leaf',
      );
}
