import { fromHex } from '../../hash/hex.js';
import type { ReceiptV2 } from '../../receipt/receiptV2Schema.js';
import { verifyPasskeyAssertion } from '../../signature/verifyPasskeyAssertion.js';
import type { CheckResult } from '../types.js';
import { check } from './check.js';

/** What the result says when no doctor's passkey signed the document: plainly, never as a failure. */
export const UNSIGNED_MESSAGE = 'not signed by the doctor: the issuer listed no passkey for the term';

/**
 * The doctor, not only the portal's anchorer, vouches for the leaf: when the receipt's issuer profile
 * (whose commitment the chain holds for the term, see issuerProfile) lists passkeys, one of them must
 * have signed the leaf. A leaf naming the doctor without that signature is ISSUER_SIGNATURE_INVALID,
 * however it was anchored. A profile listing none is VALID with code UNSIGNED: the result says so.
 */
export async function issuerSignature(receipt: ReceiptV2): Promise<CheckResult> {
  const keys = receipt.issuerProfile.passkeys;
  const sig = receipt.issuerSignature;
  if (keys.length === 0 && !sig) return check('issuerSignature', 'VALID', 'UNSIGNED', UNSIGNED_MESSAGE);
  if (!sig)
    return check(
      'issuerSignature',
      'INVALID',
      'ISSUER_SIGNATURE_INVALID',
      `the issuer's term lists ${keys.length} passkey(s), but the document carries no signature by any: the doctor did not sign it`,
    );
  const leaf = fromHex(receipt.leaf, 32);
  if (!leaf) return check('issuerSignature', 'INVALID', 'TAMPERED', 'the receipt’s leaf is not 32 bytes');
  const r = await verifyPasskeyAssertion(sig, leaf, keys);
  return r.ok
    ? check(
        'issuerSignature',
        'VALID',
        'VALID',
        `signed by the doctor's passkey ${r.key.credentialId} (listed in the issuer's term)`,
      )
    : check(
        'issuerSignature',
        'INVALID',
        'ISSUER_SIGNATURE_INVALID',
        `not signed by the doctor: ${r.reason}`,
      );
}
