import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { badRequest } from '../http/HttpError.js';

// OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane.
// (Algorithm is a const enum, which isolated modules cannot read: 2 is Argon2id.)
const ARGON2 = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

// The 3,000 most common passwords (zxcvbn's list, by frequency): refused outright.
const COMMON = new Set(dictionary['passwords-common'].slice(0, 3000).map((p) => p.toLowerCase()));

/** ASVS 6.2: length 8 to 128, any characters, no composition rules, not a common password, not the email. */
export function checkPasswordPolicy(password: string, email?: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN)
    throw badRequest('WEAK_PASSWORD', `use at least ${PASSWORD_MIN} characters`, 'password');
  if (length > PASSWORD_MAX)
    throw badRequest('WEAK_PASSWORD', `use at most ${PASSWORD_MAX} characters`, 'password');
  if (COMMON.has(password.toLowerCase()))
    throw badRequest('WEAK_PASSWORD', 'this password is too common: choose another', 'password');
  if (email && password.toLowerCase() === email.toLowerCase())
    throw badRequest('WEAK_PASSWORD', 'do not use your email as password', 'password');
}

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2);

/** Constant work whether or not the account exists: unknown users are checked against this hash. */
let dummy: Promise<string> | undefined;
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  const target = stored ?? (await (dummy ??= hash('medproof-dummy-password', ARGON2)));
  try {
    return (await verify(target, password)) && stored !== undefined;
  } catch {
    return false;
  }
}
