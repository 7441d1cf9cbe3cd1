import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import {
  formatStampCode,
  isStampId,
  isStampSecret,
  parseStampCode,
  STAMP_CODE_BYTES,
  stampCodeFromBytes,
  stampPath,
} from './stampCode.js';

describe('stamp codes', () => {
  it('makes a 10-character id and a 15-character secret from random bytes, in Crockford base32', () => {
    const code = stampCodeFromBytes(randomBytes(STAMP_CODE_BYTES));
    expect(isStampId(code.stampId)).toBe(true);
    expect(isStampSecret(code.secret)).toBe(true);
    expect(`${code.stampId}${code.secret}`).toMatch(/^[0-9A-HJKMNP-TV-Z]{25}$/);
    expect(stampCodeFromBytes(new Uint8Array(STAMP_CODE_BYTES).fill(31))).toEqual({
      stampId: 'ZZZZZZZZZZ',
      secret: 'ZZZZZZZZZZZZZZZ',
    });
    expect(() => stampCodeFromBytes(new Uint8Array(24))).toThrow(RangeError);
  });

  it('prints in five groups of five and reads back what a person types, forgiving case, spaces and look-alikes', () => {
    const code = { stampId: '0123456789', secret: 'ABCDEFGHJKMNPQR' };
    const printed = formatStampCode(code);
    expect(printed).toBe('01234-56789-ABCDE-FGHJK-MNPQR');
    expect(parseStampCode(printed)).toEqual(code);
    expect(parseStampCode(' o1234 56789 abcde fghjk mnpqr ')).toEqual(code);
    expect(parseStampCode('OI234-56789-ABCDE-FGHJK-MNPQR')).toEqual(code);
    expect(parseStampCode('01234-56789-ABCDE-FGHJK-MNPQ')).toBeUndefined();
    expect(parseStampCode('01234-56789-ABCDE-FGHJK-MNPQ*')).toBeUndefined();
    expect(stampPath(code)).toBe('/v/0123456789#ABCDEFGHJKMNPQR');
  });
});
