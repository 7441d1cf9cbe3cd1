import type { Hex } from 'viem';
import { revocationReasonName } from '../revocationReasons.js';
import type { CheckResult, RevocationInfo } from '../types.js';
import type { Settled } from './chainFacts.js';
import { check } from './check.js';

const SUPERSEDED = 1;
const ZERO32 = `0x${'00'.repeat(32)}`;

/**
 * The document's leaf has not been revoked. Registry v2 names the replacing leaf of a superseded
 * document: that is SUPERSEDED (verdict REVOKED) and the message names the successor, so the holder
 * knows a newer version exists rather than that the document was withdrawn.
 */
export function revocation(facts: {
  readonly revocation: Settled<RevocationInfo & { readonly supersededBy?: Hex }>;
}): CheckResult {
  if (!facts.revocation.ok) {
    return check(
      'revocation',
      'ERROR',
      'CHAIN_UNREACHABLE',
      `could not read the registry: ${facts.revocation.error}`,
    );
  }
  const r = facts.revocation.value;
  if (r.revokedAt === 0) return check('revocation', 'VALID', 'VALID', 'not revoked');
  const when = new Date(r.revokedAt * 1000).toISOString();
  if (r.reason === SUPERSEDED && r.supersededBy !== undefined && r.supersededBy !== ZERO32) {
    return check(
      'revocation',
      'INVALID',
      'SUPERSEDED',
      `superseded by a newer version (leaf ${r.supersededBy}) on ${when}`,
    );
  }
  return check(
    'revocation',
    'INVALID',
    'REVOKED',
    `revoked by its issuer on ${when} (${revocationReasonName(r.reason)})`,
  );
}
