import type { Address } from 'viem';
import type { CheckResult, RegistryV2Facts } from '../types.js';
import type { Settled } from './chainFacts.js';
import { check, skipped } from './check.js';

/**
 * A term of the leaf's issuer covered the root's anchoring time (the chain's clock, not the receipt's
 * issuedAt, which the issuer wrote), and no compromise point preceded it. So a retired doctor's earlier
 * documents stay valid, while a document anchored after retirement, or after a key was reported
 * compromised, does not. An address never enrolled is UNKNOWN_ISSUER: the anchorer cannot make one up.
 */
export function issuerTerm(facts: Settled<RegistryV2Facts>, issuer: Address): CheckResult {
  if (!facts.ok)
    return check('issuerTerm', 'ERROR', 'CHAIN_UNREACHABLE', `could not read the registry: ${facts.error}`);
  const f = facts.value;
  if (f.anchoredAt === 0) return skipped('issuerTerm', 'no anchoring time to judge the issuer’s term at');
  const at = new Date(f.anchoredAt * 1000).toISOString();
  switch (f.issuerStatus) {
    case 'ACTIVE':
      return check(
        'issuerTerm',
        'VALID',
        'VALID',
        `issuer ${issuer} was in term ${f.termIndex} when anchored (${at})`,
      );
    case 'NOT_ACTIVE':
      return check(
        'issuerTerm',
        'INVALID',
        'ISSUER_NOT_ACTIVE',
        `issuer ${issuer} was enrolled, but no term of theirs covers the anchoring time ${at}`,
      );
    case 'COMPROMISED':
      return check(
        'issuerTerm',
        'INVALID',
        'ISSUER_COMPROMISED',
        `issuer ${issuer}’s key was reported compromised from a point at or before the anchoring time ${at}`,
      );
    case 'UNKNOWN':
      return check(
        'issuerTerm',
        'INVALID',
        'UNKNOWN_ISSUER',
        `issuer ${issuer} was never enrolled in the registry`,
      );
  }
}
