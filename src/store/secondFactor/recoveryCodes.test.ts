import { describe, expect, it } from 'vitest';
import { hashRecoveryCode, newRecoveryCodes, RECOVERY_CODE_COUNT } from './recoveryCodes.js';

describe('recovery codes', () => {
  it('are ten distinct codes without lookalike characters', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const c of codes) expect(c).toMatch(/^[a-hjkmnp-z2-79]{4}-[a-hjkmnp-z2-79]{4}-[a-hjkmnp-z2-79]{4}$/);
  });

  it('hash the same however they are typed back (case, spaces, dashes), and differently from each other', () => {
    const [a, b] = newRecoveryCodes();
    expect(hashRecoveryCode(` ${a!.toUpperCase().replaceAll('-', ' ')} `)).toBe(hashRecoveryCode(a!));
    expect(hashRecoveryCode(a!)).not.toBe(hashRecoveryCode(b!));
    expect(hashRecoveryCode(a!)).toMatch(/^[0-9a-f]{64}$/);
  });
});
