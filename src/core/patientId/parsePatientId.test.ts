import { describe, expect, it } from 'vitest';
import { maskPatientId } from './maskPatientId.js';
import { parsePatientId, type PatientId } from './parsePatientId.js';
import { patientRef } from './patientRef.js';
import { verhoeffDigit, verhoeffValid } from './verhoeff.js';

const withCheck = (eleven: string) => `${eleven}${verhoeffDigit(eleven)}`;
const unwrap = (r: ReturnType<typeof parsePatientId>): PatientId => {
  if (!r.ok) throw new Error(r.message);
  return r.value;
};

describe('verhoeff', () => {
  it('matches the published example (236 → 3) and catches a single-digit change and a swap', () => {
    expect(verhoeffDigit('236')).toBe(3);
    expect(verhoeffValid('2363')).toBe(true);
    expect(verhoeffValid('2364')).toBe(false);
    expect(verhoeffValid('3263')).toBe(false);
  });
});

describe('parsePatientId', () => {
  const aadhaar = withCheck('23456789012');

  it('accepts an Aadhaar number with spaces and normalises it', () => {
    const spaced = `${aadhaar.slice(0, 4)} ${aadhaar.slice(4, 8)} ${aadhaar.slice(8)}`;
    const id = unwrap(parsePatientId(spaced));
    expect(id).toEqual({ kind: 'aadhaar', value: aadhaar, normalised: `aadhaar:${aadhaar}` });
    expect(maskPatientId(id)).toBe(`XXXX XXXX ${aadhaar.slice(8)}`);
  });

  it('rejects an Aadhaar number with a wrong check digit, a leading 0/1, or the wrong length', () => {
    const wrong = `${aadhaar.slice(0, 11)}${(Number(aadhaar[11]) + 1) % 10}`;
    expect(parsePatientId(wrong)).toMatchObject({
      ok: false,
      code: 'PATIENT_ID_INVALID',
      message: expect.stringMatching(/check digit/),
    });
    expect(parsePatientId(withCheck('13456789012'))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/0 or 1/),
    });
    expect(parsePatientId('2345678901', 'aadhaar')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/12 digits/),
    });
  });

  it('accepts a 14-digit ABHA number in its dashed form', () => {
    const id = unwrap(parsePatientId('91-1234-5678-9012'));
    expect(id.kind).toBe('abha');
    expect(id.value).toBe('91123456789012');
    expect(maskPatientId(id)).toBe('XX-XXXX-XXXX-9012');
    expect(parsePatientId('1234567890123', 'abha').ok).toBe(false);
  });

  it('normalises Indian mobile numbers to E.164 by default and keeps foreign ones', () => {
    const id = unwrap(parsePatientId('98765 43210'));
    expect(id).toEqual({ kind: 'mobile', value: '+919876543210', normalised: 'mobile:+919876543210' });
    expect(maskPatientId(id)).toBe('+91 XXXXXX3210');
    expect(unwrap(parsePatientId('+91 98765-43210')).value).toBe('+919876543210');
    expect(unwrap(parsePatientId('+44 7911 123456')).value).toBe('+447911123456');
  });

  it('rejects what is not a mobile number, and empty input', () => {
    expect(parsePatientId('12345').ok).toBe(false);
    expect(parsePatientId('+91 12345 67890').ok).toBe(false); // Indian mobiles start with 6-9
    expect(parsePatientId('abc').ok).toBe(false);
    expect(parsePatientId('   ')).toMatchObject({ ok: false, message: 'patient id is empty' });
  });

  it('an explicit kind wins over inference', () => {
    expect(parsePatientId('919876543210', 'mobile')).toMatchObject({
      ok: true,
      value: { value: '+919876543210' },
    });
  });
});

describe('patientRef', () => {
  const secret = new Uint8Array(32).fill(7);
  it('is a keyed, deterministic bytes32 that differs by secret and by kind', () => {
    const id = unwrap(parsePatientId('9876543210'));
    const ref = patientRef(secret, id);
    expect(ref).toMatch(/^0x[0-9a-f]{64}$/);
    expect(patientRef(secret, id)).toBe(ref);
    expect(patientRef(new Uint8Array(32).fill(8), id)).not.toBe(ref);
    const abha = unwrap(parsePatientId('91987654321012'));
    const abhaAsOtherKind = { ...abha, kind: 'aadhaar' as const, normalised: `aadhaar:${abha.value}` };
    expect(patientRef(secret, abha)).not.toBe(patientRef(secret, abhaAsOtherKind));
  });
  it('refuses a short secret', () => {
    expect(() => patientRef(new Uint8Array(16), unwrap(parsePatientId('9876543210')))).toThrow(RangeError);
  });
});
