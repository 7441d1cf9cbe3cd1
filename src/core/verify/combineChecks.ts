import type { CheckName, CheckResult, Verdict } from './types.js';

/** Which verdict each failing code leads to, strongest first: a definite local mismatch beats all. */
const INVALID_PRIORITY: readonly [code: string, verdict: Verdict][] = [
  ['TAMPERED', 'TAMPERED'],
  ['UNTRUSTED_REGISTRY', 'UNKNOWN_ISSUER'],
  ['REVOKED', 'REVOKED'],
  ['NOT_ANCHORED', 'NOT_ANCHORED'],
  ['UNKNOWN_ISSUER', 'UNKNOWN_ISSUER'],
];

/** A document is VALID only when each of these checks itself said VALID; skipping one is not passing it. */
const REQUIRED_FOR_VALID: readonly CheckName[] = [
  'receiptFormat',
  'documentHash',
  'leafCommitment',
  'merkleProof',
  'chainId',
  'rootAnchored',
  'revocation',
  'issuer',
];

/**
 * The one rule that turns independent checks into a verdict:
 * 1. the file or receipt was altered (checked locally, needs no chain) → TAMPERED;
 * 2. otherwise, any check could not run → ERROR (could not check ≠ checked and failed);
 * 3. otherwise the strongest chain finding: untrusted registry, REVOKED, NOT_ANCHORED, UNKNOWN_ISSUER;
 * 4. otherwise VALID, but only if every required check positively passed.
 */
export function combineChecks(checks: readonly CheckResult[]): {
  verdict: Verdict;
  code: string;
  message: string;
} {
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

  const missing = REQUIRED_FOR_VALID.find((name) => checks.find((c) => c.check === name)?.status !== 'VALID');
  if (missing) return { verdict: 'ERROR', code: 'INCOMPLETE', message: `check ${missing} did not run` };

  return {
    verdict: 'VALID',
    code: 'VALID',
    message: 'authentic: the file is the issued document, anchored on chain and not revoked',
  };
}
