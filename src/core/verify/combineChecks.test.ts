import { describe, expect, it } from 'vitest';
import { combineChecks } from './combineChecks.js';
import type { CheckName, CheckResult, CheckStatus } from './types.js';

const c = (
  check: CheckName,
  status: CheckStatus,
  code = status === 'VALID' ? 'VALID' : status,
): CheckResult => ({ check, status, code, message: `${check} ${code}` });
const allValid = (
  [
    'receiptFormat',
    'documentHash',
    'leafCommitment',
    'merkleProof',
    'chainId',
    'rootAnchored',
    'anchorTransaction',
    'revocation',
    'issuer',
  ] as const
).map((n) => c(n, 'VALID'));
const replace = (name: CheckName, r: CheckResult) => allValid.map((x) => (x.check === name ? r : x));

describe('combineChecks', () => {
  it('VALID only when every required check passed', () => {
    expect(combineChecks(allValid).verdict).toBe('VALID');
    expect(combineChecks(replace('issuer', c('issuer', 'SKIPPED'))).verdict).toBe('ERROR');
    expect(combineChecks(allValid.slice(1))).toMatchObject({ verdict: 'ERROR', code: 'INCOMPLETE' });
  });
  it('a local TAMPERED beats a chain ERROR', () => {
    const checks = [
      ...replace('documentHash', c('documentHash', 'INVALID', 'TAMPERED')),
      c('registry', 'ERROR', 'CHAIN_UNREACHABLE'),
    ];
    expect(combineChecks(checks).verdict).toBe('TAMPERED');
  });
  it('an ERROR beats a chain finding', () => {
    const checks = [
      ...replace('revocation', c('revocation', 'INVALID', 'REVOKED')),
      c('registry', 'ERROR', 'CHAIN_UNREACHABLE'),
    ];
    expect(combineChecks(checks)).toMatchObject({ verdict: 'ERROR', code: 'CHAIN_UNREACHABLE' });
  });
  it('REVOKED beats NOT_ANCHORED beats UNKNOWN_ISSUER', () => {
    const both = replace('revocation', c('revocation', 'INVALID', 'REVOKED')).map((x) =>
      x.check === 'rootAnchored' ? c('rootAnchored', 'INVALID', 'NOT_ANCHORED') : x,
    );
    expect(combineChecks(both).verdict).toBe('REVOKED');
    const na = replace('rootAnchored', c('rootAnchored', 'INVALID', 'NOT_ANCHORED')).map((x) =>
      x.check === 'issuer' ? c('issuer', 'INVALID', 'UNKNOWN_ISSUER') : x,
    );
    expect(combineChecks(na).verdict).toBe('NOT_ANCHORED');
  });
  it('an unknown failing code never reads as VALID', () => {
    expect(combineChecks(replace('issuer', c('issuer', 'INVALID', 'SOMETHING_NEW'))).verdict).toBe('ERROR');
  });
});
