import { createHash, randomBytes } from 'node:crypto';

// No 0/1/8/l/o/i lookalikes: a code is copied from paper by a person.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz2345679';
export const RECOVERY_CODE_COUNT = 10;

/** One code: 12 characters from 30 (about 59 bits), shown as `xxxx-xxxx-xxxx`. */
function newCode(): string {
  const bytes = randomBytes(12);
  let s = '';
  // 256 is not a multiple of 30: reject the top bytes, no modulo bias.
  for (let i = 0; s.length < 12; i++) {
    const b = i < bytes.length ? bytes[i]! : randomBytes(1)[0]!;
    if (b < 240) s += ALPHABET[b % 30];
  }
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

export const newRecoveryCodes = (): string[] => Array.from({ length: RECOVERY_CODE_COUNT }, newCode);

/** Codes are stored only as SHA-256 (random, ~59 bits, and tried under a throttle: no slow hash needed). */
export const hashRecoveryCode = (code: string): string =>
  createHash('sha256').update(code.trim().toLowerCase().replace(/[\s-]/g, '')).digest('hex');
