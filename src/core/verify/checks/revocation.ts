import { revocationReasonName } from '../revocationReasons.js';
import type { CheckResult } from '../types.js';
import type { ChainFacts } from './chainFacts.js';
import { check } from './check.js';

/** The document's leaf has not been revoked. */
export function revocation(facts: ChainFacts): CheckResult {
  if (!facts.revocation.ok) {
    return check(
      'revocation',
      'ERROR',
      'CHAIN_UNREACHABLE',
      `could not read the registry: ${facts.revocation.error}`,
    );
  }
  const r = facts.revocation.value;
  return r.revokedAt === 0
    ? check('revocation', 'VALID', 'VALID', 'not revoked')
    : check(
        'revocation',
        'INVALID',
        'REVOKED',
        `revoked by its issuer on ${new Date(r.revokedAt * 1000).toISOString()} (${revocationReasonName(r.reason)})`,
      );
}
