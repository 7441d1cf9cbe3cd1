import { describe, expect, it } from 'vitest';
import { newTotpSecret, totpCodeAt, totpStepOf, totpUri } from './totpCode.js';

// RFC 6238 appendix B: the SHA-1 test secret "12345678901234567890" (base32 below) at T = 59 s gives
// 94287082 in 8 digits; authenticator apps show the last 6.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP with a fixed clock', () => {
  it('matches the RFC 6238 test vector (6-digit form)', () => {
    expect(totpCodeAt(RFC_SECRET, 59_000)).toBe('287082');
    expect(totpCodeAt(RFC_SECRET, 1_111_111_109_000)).toBe('081804');
  });

  it('accepts a code in its own step and one step either side, and names the step it belongs to', () => {
    const t = 1_700_000_000_000; // a fixed instant, step 56 666 666
    const step = Math.floor(t / 30_000);
    const code = totpCodeAt(RFC_SECRET, t);
    expect(totpStepOf(RFC_SECRET, code, t)).toBe(step);
    expect(totpStepOf(RFC_SECRET, code, t + 30_000)).toBe(step); // the phone a step behind
    expect(totpStepOf(RFC_SECRET, code, t - 30_000)).toBe(step); // the phone a step ahead
    expect(totpStepOf(RFC_SECRET, code, t + 60_000)).toBeNull(); // two steps: too old
    expect(totpStepOf(RFC_SECRET, code, t - 60_000)).toBeNull();
  });

  it('refuses malformed codes and another secret’s code', () => {
    const t = 1_700_000_000_000;
    const code = totpCodeAt(RFC_SECRET, t);
    expect(totpStepOf(RFC_SECRET, `${code} `, t)).toBeNull();
    expect(totpStepOf(RFC_SECRET, code.slice(1), t)).toBeNull();
    expect(totpStepOf(RFC_SECRET, 'abcdef', t)).toBeNull();
    const other = newTotpSecret();
    expect(other).toMatch(/^[A-Z2-7]{32}$/); // 160 bits of base32
    expect(totpStepOf(other, code, t)).toBeNull();
  });

  it('gives apps an otpauth URI with issuer and account', () => {
    expect(totpUri(RFC_SECRET, 'dr@hospital.test', 'medproof')).toBe(
      'otpauth://totp/medproof:dr%40hospital.test?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=30&digits=6&algorithm=SHA1&issuer=medproof',
    );
  });
});
