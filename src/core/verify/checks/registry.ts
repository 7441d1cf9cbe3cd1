import type { ReceiptCore } from '../../receipt/receiptSchema.js';
import type { CheckResult, TrustAnchor } from '../types.js';
import { check, skipped } from './check.js';

/**
 * The receipt names the registry the verifier trusts. Anyone can deploy a registry and make themselves
 * an issuer in it, so a receipt naming an unknown registry proves nothing about who issued it.
 */
export function registry(receipt: ReceiptCore, trust: TrustAnchor): CheckResult {
  if (trust.registry === undefined) {
    return skipped(
      'registry',
      `no trusted registry configured: trusting the receipt's registry ${receipt.registry}`,
    );
  }
  return trust.registry.toLowerCase() === receipt.registry.toLowerCase()
    ? check('registry', 'VALID', 'VALID', `receipt names the trusted registry ${trust.registry}`)
    : check(
        'registry',
        'INVALID',
        'UNTRUSTED_REGISTRY',
        `receipt names registry ${receipt.registry}, not the trusted ${trust.registry}`,
      );
}
