import type { CheckName, CheckResult, Verdict } from './types.js';

/** Which verdict each failing code leads to, strongest first: a definite local mismatch beats all. */
const INVALID_PRIORITY: readonly [code: string, verdict: Verdict][] = [
  ['TAMPERED', 'TAMPERED'],
  ['UNTRUSTED_REGISTRY', 'UNKNOWN_ISSUER'],
  // A compromised key may have signed anything: that outranks what the document says about itself.
  ['ISSUER_COMPROMISED', 'UNKNOWN_ISSUER'],
  // The anchorer alone cannot make a document the doctor's: an unsigned leaf in a term with passkeys.
  ['ISSUER_SIGNATURE_INVALID', 'UNKNOWN_ISSUER'],
  ['REVOKED', 'REVOKED'],
  ['SUPERSEDED', 'REVOKED'],
  ['NOT_ANCHORED', 'NOT_ANCHORED'],
  ['UNKNOWN_ISSUER', 'UNKNOWN_ISSUER'],
  ['ISSUER_NOT_ACTIVE', 'UNKNOWN_ISSUER'],
];

/**
 * Checks that inform but never decide: the DNS lookup is one of three ways to trust a registry, and the
 * `registry` check weighs it against the configured registry and the trust list.
 */
const ADVISORY: ReadonlySet<CheckName> = new Set(['institutionDomain']);

/** A document is VALID only when each of these checks itself said VALID; skipping one is not passing it. */
export const REQUIRED_FOR_VALID: readonly CheckName[] = [
  'receiptFormat',
  'documentHash',
  'leafCommitment',
  'merkleProof',
  'chainId',
  'rootAnchored',
  'anchorTransaction',
  'revocation',
  'issuer',
];

/** A v2 receipt names who issued it and for which institution; those checks replace v1's role check. */
export const REQUIRED_FOR_VALID_V2: readonly CheckName[] = [
  ...REQUIRED_FOR_VALID.filter((name) => name !== 'issuer'),
  'issuerTerm',
  'issuerProfile',
  'institution',
  'issuerSignature',
];

/**
 * The one rule that turns independent checks into a verdict:
 * 1. the file or receipt was altered (checked locally, needs no chain) → TAMPERED;
 * 2. otherwise, any check could not run → ERROR (could not check ≠ checked and failed);
 * 3. otherwise the strongest chain finding: untrusted registry, compromised issuer, REVOKED (or
 *    SUPERSEDED), NOT_ANCHORED, UNKNOWN_ISSUER (or an issuer with no term at the anchoring time);
 * 4. otherwise VALID, but only if every required check positively passed.
 */
export function combineChecks(
  all: readonly CheckResult[],
  required: readonly CheckName[] = REQUIRED_FOR_VALID,
): {
  verdict: Verdict;
  code: string;
  message: string;
} {
  const checks = all.filter((c) => !ADVISORY.has(c.check));
  const tampered = checks.find((c) => c.status === 'INVALID' && c.code === 'TAMPERED');
  if (tampered) return { verdict: 'TAMPERED', code: tampered.code, message: tampered.message };

  const error = checks.find((c) => c.status === 'ERROR');
  if (error) return { verdict: 'ERROR', code: error.code, message: error.message };

  for (const [code, verdict] of INVALID_PRIORITY) {
    const hit = checks.find((c) => c.status === 'INVALID' && c.code === code);
    if (hit) return { verdict, code: hit.code, message: hit.message };
  }
  const unknown = checks.find((c) => c.status === 'INVALID');
  if (unknown) return { verdict: 'ERROR', code: unknown.code, message: unknown.message };

  const missing = required.find((name) => checks.find((c) => c.check === name)?.status !== 'VALID');
  if (missing) return { verdict: 'ERROR', code: 'INCOMPLETE', message: `check ${missing} did not run` };

  return {
    verdict: 'VALID',
    code: 'VALID',
    message: 'authentic: the file is the issued document, anchored on chain and not revoked',
  };
}
