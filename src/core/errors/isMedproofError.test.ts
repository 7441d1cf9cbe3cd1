import { describe, expect, it } from 'vitest';
import { isMedproofError, MedproofError } from './MedproofError.js';

describe('isMedproofError', () => {
  it('recognises the class and its subclasses, whatever their name', () => {
    class Sub extends MedproofError {
      override name = 'Sub';
    }
    expect(isMedproofError(new MedproofError('NOT_FOUND', 'x'))).toBe(true);
    expect(isMedproofError(new Sub('INTEGRITY_FAILURE', 'x'), 'INTEGRITY_FAILURE')).toBe(true);
    expect(isMedproofError(new Sub('INTEGRITY_FAILURE', 'x'), 'NOT_FOUND')).toBe(false);
  });

  it("recognises another copy's errors (a bundled command's) by the shared brand, not a look-alike", () => {
    const foreign = Object.assign(new Error('x'), {
      name: 'MedproofError',
      code: 'NOT_FOUND',
      [Symbol.for('medproof.MedproofError')]: true,
    });
    expect(isMedproofError(foreign, 'NOT_FOUND')).toBe(true);
    const lookAlike = Object.assign(new Error('x'), { name: 'MedproofError', code: 'NOT_FOUND' });
    expect(isMedproofError(lookAlike)).toBe(false);
    expect(isMedproofError(new Error('x'))).toBe(false);
    expect(isMedproofError(null)).toBe(false);
  });
});
