import { describe, expect, it } from 'vitest';
import { fieldWords, sentenceFor, sentencesFor } from './validationSentences.js';

describe('schema violations in sentences', () => {
  it('names fields in words', () => {
    expect(fieldWords('dateOfBirth')).toBe('date of birth');
    expect(fieldWords('expiresInHours')).toBe('expires in hours');
    expect(fieldWords('a.b.patientId')).toBe('patient id');
  });

  it('says what to do, never the validator’s wording', () => {
    const email = sentenceFor({ keyword: 'format', instancePath: '/email', params: { format: 'email' } });
    expect(email).toEqual({ field: 'email', message: 'Enter an email address, like name@example.com.' });
    expect(email.message).not.toMatch(/must match|body\//);
    expect(
      sentenceFor({ keyword: 'required', instancePath: '', params: { missingProperty: 'dateOfBirth' } }),
    ).toEqual({ field: 'dateOfBirth', message: 'Fill in the date of birth.' });
    expect(
      sentenceFor({ keyword: 'maximum', instancePath: '/maxViews', params: { limit: 10000 } }).message,
    ).toBe('The max views can be at most 10000.');
    expect(
      sentenceFor({ keyword: 'minLength', instancePath: '/password', params: { limit: 8 } }).message,
    ).toBe('The password must be at least 8 characters long.');
    expect(
      sentenceFor({ keyword: 'pattern', instancePath: '/name', params: { pattern: '\\S' } }).message,
    ).toBe('Fill in the name.');
  });

  it('keeps one sentence per field, in the reported order', () => {
    const all = sentencesFor([
      { keyword: 'required', instancePath: '', params: { missingProperty: 'name' } },
      { keyword: 'format', instancePath: '/email', params: { format: 'email' } },
      { keyword: 'maxLength', instancePath: '/email', params: { limit: 254 } },
    ]);
    expect(all.map((s) => s.field)).toEqual(['name', 'email']);
    expect(all[1]!.message).toMatch(/^Enter an email address/);
  });

  it('says a union field wants one of its values, not one branch’s type', () => {
    const all = sentencesFor([
      { keyword: 'type', instancePath: '/reason', params: { type: 'integer' } },
      { keyword: 'type', instancePath: '/reason', params: { type: 'string' } },
      { keyword: 'anyOf', instancePath: '/reason', params: {} },
    ]);
    expect(all).toEqual([{ field: 'reason', message: 'Choose one of the offered values for the reason.' }]);
  });
});
