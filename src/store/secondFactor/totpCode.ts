import { authenticator } from 'otplib';

// RFC 6238 defaults that authenticator apps expect: SHA-1, 6 digits, 30 s; one step either side
// absorbs a phone's clock drift.
const STEP_MS = 30_000;
const WINDOW = 1;

/** A new TOTP secret (base32, 160 bits as RFC 4226 recommends). */
export const newTotpSecret = (): string => authenticator.generateSecret(20);

/** The otpauth:// URI an authenticator app scans (label: issuer and account). */
export const totpUri = (secret: string, account: string, issuer: string): string =>
  authenticator.keyuri(account, issuer, secret);

/** The code for `secret` at `now` (tests and the development helpers). */
export const totpCodeAt = (secret: string, now: number): string =>
  authenticator.clone({ epoch: now }).generate(secret);

/**
 * The time step a code belongs to when it is valid at `now` (within one step of drift), else null.
 * Callers accept a step only once and only after the last one accepted, so a code seen over a
 * shoulder or replayed from a log is worthless.
 */
export function totpStepOf(secret: string, code: string, now: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = authenticator.clone({ epoch: now, window: WINDOW }).checkDelta(code, secret);
  return delta === null ? null : Math.floor(now / STEP_MS) + delta;
}
