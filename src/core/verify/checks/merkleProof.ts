import { verifyProof } from '../../merkle/processProof.js';
import type { ReceiptCore } from '../../receipt/receiptSchema.js';
import type { CheckResult } from '../types.js';
import { check } from './check.js';

/** The leaf's Merkle path leads to the receipt's root. */
export function merkleProof(receipt: ReceiptCore): CheckResult {
  return verifyProof(receipt.root, receipt.leaf, receipt.proof)
    ? check('merkleProof', 'VALID', 'VALID', 'Merkle proof leads to the root')
    : check(
        'merkleProof',
        'INVALID',
        'TAMPERED',
        'receipt was altered: its Merkle proof does not lead to its root',
      );
}
