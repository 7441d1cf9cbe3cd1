import { dictionary } from '@zxcvbn-ts/language-common';
import { MedproofError } from '../errors/MedproofError.js';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

// The 3,000 most common passwords (zxcvbn's list, by frequency): refused outright.
const COMMON = new Set(dictionary['passwords-common'].slice(0, 3000).map((p) => p.toLowerCase()));

/**
 * ASVS 6.2: 8 to 128 characters, any characters, no composition rules, not a common password, not the
 * email. Returns the problem in words, or undefined: the browser runs the same rule as the server.
 */
export function passwordProblem(password: string, email?: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `use at least ${PASSWORD_MIN} characters`;
  if (length > PASSWORD_MAX) return `use at most ${PASSWORD_MAX} characters`;
  if (COMMON.has(password.toLowerCase())) return 'this password is too common: choose another';
  if (email && password.toLowerCase() === email.toLowerCase()) return 'do not use your email as password';
  return undefined;
}

/** Throws WEAK_PASSWORD (naming `field`) when the password breaks the policy. */
export function checkPasswordPolicy(password: string, email?: string, field = 'password'): void {
  const problem = passwordProblem(password, email);
  if (problem) throw new MedproofError('WEAK_PASSWORD', problem, { field });
}
