import type { ReceiptCore } from '../../receipt/receiptSchema.js';
import type { CheckResult, TrustAnchor } from '../types.js';
import type { ChainFacts } from './chainFacts.js';
import { check } from './check.js';

/** The endpoint serves the chain the receipt names (and the one we trust). Asking the wrong chain proves nothing. */
export function chainId(
  facts: Pick<ChainFacts, 'chainId'>,
  receipt: ReceiptCore,
  trust: TrustAnchor,
): CheckResult {
  if (!facts.chainId.ok) {
    return check(
      'chainId',
      'ERROR',
      'CHAIN_UNREACHABLE',
      `could not reach the chain: ${facts.chainId.error}`,
    );
  }
  const actual = facts.chainId.value;
  if (trust.chainId !== undefined && trust.chainId !== receipt.chainId) {
    return check(
      'chainId',
      'ERROR',
      'WRONG_CHAIN',
      `receipt is for chain ${receipt.chainId}, but the trusted chain is ${trust.chainId}`,
    );
  }
  if (actual !== receipt.chainId) {
    return check(
      'chainId',
      'ERROR',
      'WRONG_CHAIN',
      `receipt is for chain ${receipt.chainId}, but the endpoint serves chain ${actual}`,
    );
  }
  return check('chainId', 'VALID', 'VALID', `endpoint serves chain ${actual}`);
}
