import type { Hex } from 'viem';
import type { ReceiptCore } from '../../receipt/receiptSchema.js';
import type { CheckResult } from '../types.js';
import { check } from './check.js';

/** The file's SHA-256 equals the one the receipt commits to: any changed byte fails here. */
export function documentHash(docHash: Hex, receipt: ReceiptCore): CheckResult {
  return docHash.toLowerCase() === receipt.docHash.toLowerCase()
    ? check('documentHash', 'VALID', 'VALID', 'file matches the receipt’s SHA-256')
    : check(
        'documentHash',
        'INVALID',
        'TAMPERED',
        'file does not match the issued document: its SHA-256 differs',
      );
}
