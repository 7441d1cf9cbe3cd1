import type { ReceiptCore } from '../../receipt/receiptSchema.js';
import type { CheckResult } from '../types.js';
import type { ChainFacts } from './chainFacts.js';
import { check } from './check.js';

/** The leaf's issuer holds ISSUER_ROLE in the registry now. */
export function issuer(facts: ChainFacts, receipt: ReceiptCore): CheckResult {
  if (!facts.isIssuer.ok) {
    return check(
      'issuer',
      'ERROR',
      'CHAIN_UNREACHABLE',
      `could not read the registry: ${facts.isIssuer.error}`,
    );
  }
  return facts.isIssuer.value
    ? check('issuer', 'VALID', 'VALID', `issuer ${receipt.issuer} is authorised by the registry`)
    : check(
        'issuer',
        'INVALID',
        'UNKNOWN_ISSUER',
        `issuer ${receipt.issuer} is not authorised by the registry`,
      );
}
