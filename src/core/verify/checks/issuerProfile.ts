import { profileCommitment } from '../../identity/profileCommitment.js';
import type { ReceiptV2 } from '../../receipt/receiptV2Schema.js';
import type { CheckResult, RegistryV2Facts } from '../types.js';
import type { Settled } from './chainFacts.js';
import { check, skipped } from './check.js';

const ZERO32 = `0x${'00'.repeat(32)}`;

/** "Dr. A. Deshpande (MMC 2011/04/1234), City Hospital": the issuer as a person reads them. */
export function issuerLine(p: ReceiptV2['issuerProfile']): string {
  return `${p.name} (${p.council} ${p.registrationNumber}), ${p.institution.name}`;
}

/**
 * The receipt's issuer profile is the one the issuer's term committed to. The name, registration and
 * institution shown to the verifier come from the receipt, so an edited profile is TAMPERED.
 */
export function issuerProfile(facts: Settled<RegistryV2Facts>, receipt: ReceiptV2): CheckResult {
  if (!facts.ok)
    return check(
      'issuerProfile',
      'ERROR',
      'CHAIN_UNREACHABLE',
      `could not read the registry: ${facts.error}`,
    );
  const term = facts.value.profile;
  if (facts.value.anchoredAt === 0 || term.toLowerCase() === ZERO32)
    return skipped('issuerProfile', 'no term of the issuer covers the anchoring time: no profile to compare');
  const mine = profileCommitment(receipt.issuerProfile, receipt.issuerProfile.salt);
  return mine === term.toLowerCase()
    ? check('issuerProfile', 'VALID', 'VALID', issuerLine(receipt.issuerProfile))
    : check(
        'issuerProfile',
        'INVALID',
        'TAMPERED',
        `receipt was altered: its issuer profile does not match term ${facts.value.termIndex}’s commitment`,
      );
}
